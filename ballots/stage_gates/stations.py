"""Gates of the ``voting`` stage that stations and proxies own.

``stations``: a polling place exists (stations_missing), every mobile box has its supervisors
(mobile_box_supervisors), only the central venue where the rulebook says so (central_venue_only).
``proxies``: no active proxy where the rulebook (or a party election) allows none (proxies_not_allowed), no holder
above the limit, no active proxy of someone removed from the roll. Each collector reads any number of elections
in one query.
"""

from __future__ import annotations

from typing import Any

from elections import gates

from ..models import Proxy, Station
from ..rules import stations as rules


def _sources(election: Any) -> dict[str, str]:
    return dict(election.rulebook.sources or {})


def collect_stations(elections: list[Any]) -> dict[int, rules.StationGateFacts]:
    """One query: every station of the elections."""
    stations: dict[int, list[rules.StationFacts]] = {e.pk: [] for e in elections}
    for s in Station.objects.filter(election__in=list(stations)).order_by("order", "id"):
        stations[s.election_id].append(rules.StationFacts(s.name, s.kind, tuple(s.supervisors or []), s.pk))
    return {e.pk: rules.StationGateFacts(e.body, tuple(stations[e.pk]), _sources(e)) for e in elections}


def collect_proxies(elections: list[Any]) -> dict[int, rules.ProxyGateFacts]:
    """One query: the active proxies (with both voters' names and status) of the elections."""
    proxies: dict[int, list[rules.ActiveProxy]] = {e.pk: [] for e in elections}
    rows = (Proxy.objects.filter(election__in=list(proxies), status="active")
            .values_list("election_id", "voter__name", "holder__name", "holder_id", "voter__status", "holder__status")
            .order_by("id"))
    for election_id, voter, holder, holder_id, voter_status, holder_status in rows:
        proxies[election_id].append(rules.ActiveProxy(voter, holder, holder_id, voter_status == "active",
                                                      holder_status == "active"))
    return {e.pk: rules.ProxyGateFacts(e.body, tuple(proxies[e.pk]), _sources(e)) for e in elections}


def register() -> None:
    gates.register("voting", "stations", "设立投票地点；流动票箱监票人足额；按选举办法只设中心会场",
                   collect=collect_stations, check=rules.gate_stations)
    gates.register("voting", "proxies", "委托投票符合选举办法（党组织选举、不办理委托的选举无委托；受托人数不超上限）",
                   collect=collect_proxies, check=rules.gate_proxies)
