"""Pure rules of the elections app: stages, rulebooks, seat plans, dates, gates. No database."""

import datetime as dt
from fractions import Fraction

import pytest

from elections import rules


def rc():
    return rules.preset_parameters("rc-general")[0]


def party():
    return rules.preset_parameters("party-general")[0]


# ---------------------------------------------------------------- stages


def test_stages_in_order():
    assert rules.STAGE_CODES == [
        "preparation", "nomination", "vetting", "publicity", "voting", "counting", "handover", "closed",
    ]
    assert rules.next_stage("preparation") == "nomination"
    assert rules.next_stage("handover") == "closed"
    assert rules.next_stage("closed") is None


@pytest.mark.parametrize(
    ("current", "target", "ok"),
    [("vetting", "preparation", True), ("vetting", "nomination", True), ("vetting", "vetting", False),
     ("vetting", "publicity", False), ("preparation", "preparation", False), ("closed", "handover", True),
     ("vetting", "nowhere", False)],
)
def test_reopen_only_moves_backwards(current, target, ok):
    assert rules.can_reopen_to(current, target) is ok


# ---------------------------------------------------------------- rulebooks


@pytest.mark.parametrize("code", sorted(rules.PRESETS))
def test_every_preset_carries_every_parameter_with_a_source(code):
    values, sources = rules.preset_parameters(code)
    assert set(values) == set(rules.PARAM_BY_KEY)
    assert all(sources[key] for key in values), "every parameter names its source"
    effective, errors = rules.validate_overrides(values, {})
    assert errors == {}
    assert effective == values


def test_presets_express_the_seeds_differences():
    by = rules.preset_parameters("rc-by-election")[0]
    assert by["nomination_channels"] == {"joint_voters": 10, "joint_households": 5, "joint_group_reps": 2, "self": 1}
    assert rc()["nomination_channels"]["joint_voters"] == 20
    assert rc()["nomination_channels"]["joint_representatives"] == 10
    assert by["proxies_allowed"] is False and by["central_venue_only"] is True
    assert party()["margin_mode"] == "ratio" and Fraction(party()["margin_ratio"]) == Fraction(6, 5)
    assert party()["proxies_allowed"] is False
    assert party()["win_base"] == "present"
    sup = rules.preset_parameters("supervision-general")[0]
    assert (sup["committee_size_min"], sup["committee_size_max"]) == (3, 5)
    assert rc()["voter_list_lead_days"] == 20 and rc()["candidate_list_lead_days"] == 3
    assert rc()["publicity_min_days"] == 5 and rc()["handover_days"] == 10 and rc()["proxy_limit"] == 3


def test_overrides_replace_preset_values():
    effective, errors = rules.validate_overrides(party(), {"preliminary_margin": "30%", "proxy_limit": 2})
    assert errors == {}
    assert effective["preliminary_margin"] == "3/10"
    assert effective["proxy_limit"] == 2


@pytest.mark.parametrize(
    ("overrides", "key", "fragment"),
    [
        ({"no_such_rule": 1}, "no_such_rule", "未知的规则参数"),
        ({"proxy_limit": "3"}, "proxy_limit", "须为整数"),
        ({"proxy_limit": True}, "proxy_limit", "须为整数"),
        ({"proxy_limit": 11}, "proxy_limit", "不得大于 10"),
        ({"publicity_min_days": -1}, "publicity_min_days", "不得小于 0"),
        ({"proxies_allowed": "yes"}, "proxies_allowed", "true 或 false"),
        ({"margin_ratio": "abc"}, "margin_ratio", "须为分数"),
        ({"margin_ratio": "1/0"}, "margin_ratio", "须为分数"),
        ({"win_base": "everyone"}, "win_base", "须为以下之一"),
        ({"nomination_channels": {"carrier_pigeon": 1}}, "nomination_channels", "未知的提名渠道"),
        ({"nomination_channels": {"self": -1}}, "nomination_channels", "非负整数"),
        ({"uncontested_positions": ["king"]}, "uncontested_positions", "职位代码"),
        ({"committee_size_min": 10}, "committee_size_min", "不得大于"),
        ({"election_committee_size_min": 13}, "election_committee_size_min", "不得大于"),
    ],
)
def test_bad_overrides_are_named(overrides, key, fragment):
    _, errors = rules.validate_overrides(rc(), overrides)
    assert key in errors
    assert any(fragment in message for message in errors[key])


def test_overrides_must_be_an_object():
    _, errors = rules.validate_overrides(rc(), ["proxy_limit"])
    assert "rule_overrides" in errors


@pytest.mark.parametrize(("raw", "value"), [("1/2", Fraction(1, 2)), ("30%", Fraction(3, 10)), (1, Fraction(1)),
                                            (0.2, Fraction(1, 5)), ("6/5", Fraction(6, 5))])
def test_fractions_parse_exactly(raw, value):
    assert rules.parse_fraction(raw) == value


# ---------------------------------------------------------------- seat plans


@pytest.mark.parametrize(
    ("seats", "ok"),
    [
        ({"chair": 1, "vice_chair": 1, "member": 3}, True),   # 5, the minimum
        ({"chair": 1, "vice_chair": 2, "member": 6}, True),   # 9, the maximum
        ({"chair": 1, "vice_chair": 1, "member": 2}, False),  # 4
        ({"chair": 1, "vice_chair": 2, "member": 7}, False),  # 10
        ({"chair": 2, "vice_chair": 1, "member": 4}, False),  # two chairs
        ({"chair": 1, "vice_chair": 0, "member": 5}, False),  # no vice chair (1–2)
        ({"chair": 1, "vice_chair": 3, "member": 3}, False),  # three vice chairs
        ({"chair": 0, "vice_chair": 1, "member": 5}, False),  # no chair
    ],
)
def test_residents_committee_seat_limits(seats, ok):
    assert (rules.seat_plan_problems("residents_committee", "general", seats, rc()) == []) is ok


