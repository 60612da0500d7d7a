"""Writes of polling stations and proxies (委托投票).

Every service is keyword-only, atomic, permission-checked (``ballots.manage_stations`` /
``ballots.manage_proxies``, the election as the object), stage-checked (preparation … voting) and records one
event per change. The rules themselves live in ``ballots.rules.stations``.

A proxy grant locks the election row (as every write of an election does) and then the voter's and the holder's
rows, in id order, before counting what the holder already holds: two clerks granting the holder's third and
fourth proxy at once are served one after the other, and the second is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from candidates.models import Candidate
from elections.audit import record_event, snapshot
from elections.errors import ApplicationError, Conflict
from elections.models import Election, User
from elections.services import _require
from elections.services import election_lock as _lock
from elections.services.preparation import require_stage

from ..models import Proxy, Station, Tally, Voter
from ..rules import stations as rules

STATION_STAGES = frozenset({"preparation", "nomination", "vetting", "publicity", "voting"})
PROXY_STAGES = STATION_STAGES

_UNSET: Any = object()



def _raise(problems: list[tuple[str, str]], message: str) -> None:
    if not problems:
        return
    errors: dict[str, list[str]] = {}
    for field_name, text in problems:
        errors.setdefault(field_name or "non_field_errors", []).append(text)
    whole = [text for field_name, text in problems if not field_name]
    raise ApplicationError(whole[0] if whole and len(problems) == 1 else message, errors)


# --------------------------------------------------------------------------------------------
# Stations
# --------------------------------------------------------------------------------------------

STATION_FIELDS = ["name", "kind", "location", "supervisors", "ballots_planned", "order"]


def _station_state(station: Station) -> dict[str, Any]:
    return snapshot(station, STATION_FIELDS)


def _others(election: Election, exclude: int | None = None) -> list[rules.StationFacts]:
    qs = Station.objects.filter(election=election)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return [rules.StationFacts(s.name, s.kind, tuple(s.supervisors or []), s.pk) for s in qs]


def _summary(station: Station) -> str:
    label = rules.STATION_KIND_LABELS[station.kind]
    supervisors = "、".join(station.supervisors) if station.supervisors else "未指定监票人"
    return f"{station.name}（{label}；监票人：{supervisors}）"


@transaction.atomic
def station_create(
    *, actor: User, election: Election, name: str, kind: str, location: str = "",
    supervisors: Iterable[str] | str | None = (), ballots_planned: int | None = None, order: int | None = None,
) -> Station:
    """A polling place: the central venue, a station or a mobile box, with its supervisors (names)."""
    _require(actor, "ballots.manage_stations", election)
    election = _lock(election)
    require_stage(election, STATION_STAGES, "设立投票站")
    data, problems = rules.station_check(
        rules.StationInput(name, kind, location, supervisors, ballots_planned),
        others=_others(election), rules=election.effective_rules())
    _raise(problems, "投票站信息有误。")
    assert data is not None
    if order is None:
        order = (Station.objects.filter(election=election).aggregate(m=Max("order"))["m"] or 0) + 1
    station = Station.objects.create(
        election=election, name=data.name, kind=data.kind, location=data.location,
        supervisors=list(data.supervisors), ballots_planned=data.ballots_planned, order=max(0, int(order)))
    record_event(actor=actor, action="station.create", obj=station, election=election,
                 after=_station_state(station), summary=f"设立投票地点：{_summary(station)}")
    return station


def _lock_station(station: Station) -> Station:
    return Station.objects.select_for_update().get(pk=station.pk)


@transaction.atomic
def station_update(
    *, actor: User, station: Station, name: str = _UNSET, kind: str = _UNSET, location: str = _UNSET,
    supervisors: Iterable[str] | str | None = _UNSET, ballots_planned: int | None = _UNSET, order: int = _UNSET,
) -> Station:
    """Change any of a station's fields (those not given stay)."""
    _require(actor, "ballots.manage_stations", station.election)
    election = _lock(station.election)
    require_stage(election, STATION_STAGES, "调整投票站")
    station = _lock_station(station)
    before = _station_state(station)
    given = {
        "name": station.name if name is _UNSET else name,
        "kind": station.kind if kind is _UNSET else kind,
        "location": station.location if location is _UNSET else location,
        "supervisors": station.supervisors if supervisors is _UNSET else supervisors,
        "ballots_planned": station.ballots_planned if ballots_planned is _UNSET else ballots_planned,
    }
    if given["kind"] != station.kind and Tally.objects.filter(station=station).exists():
        raise Conflict(f"{station.name}已有计票记录，不能改变类型。")
    data, problems = rules.station_check(rules.StationInput(**given), others=_others(election, station.pk),
                                         rules=election.effective_rules())
    _raise(problems, "投票站信息有误。")
    assert data is not None
    station.name, station.kind, station.location = data.name, data.kind, data.location
    station.supervisors, station.ballots_planned = list(data.supervisors), data.ballots_planned
    if order is not _UNSET and order is not None:
        station.order = max(0, int(order))
    after = _station_state(station)
    if after == before:
        return station
    station.save()
    changed = [f for f in STATION_FIELDS if before[f] != after[f]]
    record_event(actor=actor, action="station.update", obj=station, election=election, before=before,
                 after=after, summary=f"调整投票地点：{_summary(station)}（{'、'.join(_FIELD_LABELS[f] for f in changed)}）")
    return station


