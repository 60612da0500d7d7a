"""Pure rules of proxies and polling stations, and the voting gates they back (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from ballots.rules import stations as rules
from elections.rules import preset_parameters

TODAY = dt.date(2026, 1, 5)
DAY = dt.date(2026, 1, 20)
RC = preset_parameters("rc-general")[0]
BY_ELECTION = preset_parameters("rc-by-election")[0]
PARTY = preset_parameters("party-general")[0]


def party_of(pk: int, name: str = "", election: int = 1, **kw) -> rules.ProxyParty:
    return rules.ProxyParty(id=pk, name=name or f"选民{pk}", election_id=election, **kw)


def request(voter=None, holder=None, *, body="residents_committee", written_on=TODAY, election_day=DAY,
            reason="外出务工") -> rules.ProxyRequest:
    return rules.ProxyRequest(body=body, election_id=1, election_day=election_day, today=TODAY,
                              voter=party_of(1, "张三") if voter is None else voter,
                              holder=party_of(2, "李四") if holder is None else holder,
                              written_on=written_on, reason=reason)


def fields(problems) -> list[str]:
    return [f for f, _message in problems]


def text(problems) -> str:
    return "".join(m for _f, m in problems)


# --------------------------------------------------------------------------------------------
# Proxies
# --------------------------------------------------------------------------------------------


def test_a_proper_proxy_passes():
    assert rules.proxy_problems(request(), RC) == []


def test_the_presets_allow_proxies_only_in_the_general_residents_election():
    assert rules.proxies_allowed("residents_committee", RC)
    assert not rules.proxies_allowed("residents_committee", BY_ELECTION)
    assert not rules.proxies_allowed("party_committee", PARTY)
    # a party election takes none even if a local override turned the switch on
    assert not rules.proxies_allowed("party_committee", {**PARTY, "proxies_allowed": True})


@pytest.mark.parametrize(("held", "accepted"), [(0, True), (1, True), (2, True), (3, False), (4, False)])
def test_a_holder_accepts_the_third_proxy_and_refuses_the_fourth(held, accepted):
    problems = rules.proxy_problems(request(holder=party_of(2, "李四", holds=held)), RC)
    assert (problems == []) is accepted
    if not accepted:
        assert fields(problems) == ["holder"]
        assert f"已接受 {held} 人的委托" in text(problems) and "不得超过 3 人" in text(problems)


@pytest.mark.parametrize(("limit", "held", "accepted"), [(1, 0, True), (1, 1, False), (2, 1, True), (2, 2, False),
                                                         (0, 0, False)])
def test_a_rulebook_limit_of_one_or_two(limit, held, accepted):
    problems = rules.proxy_problems(request(holder=party_of(2, holds=held)), {**RC, "proxy_limit": limit})
    assert (problems == []) is accepted
    if not accepted:
        assert f"不得超过 {limit} 人" in text(problems)


def test_nobody_gives_a_proxy_to_themselves():
    same = party_of(1, "张三")
    problems = rules.proxy_problems(request(voter=same, holder=same), RC)
    assert fields(problems) == ["holder"] and "不能委托本人" in text(problems)


def test_the_holder_must_be_a_voter_of_this_election():
    assert fields(rules.proxy_problems(request(holder=party_of(2, election=99)), RC)) == ["holder"]
    missing = rules.ProxyRequest(body="residents_committee", election_id=1, election_day=DAY, today=TODAY,
                                 voter=party_of(1), holder=None, written_on=TODAY)
    problems = rules.proxy_problems(missing, RC)
    assert fields(problems) == ["holder"] and "须是本次选举的登记选民" in text(problems)


def test_the_voter_must_be_a_voter_of_this_election():
    problems = rules.proxy_problems(request(voter=party_of(1, election=99)), RC)
    assert fields(problems) == ["voter"] and "不是本次选举的登记选民" in text(problems)


def test_removed_voters_neither_give_nor_hold():
    assert "已从选民名单中除名" in text(rules.proxy_problems(request(voter=party_of(1, "张三", active=False)), RC))
    problems = rules.proxy_problems(request(holder=party_of(2, "李四", active=False)), RC)
    assert fields(problems) == ["holder"] and "李四 已从选民名单中除名" in text(problems)


def test_a_party_election_takes_no_proxy():
    problems = rules.proxy_problems(request(body="party_committee"), PARTY)
    assert problems == [("", "党组织选举不办理委托投票。")]


def test_a_by_election_by_the_representatives_takes_no_proxy():
    problems = rules.proxy_problems(request(), BY_ELECTION)
    assert problems == [("", "本次选举的选举办法规定不办理委托投票。")]


def test_one_active_proxy_per_voter():
    problems = rules.proxy_problems(request(voter=party_of(1, "张三", gives=1, holder_name="王五")), RC)
    assert fields(problems) == ["voter"] and "张三 已委托 王五 投票" in text(problems)


def test_a_voter_who_gave_a_proxy_cannot_hold_one():
    problems = rules.proxy_problems(request(holder=party_of(2, "李四", gives=1)), RC)
    assert fields(problems) == ["holder"] and "本人已委托他人投票" in text(problems)


def test_a_holder_cannot_pass_the_proxies_on_by_giving_their_own():
    problems = rules.proxy_problems(request(voter=party_of(1, "张三", holds=2)), RC)
    assert fields(problems) == ["voter"] and "不得转委托" in text(problems)


def test_a_candidate_may_hold_a_proxy_unless_the_rulebook_says_otherwise():
    holder = party_of(2, "李四", candidate=True)
    assert rules.proxy_problems(request(holder=holder), RC) == []
    problems = rules.proxy_problems(request(holder=holder), {**RC, "proxy_holder_not_candidate": True})
    assert fields(problems) == ["holder"] and "正式候选人" in text(problems)


@pytest.mark.parametrize(("written_on", "ok"), [(TODAY, True), (TODAY - dt.timedelta(days=30), True),
                                                (TODAY + dt.timedelta(days=1), False), (None, False)])
def test_the_written_authorisation_is_dated_and_not_in_the_future(written_on, ok):
    problems = rules.proxy_problems(request(written_on=written_on), RC)
    assert (problems == []) is ok
    if not ok:
        assert fields(problems) == ["written_on"]


def test_written_after_election_day_is_refused():
    problems = rules.proxy_problems(request(election_day=TODAY - dt.timedelta(days=1)), RC)
    assert fields(problems) == ["written_on"] and "晚于选举日" in text(problems)


def test_every_problem_is_reported_at_once():
    problems = rules.proxy_problems(request(voter=party_of(1, gives=1), holder=party_of(2, holds=3, gives=1),
                                            written_on=None), RC)
    assert sorted(fields(problems)) == ["holder", "holder", "voter", "written_on"]


def test_revoking_needs_a_reason_and_an_active_proxy():
    assert rules.revoke_problems(status="active", reason="本人到场投票") == []
    assert fields(rules.revoke_problems(status="active", reason="  ")) == ["reason"]
    assert fields(rules.revoke_problems(status="revoked", reason="x")) == [""]


# --------------------------------------------------------------------------------------------
# Stations
# --------------------------------------------------------------------------------------------


def check(name="第一投票站", kind="station", others=(), rulebook=RC, **kw):
    return rules.station_check(rules.StationInput(name, kind, **kw), others=list(others), rules=rulebook)


def test_clean_supervisors_drops_blanks_and_repeats():
    assert rules.clean_supervisors(["张三", " 张三 ", "", "李四", "张　三"]) == ["张三", "李四", "张 三"]
    assert rules.clean_supervisors("张三、李四，王五\n张三;;") == ["张三", "李四", "王五"]
    assert rules.clean_supervisors(None) == []


@pytest.mark.parametrize(("names", "short"), [
    (["甲", "乙"], 1),
    (["甲", "乙", "丙"], 0),
    (["甲", "乙", "乙"], 1),  # a name twice counts once
    (["甲", " 乙", "乙 ", ""], 1),
    ([], 3),
])
def test_a_mobile_box_needs_three_distinct_supervisors(names, short):
    assert rules.supervisors_short("mobile", names, RC) == short


def test_other_kinds_need_no_supervisor_count_and_the_minimum_follows_the_rulebook():
    assert rules.supervisors_short("station", [], RC) == 0
    assert rules.supervisors_short("central", [], RC) == 0
    assert rules.supervisors_short("mobile", ["甲", "乙", "丙"], {**RC, "mobile_box_min_supervisors": 4}) == 1


def test_a_station_is_cleaned():
    data, problems = check(" 第一 投票站 ", "station", location="社区活动中心", supervisors="甲、乙、甲",
                           ballots_planned="300")
    assert problems == []
    assert data == rules.StationData("第一 投票站", "station", "社区活动中心", ("甲", "乙"), 300)


def test_station_problems():
    assert fields(check("", "station")[1]) == ["name"]
    assert fields(check("x", "ballot_box")[1]) == ["kind"]
    assert fields(check("第一投票站", others=[rules.StationFacts("第一投票站", "station")])[1]) == ["name"]
    assert fields(check(ballots_planned=-1)[1]) == ["ballots_planned"]
    assert fields(check(ballots_planned="many")[1]) == ["ballots_planned"]
    assert fields(check(supervisors=["甲" * 51])[1]) == ["supervisors"]


def test_one_central_venue_per_election():
    others = [rules.StationFacts("中心会场", "central")]
    problems = check("第二会场", "central", others=others)[1]
    assert fields(problems) == ["kind"] and "已设立中心会场（中心会场）" in text(problems)
    assert check("第二会场", "station", others=others)[1] == []


def test_a_central_venue_only_rulebook_allows_the_central_venue_alone():
    assert check("中心会场", "central", rulebook=BY_ELECTION)[1] == []
    assert "只设立中心会场" in text(check("第一投票站", "station", rulebook=BY_ELECTION)[1])
    assert "只设立中心会场" in text(check("流动票箱", "mobile", rulebook=BY_ELECTION)[1])
    second = check("分会场", "central", others=[rules.StationFacts("中心会场", "central")], rulebook=BY_ELECTION)[1]
    assert fields(second) == ["kind"]


def test_station_warnings():
    box = rules.StationFacts("流动票箱一", "mobile", ("甲", "乙"))
    warnings = rules.station_warnings(box, None, RC)
    assert any("还差 1 名" in w for w in warnings) and any("选票数" in w for w in warnings)
    assert rules.station_warnings(rules.StationFacts("流动票箱一", "mobile", ("甲", "乙", "丙")), 20, RC) == []


# --------------------------------------------------------------------------------------------
# Gates
# --------------------------------------------------------------------------------------------


SOURCES = {id(RC): preset_parameters("rc-general")[1], id(BY_ELECTION): preset_parameters("rc-by-election")[1],
           id(PARTY): preset_parameters("party-general")[1]}


def gate(stations, rulebook=RC, body="residents_committee"):
    return rules.gate_stations(rules.StationGateFacts(body, tuple(stations), SOURCES[id(rulebook)]), rulebook)


def codes(blockers) -> list[str]:
    return [b.code for b in blockers]


def test_no_polling_place_blocks():
    blockers = gate([])
    assert codes(blockers) == ["stations_missing"]
    assert blockers[0].message and blockers[0].source and blockers[0].fix


def test_understaffed_mobile_boxes_are_named_with_their_count():
    blockers = gate([rules.StationFacts("中心会场", "central"),
                     rules.StationFacts("流动票箱一", "mobile", ("甲", "乙", "乙")),
                     rules.StationFacts("流动票箱二", "mobile", ("甲", "乙", "丙")),
                     rules.StationFacts("流动票箱三", "mobile", ())])
    assert codes(blockers) == ["mobile_box_supervisors"]
    assert "流动票箱一（2 名）" in blockers[0].message and "流动票箱三（0 名）" in blockers[0].message
    assert "流动票箱二" not in blockers[0].message
    assert blockers[0].source == "seed 003"


def test_staffed_stations_pass():
    assert gate([rules.StationFacts("中心会场", "central"),
                 rules.StationFacts("流动票箱一", "mobile", ("甲", "乙", "丙"))]) == []


def test_central_venue_only_applies_only_where_the_rulebook_says_so():
    stations = [rules.StationFacts("中心会场", "central"), rules.StationFacts("第一投票站", "station")]
    assert gate(stations) == []
    blockers = gate(stations, BY_ELECTION)
    assert codes(blockers) == ["central_venue_only"] and "第一投票站" in blockers[0].message
    assert "seed 001" in blockers[0].source
    assert codes(gate([rules.StationFacts("第一投票站", "station")], BY_ELECTION)) == ["central_venue_only"]
    assert gate([rules.StationFacts("中心会场", "central")], BY_ELECTION) == []


def proxies_gate(proxies, rulebook=RC, body="residents_committee"):
    return rules.gate_proxies(rules.ProxyGateFacts(body, tuple(proxies), SOURCES[id(rulebook)]), rulebook)


def test_proxies_where_none_are_allowed_block():
    one = [rules.ActiveProxy("张三", "李四", 2)]
    assert proxies_gate(one) == []
    party = proxies_gate(one, PARTY, "party_committee")
    assert codes(party) == ["proxies_not_allowed"] and "张三委托李四" in party[0].message
    assert "不能委托他人代为选举" in party[0].source
    by_election = proxies_gate(one, BY_ELECTION)
    assert codes(by_election) == ["proxies_not_allowed"] and "不办理委托投票" in by_election[0].source
    assert proxies_gate([], PARTY, "party_committee") == []


def test_holders_over_a_lowered_limit_and_removed_voters_block():
    four = [rules.ActiveProxy(f"选民{i}", "李四", 2) for i in range(4)]
    assert codes(proxies_gate(four)) == ["proxy_limit_exceeded"]
    assert proxies_gate(four[:3]) == []
    removed = [rules.ActiveProxy("张三", "李四", 2, holder_active=False)]
    assert codes(proxies_gate(removed)) == ["proxy_voter_removed"]