def test_a_seat_plan_of_ten_says_why():
    problems = rules.seat_plan_problems("residents_committee", "general",
                                        {"chair": 1, "vice_chair": 1, "member": 8}, rc())
    assert problems == ["委员会职数合计 10 人，不在规定的 5–9 人之间。"]


def test_party_branch_limits_by_override():
    branch, errors = rules.validate_overrides(party(), {"committee_size_max": 7})
    assert errors == {}
    seats = {"secretary": 1, "deputy_secretary": 1, "member": 6}  # 8
    assert rules.seat_plan_problems("party_committee", "general", seats, party()) == []
    assert rules.seat_plan_problems("party_committee", "general", seats, branch)


def test_a_position_the_body_does_not_have():
    problems = rules.seat_plan_problems("party_committee", "general", {"chair": 1, "member": 5}, party())
    assert any("没有“主任”" in p for p in problems)


def test_by_elections_fill_single_vacancies():
    by = rules.preset_parameters("rc-by-election")[0]
    assert rules.seat_plan_problems("residents_committee", "by_election", {"member": 1}, by) == []
    assert rules.seat_plan_problems("residents_committee", "by_election", {"chair": 1}, by) == []
    assert rules.seat_plan_problems("residents_committee", "by_election", {"member": 10}, by)
    assert rules.seat_plan_problems("residents_committee", "by_election", {}, by)


def test_seat_plan_gate_lists_each_problem():
    missing = rules.gate_seat_plan(rules.SeatPlanFacts("residents_committee", "general", {}, False, False), rc())
    assert [b.code for b in missing] == ["seat_plan_missing"]
    too_big = rules.gate_seat_plan(
        rules.SeatPlanFacts("residents_committee", "general", {"chair": 1, "vice_chair": 1, "member": 8}, False, True),
        rc(),
    )
    assert [b.code for b in too_big] == ["seat_plan_out_of_limits", "seat_plan_not_approved"]
    assert "10 人" in too_big[0].message and too_big[0].source and too_big[0].fix
    fine = rules.gate_seat_plan(
        rules.SeatPlanFacts("residents_committee", "general", {"chair": 1, "vice_chair": 1, "member": 5}, True, True),
        rc(),
    )
    assert fine == []


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(("published", "ok"), [(dt.date(2026, 12, 11), True), (dt.date(2026, 12, 12), False),
                                               (dt.date(2026, 12, 1), True)])
def test_the_20th_day_before_election_day_is_in_time(published, ok):
    assert rules.published_in_time(published, dt.date(2026, 12, 31), 20) is ok


def test_nothing_published_is_never_in_time():
    assert rules.published_in_time(None, dt.date(2026, 12, 31), 20) is False
    assert rules.published_in_time(dt.date(2026, 12, 1), None, 20) is False


def test_election_day_gates():
    day = dt.date(2026, 12, 31)
    assert [b.code for b in rules.gate_election_day_set(rules.ElectionDayFacts(None, day), rc())] == [
        "election_day_missing"]
    assert rules.gate_election_day_set(rules.ElectionDayFacts(day, day), rc()) == []
    before = rules.gate_election_day_reached(rules.ElectionDayFacts(day, dt.date(2026, 12, 30)), rc())
    assert [b.code for b in before] == ["election_day_not_reached"] and "还有 1 天" in before[0].message
    assert rules.gate_election_day_reached(rules.ElectionDayFacts(day, day), rc()) == []


def test_rulebook_gate_reports_every_error():
    blockers = rules.gate_rulebook_valid(rules.RulebookFacts({"a": ["错一"], "b": ["错二"]}), rc())
    assert len(blockers) == 1 and "错一" in blockers[0].message and "错二" in blockers[0].message
    assert rules.gate_rulebook_valid(rules.RulebookFacts({}), rc()) == []


# ---------------------------------------------------------------- reminders


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 12, 1), None),              # 9 days before
        (dt.date(2026, 12, 3), "before:7"),
        (dt.date(2026, 12, 7), "before:3"),
        (dt.date(2026, 12, 9), "before:1"),
        (dt.date(2026, 12, 10), "before:0"),
        (dt.date(2026, 12, 11), "overdue:2026-12-11"),
        (dt.date(2026, 12, 12), "overdue:2026-12-12"),  # daily while overdue
    ],
)
def test_reminder_schedule(today, expected):
    assert rules.reminder_due(dt.date(2026, 12, 10), today, [7, 3, 1, 0]) == expected


def test_describe_due():
    due = dt.date(2026, 12, 10)
    assert rules.describe_due(due, dt.date(2026, 12, 7)) == "还有 3 天"
    assert rules.describe_due(due, due) == "今天到期"
    assert rules.describe_due(due, dt.date(2026, 12, 12)) == "已逾期 2 天"


def test_roles_belong_to_levels():
    assert rules.role_fits_level("community_clerk", "community")
    assert not rules.role_fits_level("community_clerk", "street")
    assert rules.role_fits_level("district_reviewer", "district")