_FIELD_LABELS = {"name": "名称", "kind": "类型", "location": "地点", "supervisors": "监票人",
                 "ballots_planned": "计划发放选票数", "order": "排序"}


@transaction.atomic
def station_delete(*, actor: User, station: Station, reason: str = "") -> None:
    """Remove a station; refused once a tally was opened for it (the count stays with its station)."""
    _require(actor, "ballots.manage_stations", station.election)
    election = _lock(station.election)
    require_stage(election, STATION_STAGES, "删除投票站")
    station = _lock_station(station)
    if Tally.objects.filter(station=station).exists():
        raise Conflict(f"{station.name}已有计票记录，不能删除。")
    before = _station_state(station)
    pk, text = station.pk, _summary(station)
    station.delete()
    reason = rules.clean(reason)[:200]
    record_event(actor=actor, action="station.delete", object_type="ballots.station", object_id=pk,
                 election=election, before=before, after={"reason": reason} if reason else None,
                 summary=f"删除投票地点：{text}" + (f"（{reason}）" if reason else ""))


# --------------------------------------------------------------------------------------------
# Proxies
# --------------------------------------------------------------------------------------------


def _proxy_state(proxy: Proxy) -> dict[str, Any]:
    return {**snapshot(proxy, ["voter", "holder", "written_on", "reason", "status", "revoked_reason"]),
            "voter_name": proxy.voter.name, "holder_name": proxy.holder.name}


def _party(voter: Voter | None, election: Election) -> rules.ProxyParty | None:
    if voter is None:
        return None
    gives = list(Proxy.objects.filter(voter=voter, status="active").select_related("holder")[:1])
    holds = Proxy.objects.filter(holder=voter, status="active").count()
    candidate = voter.election_id == election.pk and Candidate.objects.filter(
        election=election, person__id_number=voter.id_number).exists()
    return rules.ProxyParty(
        id=voter.pk, name=voter.name, election_id=voter.election_id, active=voter.status == "active",
        gives=len(gives), holds=holds, candidate=candidate, holder_name=gives[0].holder.name if gives else "")


def _lock_voters(voter: Voter | None, holder: Voter | None) -> tuple[Voter | None, Voter | None]:
    """The voter's and the holder's rows, locked in id order (no deadlock between two grants)."""
    ids = sorted({v.pk for v in (voter, holder) if v is not None})
    locked = {v.pk: v for v in Voter.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    return (locked.get(voter.pk) if voter else None), (locked.get(holder.pk) if holder else None)


@transaction.atomic
def proxy_create(
    *, actor: User, election: Election, voter: Voter | None, holder: Voter | None, written_on: dt.date | None,
    reason: str = "",
) -> Proxy:
    """Record a written proxy (书面委托) from ``voter`` to ``holder``, both registered voters of ``election``
    (None: the caller found no such voter; the refusal says so)."""
    _require(actor, "ballots.manage_proxies", election)
    election = _lock(election)
    require_stage(election, PROXY_STAGES, "办理委托投票")
    voter, holder = _lock_voters(voter, holder)
    request = rules.ProxyRequest(
        body=election.body, election_id=election.pk, election_day=election.election_day,
        today=timezone.localdate(), voter=_party(voter, election), holder=_party(holder, election),
        written_on=written_on, reason=reason or "")
    _raise(rules.proxy_problems(request, election.effective_rules()), "不能办理此委托投票。")
    assert voter is not None and holder is not None and written_on is not None
    try:
        with transaction.atomic():
            proxy = Proxy.objects.create(election=election, voter=voter, holder=holder, written_on=written_on,
                                         reason=rules.clean(reason), created_by=actor)
    except IntegrityError as exc:  # the database's own guard (one active proxy per voter, not to self)
        raise Conflict(f"{voter.name} 已有有效的委托，请刷新后重试。") from exc
    held = Proxy.objects.filter(holder=holder, status="active").count()
    record_event(actor=actor, action="proxy.create", obj=proxy, election=election, after=_proxy_state(proxy),
                 summary=f"{voter.name}（{voter.group}）书面委托 {holder.name}（{holder.group}）投票"
                         f"（{written_on:%Y-%m-%d}；{holder.name} 受托 {held} 人）")
    return proxy


@transaction.atomic
def proxy_revoke(*, actor: User, proxy: Proxy, reason: str) -> Proxy:
    """Revoke a proxy (the voter came to vote, withdrew it in writing, or it was recorded in error)."""
    _require(actor, "ballots.manage_proxies", proxy.election)
    election = _lock(proxy.election)
    require_stage(election, PROXY_STAGES, "撤销委托投票")
    proxy = Proxy.objects.select_for_update().select_related("voter", "holder").get(pk=proxy.pk)
    problems = rules.revoke_problems(status=proxy.status, reason=reason)
    if any(not f for f, _ in problems):
        raise Conflict(f"{proxy.voter.name} 委托 {proxy.holder.name} 的委托已撤销。")
    _raise(problems, "不能撤销此委托。")
    before = _proxy_state(proxy)
    proxy.status, proxy.revoked_reason = "revoked", rules.clean(reason)
    proxy.save(update_fields=["status", "revoked_reason"])
    record_event(actor=actor, action="proxy.revoke", obj=proxy, election=election, before=before,
                 after=_proxy_state(proxy),
                 summary=f"撤销 {proxy.voter.name} 委托 {proxy.holder.name} 的委托投票（{proxy.revoked_reason}）")
    return proxy
