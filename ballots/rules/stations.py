"""Pure rules of proxies (委托投票) and polling stations (no Django): who may give a written proxy to whom, what a
polling station needs, and the ``voting`` gates that check both before the vote is counted.

Proxies (seed 003: 依法办理委托投票手续，每个选民接受委托投票不得超过3人; seed 001: 居民代表补选不办理委托投票):

* the rulebook allows proxies (``proxies_allowed``); a party election never does (党组织选举不得委托投票), whatever
  a local override says;
* the authorisation is written (书面委托) and dated, not in the future, and not after election day;
* the voter and the holder are active registered voters of this election, and not the same person;
* a voter gives one active proxy at a time (to change the holder, the first is revoked);
* a holder accepts at most ``proxy_limit`` proxies (3: the third is accepted, the fourth refused);
* with ``proxy_holder_not_candidate`` a formal candidate of the election may not hold a proxy;
* no chain: a voter who gave a proxy cannot hold others' (they will not vote at all), and a holder cannot give
  their own vote away while holding others' (受托人不得转委托 — the proxies held would go with it). The proxies
  held are revoked first, then the holder may give a proxy.

Stations: kinds central venue (中心会场), station (投票站) and mobile box (流动票箱); at most one central venue; a
mobile box needs ``mobile_box_min_supervisors`` (3) distinct supervisors present (seed 003: 每个票箱应有3名以上
监票人员同时在场监督); a rulebook with ``central_venue_only`` (seed 001, a by-election by the residents'
representatives) allows the central venue alone. An understaffed mobile box may be recorded (supervisors are often
named later); the page flags it and the gate keeps the election in ``voting`` until it is staffed.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from candidates.rules import rule_source
from elections.rules import Blocker

# --------------------------------------------------------------------------------------------
# Code tables
# --------------------------------------------------------------------------------------------

STATION_KINDS: list[tuple[str, str]] = [("central", "中心会场"), ("station", "投票站"), ("mobile", "流动票箱")]
STATION_KIND_LABELS = dict(STATION_KINDS)
PROXY_STATUSES: list[tuple[str, str]] = [("active", "有效"), ("revoked", "已撤销")]
PROXY_STATUS_LABELS = dict(PROXY_STATUSES)

NAME_MAX = 100
LOCATION_MAX = 200
SUPERVISOR_NAME_MAX = 50
SUPERVISORS_MAX = 30
REASON_MAX = 200
BALLOTS_MAX = 1_000_000

DEFAULT_PROXY_LIMIT = 3
DEFAULT_MOBILE_SUPERVISORS = 3

STATIONS_SOURCE = "seed 003：应召开选举大会集中投票或设立中心投票会场和若干投票站投票"
PARTY_PROXY_SOURCE = "中国共产党基层组织选举工作条例：因故未出席会议的党员，不能委托他人代为选举"


def clean(value: object) -> str:
    """NFKC, zero-width characters dropped, whitespace collapsed (as the voter rules clean names)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def _names(items: Sequence[str], limit: int = 10) -> str:
    shown = "、".join(items[:limit])
    return shown + (f"等 {len(items)} 人" if len(items) > limit else "")


# --------------------------------------------------------------------------------------------
# Proxies
# --------------------------------------------------------------------------------------------


def proxies_allowed(body: str, rules: Mapping[str, Any]) -> bool:
    """Whether the election takes proxies: never in a party election, else as the rulebook says."""
    return body != "party_committee" and bool(rules.get("proxies_allowed"))


def proxy_limit(rules: Mapping[str, Any]) -> int:
    raw = rules.get("proxy_limit")
    return DEFAULT_PROXY_LIMIT if raw is None else int(raw)


@dataclass(frozen=True)
class ProxyParty:
    """A voter as the proxy rules see them. ``gives``: active proxies this voter gave (0 or 1); ``holds``: active
    proxies this voter holds for others; ``candidate``: a formal candidate of the election."""

    id: int
    name: str
    election_id: int
    active: bool = True
    gives: int = 0
    holds: int = 0
    candidate: bool = False
    holder_name: str = ""  # the holder of the proxy this voter gave, for the message


@dataclass(frozen=True)
class ProxyRequest:
    body: str
    election_id: int
    election_day: dt.date | None
    today: dt.date
    voter: ProxyParty | None  # None: not a registered voter of this election
    holder: ProxyParty | None
    written_on: dt.date | None
    reason: str = ""


def proxy_problems(request: ProxyRequest, rules: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every reason to refuse a proxy, as (field, message); [] when it may be granted. Field "" is the whole."""
    if not proxies_allowed(request.body, rules):
        if request.body == "party_committee":
            return [("", "党组织选举不办理委托投票。")]
        return [("", "本次选举的选举办法规定不办理委托投票。")]
    problems: list[tuple[str, str]] = []
    if request.written_on is None:
        problems.append(("written_on", "请填写书面委托日期（委托须有委托人签名的书面委托书）。"))
    elif request.written_on > request.today:
        problems.append(("written_on", f"书面委托日期 {request.written_on:%Y-%m-%d} 晚于今天，请核对。"))
    elif request.election_day is not None and request.written_on > request.election_day:
        problems.append(("written_on", f"书面委托日期 {request.written_on:%Y-%m-%d} 晚于选举日"
                                       f" {request.election_day:%Y-%m-%d}。"))
    if len(clean(request.reason)) > REASON_MAX:
        problems.append(("reason", f"委托原因过长（至多 {REASON_MAX} 个字符）。"))
    voter, holder = request.voter, request.holder
    if voter is None or voter.election_id != request.election_id:
        problems.append(("voter", "委托人不是本次选举的登记选民。"))
        voter = None
    elif not voter.active:
        problems.append(("voter", f"委托人 {voter.name} 已从选民名单中除名，不能委托投票。"))
    if holder is None or holder.election_id != request.election_id:
        problems.append(("holder", "受托人须是本次选举的登记选民。"))
        holder = None
    elif not holder.active:
        problems.append(("holder", f"受托人 {holder.name} 已从选民名单中除名，不能接受委托。"))
    if voter is not None and holder is not None and voter.id == holder.id:
        problems.append(("holder", "委托人不能委托本人。"))
        return problems
    if voter is not None and voter.active:
        if voter.gives:
            to = f"{voter.holder_name} " if voter.holder_name else ""
            problems.append(("voter", f"{voter.name} 已委托 {to}投票；如需改托，请先撤销原委托。"))
        if voter.holds:
            problems.append(("voter", f"{voter.name} 已接受 {voter.holds} 人的委托，受托人不得转委托；"
                                      "如本人不能参加投票，请先撤销其接受的委托。"))
    if holder is not None and holder.active:
        limit = proxy_limit(rules)
        if holder.holds >= limit:
            problems.append(("holder", f"受托人 {holder.name} 已接受 {holder.holds} 人的委托，每位选民接受委托"
                                       f"不得超过 {limit} 人。"))
        if holder.gives:
            problems.append(("holder", f"{holder.name} 本人已委托他人投票，不能再接受委托。"))
        if holder.candidate and rules.get("proxy_holder_not_candidate"):
            problems.append(("holder", f"{holder.name} 是本次选举的正式候选人，按选举办法不得接受委托。"))
    return problems


def revoke_problems(*, status: str, reason: str) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if status != "active":
        problems.append(("", "该委托已撤销。"))
    text = clean(reason)
    if not text:
        problems.append(("reason", "请说明撤销原因（如：委托人本人到场投票、委托人书面撤回）。"))
    elif len(text) > REASON_MAX:
        problems.append(("reason", f"撤销原因过长（至多 {REASON_MAX} 个字符）。"))
    return problems


# --------------------------------------------------------------------------------------------
# Stations
# --------------------------------------------------------------------------------------------


def clean_supervisors(names: Iterable[object] | str | None) -> list[str]:
    """Supervisors' names in order, cleaned, blanks dropped, each name once. A string is split at commas,
    顿号, semicolons and line breaks (how a clerk types a list)."""
    if names is None:
        return []
    if isinstance(names, str):
        text = names
        for sep in "，,、;；\n\r\t":
            text = text.replace(sep, "\n")
        names = text.split("\n")
    seen: list[str] = []
    for raw in names:
        name = clean(raw)
        if name and name not in seen:
            seen.append(name)
    return seen


def supervisors_short(kind: str, supervisors: Iterable[object], rules: Mapping[str, Any]) -> int:
    """How many supervisors a mobile box still lacks (0 for other kinds, or a staffed box)."""
    if kind != "mobile":
        return 0
    needed = int(rules.get("mobile_box_min_supervisors") or DEFAULT_MOBILE_SUPERVISORS)
    return max(0, needed - len(clean_supervisors(list(supervisors))))


@dataclass(frozen=True)
class StationFacts:
    name: str
    kind: str
    supervisors: tuple[str, ...] = ()
    id: int | None = None


@dataclass(frozen=True)
class StationInput:
    name: object
    kind: object
    location: object = ""
    supervisors: Iterable[object] | str | None = ()
    ballots_planned: object = None


@dataclass(frozen=True)
class StationData:
    """A station that passed every check, cleaned."""

    name: str
    kind: str
    location: str
    supervisors: tuple[str, ...]
    ballots_planned: int | None


def station_check(
    data: StationInput, *, others: Sequence[StationFacts], rules: Mapping[str, Any]
) -> tuple[StationData | None, list[tuple[str, str]]]:
    """(cleaned station, []) or (None, every problem). ``others``: the election's other stations."""
    problems: list[tuple[str, str]] = []
    name = clean(data.name)
    if not name:
        problems.append(("name", "请填写投票站名称（如：中心会场、第一投票站、流动票箱一）。"))
    elif len(name) > NAME_MAX:
        problems.append(("name", f"名称过长（至多 {NAME_MAX} 个字符）。"))
    elif any(o.name == name for o in others):
        problems.append(("name", f"已有名为“{name}”的投票站。"))
    kind = clean(data.kind)
    if kind not in STATION_KIND_LABELS:
        problems.append(("kind", "类型须为中心会场、投票站或流动票箱。"))
    elif rules.get("central_venue_only"):
        if kind != "central":
            problems.append(("kind", "按选举办法只设立中心会场，不设投票站和流动票箱。"))
        elif any(o.kind == "central" for o in others):
            problems.append(("kind", "已设立中心会场；按选举办法只设立一个中心会场。"))
    elif kind == "central" and any(o.kind == "central" for o in others):
        existing = next(o.name for o in others if o.kind == "central")
        problems.append(("kind", f"已设立中心会场（{existing}），一次选举只设一个中心会场。"))
    location = clean(data.location)
    if len(location) > LOCATION_MAX:
        problems.append(("location", f"地点过长（至多 {LOCATION_MAX} 个字符）。"))
    if data.supervisors is not None and not isinstance(data.supervisors, str | list | tuple):
        problems.append(("supervisors", "监票人须为姓名列表。"))
        supervisors: list[str] = []
    else:
        supervisors = clean_supervisors(data.supervisors)
    long_names = [s for s in supervisors if len(s) > SUPERVISOR_NAME_MAX]
    if long_names:
        problems.append(("supervisors", f"监票人姓名过长（至多 {SUPERVISOR_NAME_MAX} 个字符）。"))
    if len(supervisors) > SUPERVISORS_MAX:
        problems.append(("supervisors", f"监票人至多 {SUPERVISORS_MAX} 名。"))
    planned = data.ballots_planned
    ballots: int | None = None
    if planned not in (None, ""):
        try:
            ballots = int(str(planned).strip())
        except ValueError:
            problems.append(("ballots_planned", "计划发放选票数须为整数。"))
        else:
            if ballots < 0 or ballots > BALLOTS_MAX:
                problems.append(("ballots_planned", f"计划发放选票数须在 0 至 {BALLOTS_MAX} 之间。"))
    if problems:
        return None, problems
    return StationData(name, kind, location, tuple(supervisors), ballots), []


def station_warnings(station: StationFacts, ballots_planned: int | None, rules: Mapping[str, Any]) -> list[str]:
    """What the page flags on a recorded station (not refusals): an understaffed mobile box, one without a
    planned number of ballots (流动票箱须严格控制数量)."""
    warnings = []
    short = supervisors_short(station.kind, station.supervisors, rules)
    if short:
        needed = int(rules.get("mobile_box_min_supervisors") or DEFAULT_MOBILE_SUPERVISORS)
        warnings.append(f"流动票箱须有 {needed} 名以上监票人同时在场监督，还差 {short} 名。")
    if station.kind == "mobile" and ballots_planned is None:
        warnings.append("流动票箱须严格控制数量：请登记计划发放的选票数。")
    if station.kind != "central" and rules.get("central_venue_only"):
        warnings.append("按选举办法只设立中心会场：请删除此投票站。")
    return warnings


# --------------------------------------------------------------------------------------------
# Gates (leaving ``voting``)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StationGateFacts:
    body: str
    stations: tuple[StationFacts, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)


def gate_stations(facts: StationGateFacts, rules: Mapping[str, Any]) -> list[Blocker]:
    """stations_missing, mobile_box_supervisors, central_venue_only."""
    src = lambda key: rule_source(facts.sources, facts.body, key)  # noqa: E731
    if not facts.stations:
        return [Blocker(
            "stations_missing",
            "尚未设立投票地点（中心会场、投票站或流动票箱）。",
            STATIONS_SOURCE,
            "在“投票站与委托”页登记中心会场及投票站。",
        )]
    blockers: list[Blocker] = []
    short = [(s.name, len(clean_supervisors(s.supervisors))) for s in facts.stations
             if supervisors_short(s.kind, s.supervisors, rules)]
    if short:
        needed = int(rules.get("mobile_box_min_supervisors") or DEFAULT_MOBILE_SUPERVISORS)
        listed = "；".join(f"{name}（{count} 名）" for name, count in short)
        blockers.append(Blocker(
            "mobile_box_supervisors",
            f"流动票箱监票人不足 {needed} 名：{listed}。",
            src("mobile_box_min_supervisors"),
            f"为每个流动票箱指定 {needed} 名以上监票人，或取消该流动票箱。",
        ))
    if rules.get("central_venue_only"):
        others = [s.name for s in facts.stations if s.kind != "central"]
        centrals = [s.name for s in facts.stations if s.kind == "central"]
        problems = []
        if others:
            problems.append(f"设有中心会场以外的投票地点：{_names(others)}")
        if not centrals:
            problems.append("尚未设立中心会场")
        elif len(centrals) > 1:
            problems.append(f"设有 {len(centrals)} 个中心会场：{_names(centrals)}")
        if problems:
            blockers.append(Blocker(
                "central_venue_only",
                "按选举办法只设立一个中心会场：" + "；".join(problems) + "。",
                src("central_venue_only"),
                "删除其他投票站和流动票箱，只保留一个中心会场。",
            ))
    return blockers


@dataclass(frozen=True)
class ActiveProxy:
    voter: str
    holder: str
    holder_id: int
    voter_active: bool = True
    holder_active: bool = True


@dataclass(frozen=True)
class ProxyGateFacts:
    body: str
    proxies: tuple[ActiveProxy, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)


def gate_proxies(facts: ProxyGateFacts, rules: Mapping[str, Any]) -> list[Blocker]:
    """proxies_not_allowed (an active proxy where none may be: should never happen, still a blocker),
    proxy_limit_exceeded (the limit was lowered after the grants), proxy_voter_removed (a party left the roll)."""
    if not facts.proxies:
        return []
    if not proxies_allowed(facts.body, rules):
        party = facts.body == "party_committee"
        return [Blocker(
            "proxies_not_allowed",
            f"{'党组织选举不得委托投票' if party else '选举办法规定不办理委托投票'}，但登记有 {len(facts.proxies)} 份"
            f"有效委托：{_names([f'{p.voter}委托{p.holder}' for p in facts.proxies])}。",
            PARTY_PROXY_SOURCE if party else rule_source(facts.sources, facts.body, "proxies_allowed"),
            "撤销这些委托（注明原因）；委托人须本人到场投票。",
        )]
    blockers: list[Blocker] = []
    limit = proxy_limit(rules)
    held: dict[int, list[ActiveProxy]] = {}
    for p in facts.proxies:
        held.setdefault(p.holder_id, []).append(p)
    over = [(rows[0].holder, len(rows)) for rows in held.values() if len(rows) > limit]
    if over:
        blockers.append(Blocker(
            "proxy_limit_exceeded",
            f"每位选民接受委托不得超过 {limit} 人：" + "；".join(f"{name} 接受 {n} 人委托" for name, n in over) + "。",
            rule_source(facts.sources, facts.body, "proxy_limit"),
            "撤销超出上限的委托，委托人另行委托或本人到场投票。",
        ))
    removed = [f"{p.voter}委托{p.holder}" for p in facts.proxies if not (p.voter_active and p.holder_active)]
    if removed:
        blockers.append(Blocker(
            "proxy_voter_removed",
            f"有效委托的委托人或受托人已从选民名单中除名：{_names(removed)}。",
            rule_source(facts.sources, facts.body, "proxies_allowed"),
            "撤销这些委托（注明原因）。",
        ))
    return blockers
