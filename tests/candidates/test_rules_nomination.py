"""Pure rules of nomination, 两推, margins, structure and the candidates-owned gates (no database)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from candidates import rules
from elections import rules as election_rules

DAY = dt.date(2030, 1, 10)


def preset(code, **overrides):
    values = election_rules.preset_parameters(code)[0]
    values.update(overrides)
    return values


def rc(**overrides):
    return preset("rc-general", **overrides)


def party(**overrides):
    return preset("party-general", **overrides)


def by_election(**overrides):
    return preset("rc-by-election", **overrides)


def codes(blockers):
    return [b.code for b in blockers]


# ---------------------------------------------------------------- channels and supporters


@pytest.mark.parametrize(("code", "channel", "needed"), [
    ("rc-general", "joint_voters", 20),
    ("rc-general", "joint_representatives", 10),
    ("rc-by-election", "joint_voters", 10),
    ("rc-by-election", "joint_households", 5),
    ("rc-by-election", "joint_group_reps", 2),
])
def test_joint_channels_need_their_threshold_inclusive(code, channel, needed):
    channels = preset(code)["nomination_channels"]
    assert rules.channel_problems(channel, needed, channels) == []
    assert rules.channel_problems(channel, needed + 5, channels) == []
    short = rules.channel_problems(channel, needed - 1, channels)
    assert len(short) == 1
    assert f"须 {needed} 人以上，现有 {needed - 1} 人" in short[0]


def test_joint_voters_message_names_the_numbers():
    assert rules.channel_problems("joint_voters", 19, rc()["nomination_channels"]) == [
        "选民联名提名须 20 人以上，现有 19 人。"]


def test_by_election_households_four_refused_five_accepted():
    channels = by_election()["nomination_channels"]
    assert rules.channel_problems("joint_households", 4, channels) == ["户代表联名提名须 5 人以上，现有 4 人。"]
    assert rules.channel_problems("joint_households", 5, channels) == []


def test_group_representatives_one_refused_two_accepted():
    channels = by_election()["nomination_channels"]
    assert rules.channel_problems("joint_group_reps", 1, channels)
    assert rules.channel_problems("joint_group_reps", 2, channels) == []


def test_self_nomination_needs_no_supporters():
    assert rules.channel_problems("self", 0, rc()["nomination_channels"]) == []
    # a threshold of 3 for self-nomination counts the person: two supporters are enough
    assert rules.channel_problems("self", 2, {"self": 3}) == []
    assert rules.channel_problems("self", 1, {"self": 3})


@pytest.mark.parametrize("channel", ["party_org", "group_meeting"])
def test_organisations_and_meetings_need_no_supporters(channel):
    assert rules.channel_problems(channel, 0, rc()["nomination_channels"]) == []


@pytest.mark.parametrize("channel", ["party_members", "masses", "street_party_committee"])
def test_party_channels_need_no_supporters(channel):
    assert rules.channel_problems(channel, 0, party()["nomination_channels"]) == []


def test_a_channel_outside_the_rulebook_is_refused_listing_the_allowed_ones():
    problems = rules.channel_problems("joint_households", 50, rc()["nomination_channels"])
    assert len(problems) == 1
    assert "户代表联名" in problems[0]
    for label in ["党组织推荐", "居民小组会议推荐", "选民联名", "居民代表联名", "自荐"]:
        assert label in problems[0]
    assert rules.channel_problems("party_org", 0, party()["nomination_channels"])


def test_supporters_are_cleaned_and_repeats_reported():
    names, problems = rules.clean_supporters([" 张三 ", "", "李四", "张三", "张三"])
    assert names == ["张三", "李四"]
    assert problems == ["联名人重复：张三（每人只能联名一次）。"]
    assert rules.clean_supporters(["甲", "乙"]) == (["甲", "乙"], [])


# ---------------------------------------------------------------- nominee bars


def problems(**kw):
    args = dict(name="张三", birth_date=dt.date(1985, 1, 1), election_day=DAY, body="residents_committee",
                position="member", seats={"chair": 1, "vice_chair": 1, "member": 5}, rules=rc())
    args.update(kw)
    return rules.nominee_problems(**args)


def test_a_fit_nominee_has_no_problems():
    assert problems() == {}


def test_the_day_of_the_18th_birthday_counts_as_18():
    assert problems(birth_date=dt.date(2012, 1, 10)) == {}
    under = problems(birth_date=dt.date(2012, 1, 11))
    assert list(under) == ["person"]
    assert "未满 18 周岁（17 周岁）" in under["person"][0]


def test_a_29_february_birthday_turns_18_on_1_march():
    born = dt.date(2012, 2, 29)
    assert problems(birth_date=born, election_day=dt.date(2030, 2, 28))
    assert problems(birth_date=born, election_day=dt.date(2030, 3, 1)) == {}


def test_already_a_live_nominee():
    assert "已被提名" in problems(already_live=True)["person"][0]


def test_rc_and_supervision_nominations_conflict():
    other = [rules.OtherNomination("residents_committee", "member")]
    found = problems(body="supervision_committee", seats={"chair": 1, "member": 2}, other_nominations=other)
    assert "居委会成员不得担任居务监督委员会成员" in found["person"][0]
    back = problems(other_nominations=[rules.OtherNomination("supervision_committee", "chair")])
    assert "居委会成员不得担任居务监督委员会成员" in back["person"][0]


def test_party_and_rc_may_overlap():
    assert problems(other_nominations=[rules.OtherNomination("party_committee", "secretary")], position="chair") == {}


def test_the_party_secretary_is_not_the_supervision_chair():
    found = problems(body="supervision_committee", position="chair", seats={"chair": 1, "member": 2},
                     other_nominations=[rules.OtherNomination("party_committee", "secretary")])
    assert "居务监督委员会主任不由社区党组织书记担任" in found["person"][0]
    assert problems(body="supervision_committee", position="member", seats={"chair": 1, "member": 2},
                    other_nominations=[rules.OtherNomination("party_committee", "secretary")]) == {}


def test_position_outside_the_seat_plan():
    found = problems(position="vice_chair", seats={"chair": 1, "member": 5})
    assert list(found) == ["position"]
    assert "没有“副主任”" in found["position"][0]
    assert problems(position="secretary")["position"] == ["居民委员会的职位只能是主任、副主任、委员。"]


def test_a_nominee_rejected_in_vetting_is_not_nominated_again():
    found = problems(rejected_outcome="社区初审不通过，不得情形：受过刑事处罚的。")
    assert found == {"person": ["张三的提名已在资格审查中未通过（社区初审不通过，不得情形：受过刑事处罚的），不能再次提名。"]}
    assert problems(rejected_outcome="")["person"] == ["张三的提名已在资格审查中未通过（未通过），不能再次提名。"]
    assert problems(rejected_outcome=None) == {}  # none rejected (a withdrawn one may be nominated again)


def test_without_an_election_day_the_age_cannot_be_checked():
    found = problems(election_day=None)
    assert found == {"person": ["尚未确定选举日，无法核对被提名人在选举日是否年满 18 周岁。"]}
    assert "年满 16 周岁" in problems(election_day=None, rules=rc(min_voter_age=16))["person"][0]


def test_party_nominees_are_party_members():
    found = problems(body="party_committee", rules=party(), seats={"secretary": 1, "member": 4},
                     party_member=False)
    assert "须为中共党员" in found["person"][0]
    assert problems(body="party_committee", rules=party(), seats={"secretary": 1, "member": 4}) == {}


# ---------------------------------------------------------------- warnings


def test_age_warnings_depend_on_incumbency():
    assert rules.nominee_warnings(name="甲", age=45, incumbent=False, education="college", rules=rc()) == []
    assert "新提名人选一般不超过 45" in rules.nominee_warnings(
        name="甲", age=46, incumbent=False, education="college", rules=rc())[0]
    assert rules.nominee_warnings(name="甲", age=55, incumbent=True, education="college", rules=rc()) == []
    assert "留任人选一般不超过 55" in rules.nominee_warnings(
        name="甲", age=56, incumbent=True, education="college", rules=rc())[0]


def test_education_below_the_minimum_warns():
    assert "低于大专及以上" in rules.nominee_warnings(
        name="甲", age=30, incumbent=False, education="senior_high", rules=rc())[0]
    assert rules.nominee_warnings(name="甲", age=30, incumbent=False, education="bachelor", rules=rc()) == []
    # the by-election rulebook asks for 本科
    assert rules.nominee_warnings(name="甲", age=30, incumbent=False, education="college", rules=by_election())
    assert "未登记学历" in rules.nominee_warnings(name="甲", age=30, incumbent=False, education="", rules=rc())[0]


def test_relatives_also_nominated_warn():
    warnings = rules.nominee_warnings(name="甲", age=30, incumbent=False, education="college", rules=rc(),
                                      relatives_nominated=["乙"])
    assert warnings == ["甲的近亲属 乙 也被提名（同一社区近亲属回避）。"]


def test_flag_codes():
    flags = rules.nominee_flag_codes(age=60, incumbent=False, education="junior_high", rules=rc(),
                                     relative_nominated=True, committee_member=True)
    assert flags == ("over_age", "education_below", "relative_nominated", "committee_member")
    assert rules.nominee_flag_codes(age=17, incumbent=False, education="college", rules=rc()) == ("underage",)
    assert rules.nominee_flag_codes(age=30, incumbent=False, education="college", rules=party(),
                                    party_member=False, body="party_committee") == ("not_party_member",)


# ---------------------------------------------------------------- 两推


def test_meeting_attendance_exactly_half_fails_half_plus_one_passes():
    assert not rules.meeting_valid(50, 100, "1/2")
    assert rules.meeting_valid(51, 100, "1/2")
    assert not rules.meeting_valid(3, 7, "1/2")
    assert rules.meeting_valid(4, 7, "1/2")
    assert not rules.meeting_valid(0, 0, "1/2")


def test_qualifying_exactly_half_fails_half_plus_one_passes():
    assert not rules.qualifying(40, 80, "1/2")
    assert rules.qualifying(41, 80, "1/2")
    assert not rules.qualifying(0, 0, "1/2")


@given(st.integers(0, 500), st.integers(1, 500))
def test_qualifying_is_strictly_more_than_half(votes, ballots):
    assert rules.qualifying(votes, ballots, "1/2") == (2 * votes > ballots)


@pytest.mark.parametrize(("seats", "margin", "size"), [
    (7, "1/5", 9), (7, "30%", 10), (5, "1/5", 6), (5, "30%", 7), (9, "1/5", 11), (10, "1/5", 12), (3, "0", 3),
])
def test_preliminary_size_rounds_up(seats, margin, size):
    assert rules.preliminary_size(seats, margin) == size


@given(st.integers(1, 50), st.fractions(min_value=0, max_value=1))
def test_preliminary_size_is_the_least_integer_at_or_above(seats, margin):
    size = rules.preliminary_size(seats, margin)
    assert size >= seats * (1 + margin) > size - 1


def test_meeting_input_problems():
    assert rules.meeting_input_problems(100, 80, 78, [60, 30]) == {}
    errors = rules.meeting_input_problems(100, 120, 130, [140, -1])
    assert set(errors) == {"present", "ballots", "results"}
    assert rules.meeting_input_problems(-1, 0, 0, []) == {"expected": ["应到人数不能为负数。"]}
    assert "expected" in rules.meeting_input_problems(0, 0, 0, [])
    assert rules.meeting_input_problems(10, 10, 10, [10]) == {}


def meeting(kind, expected, present, ballots, votes):
    return rules.MeetingResult(kind, expected, present, ballots, tuple(votes.items()))


def test_preliminary_list_combines_both_meetings():
    members = meeting("party_members", 60, 50, 50, {1: 45, 2: 40, 3: 30, 4: 20, 5: 26})
    masses = meeting("representatives", 40, 30, 30, {1: 25, 2: 10, 3: 20, 4: 10, 5: 25})
    # combined ballots 80: more than 40 qualifies; 3 → 50, 5 → 51, 2 → 50, 4 → 30 (out)
    result = rules.preliminary_list([members, masses], 2, "1/5")
    assert result.size == 3
    assert [r.person_id for r in result.selected] == [1, 5, 2]
    assert [r.person_id for r in result.reserves] == [3]
    assert result.short == 0
    assert result.ballots == 80
    assert result.tie_at_cut  # 2 and 3 both have 50: broken by id and flagged
    assert result.selected[2].tied and result.reserves[0].tied and not result.selected[0].tied


def test_exactly_half_of_the_combined_ballots_does_not_qualify():
    result = rules.preliminary_list([meeting("party_members", 10, 10, 10, {1: 5, 2: 6})], 1, "0")
    assert [r.person_id for r in result.selected] == [2]
    assert result.reserves == ()


def test_an_invalid_meeting_does_not_count():
    valid = meeting("party_members", 60, 40, 40, {1: 21, 2: 30})
    invalid = meeting("representatives", 40, 20, 20, {1: 20})  # exactly half present: invalid
    result = rules.preliminary_list([valid, invalid], 1, "1/5")
    assert result.valid_kinds == ("party_members",)
    assert result.invalid_kinds == ("representatives",)
    assert result.ballots == 40
    assert [r.person_id for r in result.selected] == [2, 1]


def test_short_list_reports_how_many_are_missing():
    result = rules.preliminary_list([meeting("party_members", 10, 9, 9, {1: 9, 2: 5, 3: 4})], 7, "1/5")
    assert result.size == 9
    assert [r.person_id for r in result.selected] == [1, 2]
    assert result.short == 7


def test_excluded_people_are_not_ranked():
    result = rules.preliminary_list([meeting("party_members", 10, 9, 9, {1: 9, 2: 8})], 1, "0", excluded={1})
    assert [r.person_id for r in result.selected] == [2]


def test_recommended_below_half_are_kept_for_another_recommendation():
    members = meeting("party_members", 60, 50, 50, {1: 45, 2: 30, 3: 0, 4: 20})
    masses = meeting("representatives", 40, 30, 30, {1: 25, 2: 20, 4: 10})
    result = rules.preliminary_list([members, masses], 1, "0", excluded={4})
    # 80 ballots: 1 → 70 qualifies; 2 → 50 qualifies; 3 has no vote; 4 is excluded
    assert [r.person_id for r in result.selected + result.reserves] == [1, 2]
    assert result.others == ()
    low = rules.preliminary_list([members, meeting("representatives", 40, 30, 30, {1: 25, 2: 5})], 1, "0")
    assert [(r.person_id, r.votes) for r in low.others] == [(2, 35), (4, 20)]


def test_meeting_problems_name_each_meeting():
    ok = (rules.MeetingFacts("party_members", 60, 31), rules.MeetingFacts("representatives", 40, 21))
    assert rules.meeting_problems(ok) == []
    assert rules.meeting_problems(ok[:1]) == ["尚未登记居民代表推荐会议结果。"]
    assert rules.meeting_problems(()) == ["尚未登记党员推荐会议结果。", "尚未登记居民代表推荐会议结果。"]
    half = (rules.MeetingFacts("party_members", 60, 31), rules.MeetingFacts("representatives", 40, 20))
    assert rules.meeting_problems(half) == ["居民代表推荐会议应到 40 人、实到 20 人，未超过应到人数的一半，推荐无效。"]
    assert rules.meeting_problems(ok, "2/3") == [
        "党员推荐会议应到 60 人、实到 31 人，未超过应到人数的2/3，推荐无效。",
        "居民代表推荐会议应到 40 人、实到 21 人，未超过应到人数的2/3，推荐无效。"]


def test_recommendation_standing_of_a_two_recommendations_nomination():
    members = meeting("party_members", 60, 50, 50, {1: 45, 2: 41, 3: 30})
    masses = meeting("representatives", 40, 30, 30, {1: 25, 2: 20, 3: 5})
    ranking = rules.preliminary_list([members, masses], 1, "0")  # 80 ballots; 1 → 70, 2 → 61, 3 → 35
    assert [r.person_id for r in ranking.selected] == [1] and [r.person_id for r in ranking.reserves] == [2]
    assert rules.recommendation_standing(name="甲", person_id=1, ranking=ranking) == (70, "")
    assert rules.recommendation_standing(name="乙", person_id=2, ranking=ranking) == (61, "")  # a reserve qualifies
    votes, problem = rules.recommendation_standing(name="丙", person_id=3, ranking=ranking)
    assert votes == 35
    assert problem.startswith("丙在“两推”中合计得票 35 票，未超过推荐票（80 张）的一半：")
    assert "得票数超过推荐票一半以上的党员中确定" in problem
    # 递补: 缺额人选在得票多的被推荐人中另行推荐
    assert rules.recommendation_standing(name="丙", person_id=3, ranking=ranking, replacement=True) == (35, "")
    votes, problem = rules.recommendation_standing(name="丁", person_id=4, ranking=ranking, replacement=True)
    assert votes is None and problem == "丁在“两推”中没有得票：递补人选须在得票多的被推荐人中另行推荐。"
    assert "丁在“两推”中没有得票" in rules.recommendation_standing(name="丁", person_id=4, ranking=ranking)[1]


def test_next_by_votes_skips_the_taken():
    ranked = (rules.Ranked(5, 60), rules.Ranked(3, 50), rules.Ranked(9, 45))
    assert rules.next_by_votes(ranked, {5}).person_id == 3
    assert rules.next_by_votes(ranked, {5, 3, 9}) is None


def test_appraisal_counts_add_up_to_at_most_the_ballots():
    assert rules.appraisal_problems(50, 20, 20, 5, 5) == {}
    assert "ballots" in rules.appraisal_problems(50, 20, 20, 10, 1)
    assert "incompetent" in rules.appraisal_problems(50, 0, 0, 0, -1)
    assert rules.appraisal_shares(50, 20, 20, 5, 5)["good"] == 80


# ---------------------------------------------------------------- margin


def test_rc_chair_one_seat_takes_two_or_three():
    assert rules.margin_bounds("chair", 1, rc()) == (2, 3)
    for count, ok in [(1, False), (2, True), (3, True), (4, False)]:
        found = rules.margin_problems({"chair": count}, {"chair": 1}, rc())
        assert (found == []) is ok, (count, found)
    assert rules.margin_problems({"chair": 1}, {"chair": 1}, rc()) == ["主任应选 1 名，现有候选人 1 名，至少须 2 名。"]
    assert rules.margin_problems({"chair": 4}, {"chair": 1}, rc()) == ["主任应选 1 名，现有候选人 4 名，至多 3 名。"]
    assert rules.margin_problems({"chair": 4}, {"chair": 1}, rc(), check_upper=False) == []


@pytest.mark.parametrize(("seats", "needed"), [(5, 6), (7, 9), (3, 4)])
def test_party_ratio_margin(seats, needed):
    assert rules.margin_bounds("member", seats, party()) == (needed, None)
    plan = {"member": seats}
    assert rules.margin_problems({"member": needed}, plan, party()) == []
    assert rules.margin_problems({"member": needed + 10}, plan, party()) == []
    assert rules.margin_problems({"member": needed - 1}, plan, party()) == [
        f"委员会应选 {seats} 名（书记、副书记、委员合计），现有候选人 {needed - 1} 名，至少须 {needed} 名。"]


def test_uncontested_secretary():
    assert rules.margin_bounds("secretary", 1, party()) == (1, None)
    assert rules.margin_bounds("secretary", 1, party(uncontested_positions=[])) == (2, None)
    plan = {"secretary": 1, "deputy_secretary": 1, "member": 5}
    # whole committee: 7 seats → 9 candidates, secretary and deputy candidates counted
    assert rules.margin_problems({"secretary": 1, "deputy_secretary": 1, "member": 7}, plan, party()) == []
    found = rules.margin_problems({"secretary": 1, "deputy_secretary": 1, "member": 6}, plan, party())
    assert found == ["委员会应选 7 名（书记、副书记、委员合计），现有候选人 8 名，至少须 9 名。"]
    assert rules.margin_problems({"deputy_secretary": 1, "member": 8}, plan, party()) == [
        "书记应选 1 名，现有候选人 0 名，至少须 1 名。"]


def test_without_whole_committee_each_position_stands_alone():
    plan = {"secretary": 1, "member": 5}
    found = rules.margin_problems({"secretary": 1, "member": 5}, plan, party(margin_whole_committee=False))
    assert found == ["委员应选 5 名，现有候选人 5 名，至少须 6 名。"]


def test_by_election_may_be_uncontested():
    plan = {"member": 2}
    assert rules.margin_problems({"member": 2}, plan, by_election()) == []
    assert rules.margin_problems({"member": 5}, plan, by_election()) == ["委员应选 2 名，现有候选人 5 名，至多 4 名。"]


def test_positions_without_seats_are_ignored():
    assert rules.margin_problems({}, {"vice_chair": 0}, rc()) == []


# ---------------------------------------------------------------- structure


def member(sex="male", age=40, education="college", party_member=True, position="member", name="某", **kw):
    return rules.SlateMember(sex=sex, age=age, education=education, party_member=party_member, position=position,
                             name=name, **kw)


def balanced():
    return [member(sex="female", age=33), member(age=40), member(age=45), member(age=50), member(age=52)]


def test_a_balanced_slate_has_no_warnings():
    assert rules.structure_warnings(balanced(), rc(), "residents_committee") == []
    assert rules.structure_warnings([], rc(), "residents_committee") == []


def test_no_woman_warns():
    slate = [member(age=a) for a in (33, 40, 45, 50, 52)]
    assert rules.structure_warnings(slate, rc(), "residents_committee") == ["女性人选 0 名，少于至少 1 名的目标。"]


def test_no_young_member_warns():
    slate = [member(sex="female", age=36)] + [member(age=a) for a in (40, 45, 50, 52)]
    assert rules.structure_warnings(slate, rc(), "residents_committee") == [
        "35 周岁及以下的年轻人选 0 名，少于至少 1 名的目标。"]


def test_age_body_share_below_seventy_percent_warns():
    slate = [member(sex="female", age=30), member(age=31), member(age=40), member(age=60), member(age=50)]
    warnings = rules.structure_warnings(slate, rc(), "residents_committee")
    assert warnings == ["36–55 周岁的人选 2 名，占 40%，低于 70% 左右的目标。"]
    # exactly 70% meets it
    slate = [member(sex="female", age=30)] + [member(age=40)] * 7 + [member(age=60), member(age=61)]
    assert rules.structure_warnings(slate, rc(), "residents_committee") == []


def test_education_below_names_the_people():
    slate = balanced()[:-1] + [member(age=52, education="senior_high", name="王五")]
    assert rules.structure_warnings(slate, rc(), "residents_committee") == ["学历低于大专的人选：王五。"]


def test_rc_party_share_must_exceed_half():
    slate = [member(sex="female", age=33, party_member=False), member(age=40, party_member=False),
             member(age=45), member(age=50), member(age=52, party_member=False), member(age=44)]
    warnings = rules.structure_warnings(slate, rc(), "residents_committee")
    assert warnings == ["居民委员会人选中党员 3 名，占 50%，未超过 50%。"]
    # the party committee is not measured by it
    assert rules.structure_warnings(slate, party(), "party_committee") == []


def test_one_shoulder_hint_across_the_two_committees():
    slate = balanced() + [
        member(name="赵一", person_id=7, body="party_committee", position="secretary", age=44),
        member(name="赵一", person_id=7, body="residents_committee", position="chair", age=44),
    ]
    warnings = rules.structure_warnings(slate, rc(), "community")
    assert warnings == ["提示：赵一同时是党组织书记和居民委员会主任人选（书记、主任“一肩挑”）。"]


# ---------------------------------------------------------------- gates: nomination


RC_SEATS = {"chair": 1, "vice_chair": 1, "member": 5}
PARTY_SEATS = {"secretary": 1, "deputy_secretary": 1, "member": 5}
VALID_MEETINGS = (rules.MeetingFacts("party_members", 60, 50), rules.MeetingFacts("representatives", 40, 30))


def rc_nomination(counts, **kw):
    return rules.NominationGateFacts(body="residents_committee", seats=RC_SEATS, counts=counts, election_day=DAY,
                                     **kw)


def party_nomination(counts, meetings=VALID_MEETINGS, **kw):
    return rules.NominationGateFacts(body="party_committee", seats=PARTY_SEATS, counts=counts, election_day=DAY,
                                     meetings=meetings, **kw)


def test_rc_nomination_gate_needs_the_lower_bound_per_position():
    assert rules.gate_nomination(rc_nomination({"chair": 2, "vice_chair": 2, "member": 6}), rc()) == []
    blockers = rules.gate_nomination(rc_nomination({"chair": 1, "vice_chair": 2, "member": 9}), rc())
    assert codes(blockers) == ["nominations_insufficient"]
    assert "主任应选 1 名，现有候选人 1 名，至少须 2 名。" in blockers[0].message
    assert blockers[0].source == "seeds 000, 003（其他地方委员 +1…+3）"
    # more nominations than the upper bound are fine at this stage
    assert rules.gate_nomination(rc_nomination({"chair": 5, "vice_chair": 5, "member": 20}), rc()) == []


def test_party_nomination_gate_uses_the_preliminary_list_size():
    ok = {"secretary": 1, "deputy_secretary": 1, "member": 7}
    assert rules.gate_nomination(party_nomination(ok), party()) == []
    short = {"secretary": 1, "deputy_secretary": 1, "member": 6}
    blockers = rules.gate_nomination(party_nomination(short), party())
    assert codes(blockers) == ["nominations_insufficient"]
    assert "委员会应选 7 名（书记、副书记、委员合计），现有候选人 8 名，至少须 9 名" in blockers[0].message
    assert blockers[0].source == "seeds 000, 004（seed 003 为 30%）"
    # 30%: 7 seats → 10
    assert codes(rules.gate_nomination(party_nomination(ok), party(preliminary_margin="3/10"))) == [
        "nominations_insufficient"]


def test_party_meetings_missing_and_invalid():
    ok = {"secretary": 1, "deputy_secretary": 1, "member": 7}
    assert codes(rules.gate_nomination(party_nomination(ok, meetings=()), party())) == [
        "recommendation_meeting_missing"]
    half = (rules.MeetingFacts("party_members", 60, 30), rules.MeetingFacts("representatives", 40, 21))
    blockers = rules.gate_nomination(party_nomination(ok, meetings=half), party())
    assert codes(blockers) == ["recommendation_meeting_invalid"]
    assert "党员推荐会议应到 60 人、实到 30 人" in blockers[0].message
    assert "居民代表" not in blockers[0].message
    one = (rules.MeetingFacts("party_members", 60, 31),)
    blockers = rules.gate_nomination(party_nomination(ok, meetings=one), party())
    assert codes(blockers) == ["recommendation_meeting_missing"]
    assert "居民代表推荐会议" in blockers[0].message


def test_rc_has_no_meeting_blockers():
    assert rules.gate_nomination(rc_nomination({"chair": 2, "vice_chair": 2, "member": 6}, meetings=()), rc()) == []


def test_underage_nominee_blocks():
    young = (rules.NomineeAge("小明", dt.date(2012, 1, 11)), rules.NomineeAge("小红", dt.date(2012, 1, 10)))
    blockers = rules.gate_nomination(rc_nomination({"chair": 2, "vice_chair": 2, "member": 6}, nominees=young), rc())
    assert codes(blockers) == ["nominee_underage"]
    assert "小明（17 周岁）" in blockers[0].message and "小红" not in blockers[0].message
    assert blockers[0].source == "城市居民委员会组织法 第八条"


def test_nominees_without_an_election_day_block():
    someone = (rules.NomineeAge("小明", dt.date(1990, 1, 1)),)
    facts = rules.NominationGateFacts(body="residents_committee", seats=RC_SEATS,
                                      counts={"chair": 2, "vice_chair": 2, "member": 6}, election_day=None,
                                      nominees=someone)
    blockers = rules.gate_nomination(facts, rc())
    assert codes(blockers) == ["nominee_age_unknown"]
    assert blockers[0].message == "尚未确定选举日，无法核对 1 名被提名人在选举日是否年满 18 周岁：小明。"
    assert blockers[0].source == "城市居民委员会组织法 第八条" and "选举日" in blockers[0].fix
    no_one = rules.NominationGateFacts(body="residents_committee", seats=RC_SEATS,
                                       counts={"chair": 2, "vice_chair": 2, "member": 6}, election_day=None)
    assert rules.gate_nomination(no_one, rc()) == []


def test_sources_come_from_the_election_rulebook_when_given():
    facts = rc_nomination({"chair": 1, "vice_chair": 2, "member": 6}, sources={"margin_plus_max": "区里的办法"})
    assert rules.gate_nomination(facts, rc())[0].source == "区里的办法"


# ---------------------------------------------------------------- gates: vetting


def test_near_relatives_across_the_two_committees_block():
    pair = (rules.RelativeNominee("张父", "party_committee", "member"),
            rules.RelativeNominee("张子", "residents_committee", "chair"))
    blockers = rules.gate_nominee_relatives(rules.RelativesFacts("residents_committee", (pair,)), rc())
    assert codes(blockers) == ["nominee_relatives"]
    assert blockers[0].message == ("近亲属不得在同一社区同时被提名（两委合并）：张父（社区党组织委员会委员）与"
                                   "张子（居民委员会主任）。")
    assert blockers[0].source == "seeds 000, 003"
    assert rules.gate_nominee_relatives(rules.RelativesFacts("residents_committee", ()), rc()) == []
    off = rc(candidate_relative_avoidance=False)
    assert rules.gate_nominee_relatives(rules.RelativesFacts("residents_committee", (pair,)), off) == []


def test_approved_insufficient():
    facts = rules.ApprovedFacts("residents_committee", RC_SEATS, {"chair": 2, "vice_chair": 1, "member": 6})
    blockers = rules.gate_approved(facts, rc())
    assert codes(blockers) == ["approved_insufficient"]
    assert "副主任应选 1 名，现有候选人 1 名，至少须 2 名。" in blockers[0].message
    facts = rules.ApprovedFacts("party_committee", PARTY_SEATS, {"secretary": 1, "deputy_secretary": 1, "member": 7})
    assert rules.gate_approved(facts, party()) == []
    facts = rules.ApprovedFacts("party_committee", PARTY_SEATS, {"secretary": 1, "deputy_secretary": 1, "member": 6})
    assert codes(rules.gate_approved(facts, party())) == ["approved_insufficient"]


# ---------------------------------------------------------------- gates: publicity


def listed(counts, pledged=True, talked=True):
    return tuple(rules.ListedCandidate(f"{position}{i}", position, pledged, talked)
                 for position, n in counts.items() for i in range(n))


def test_candidate_list_missing():
    facts = rules.CandidateListFacts("residents_committee", RC_SEATS)
    assert codes(rules.gate_candidate_list(facts, rc())) == ["candidate_list_missing"]


def test_candidate_list_margin_both_bounds():
    good = listed({"chair": 2, "vice_chair": 3, "member": 6})
    assert rules.gate_candidate_list(rules.CandidateListFacts("residents_committee", RC_SEATS, good), rc()) == []
    bad = listed({"chair": 4, "vice_chair": 1, "member": 6})
    blockers = rules.gate_candidate_list(rules.CandidateListFacts("residents_committee", RC_SEATS, bad), rc())
    assert codes(blockers) == ["candidate_margin"]
    assert "主任应选 1 名，现有候选人 4 名，至多 3 名。" in blockers[0].message
    assert "副主任应选 1 名，现有候选人 1 名，至少须 2 名。" in blockers[0].message


def test_pledges_and_talks_name_the_people():
    rows = (rules.ListedCandidate("甲", "chair", True, True), rules.ListedCandidate("乙", "chair", False, True),
            rules.ListedCandidate("丙", "vice_chair", True, False), rules.ListedCandidate("丁", "vice_chair", True, True),
            *listed({"member": 6}))
    blockers = rules.gate_candidate_list(rules.CandidateListFacts("residents_committee", RC_SEATS, rows), rc())
    assert codes(blockers) == ["pledge_missing", "talk_missing"]
    assert "乙" in blockers[0].message and "甲" not in blockers[0].message
    assert "丙" in blockers[1].message
    off = rc(pledge_required=False, talk_required=False)
    assert rules.gate_candidate_list(rules.CandidateListFacts("residents_committee", RC_SEATS, rows), off) == []


@pytest.mark.parametrize(("approval", "reply", "needle"), [
    ("", "", "尚未报街道党工委批复"),
    ("submitted", "", "尚待批复"),
    ("returned", "年龄结构不合理", "退回了候选人预备人选名单：年龄结构不合理"),
])
def test_party_list_needs_the_streets_approval(approval, reply, needle):
    rows = listed({"secretary": 1, "deputy_secretary": 1, "member": 7})
    facts = rules.CandidateListFacts("party_committee", PARTY_SEATS, rows, approval, reply)
    blockers = rules.gate_candidate_list(facts, party())
    assert codes(blockers) == ["candidate_list_not_approved"]
    assert needle in blockers[0].message
    approved = rules.CandidateListFacts("party_committee", PARTY_SEATS, rows, "approved")
    assert rules.gate_candidate_list(approved, party()) == []


def test_the_approval_blocker_cites_the_seed_step_after_the_publicity():
    rows = listed({"secretary": 1, "deputy_secretary": 1, "member": 7})
    [blocker] = rules.gate_candidate_list(rules.CandidateListFacts("party_committee", PARTY_SEATS, rows), party())
    assert blocker.source == rules.LIST_APPROVAL_SOURCE
    assert blocker.source.startswith("seed 003：公示结束后") and not any(ch.isdigit() for ch in blocker.source[9:])


def test_rc_list_needs_no_approval():
    rows = listed({"chair": 2, "vice_chair": 2, "member": 6})
    assert rules.gate_candidate_list(rules.CandidateListFacts("residents_committee", RC_SEATS, rows), rc()) == []


def test_every_blocker_has_a_source_and_a_fix():
    facts = [
        rules.gate_nomination(party_nomination({}, meetings=(rules.MeetingFacts("party_members", 10, 5),),
                                               nominees=(rules.NomineeAge("幼", dt.date(2020, 1, 1)),)), party()),
        rules.gate_candidate_list(rules.CandidateListFacts("party_committee", PARTY_SEATS,
                                                           listed({"member": 20}, False, False)), party()),
    ]
    for blockers in facts:
        for b in blockers:
            assert b.source and b.fix and b.message


def test_fraction_margins_compute_in_integers():
    assert rules.margin_bounds("member", 10, party(margin_ratio=str(Fraction(13, 10)))) == (13, None)


def test_supporters_that_differ_only_by_invisible_characters_spaces_or_width_are_one_person():
    names, problems = rules.clean_supporters(["张三", "张三\u200b", "张 三", " 李四 ", "ＡＢＣ", "ABC", "Ali  Hassan", ""])
    assert names == ["张三", "李四", "ABC", "Ali Hassan"]
    assert problems and "联名人重复" in problems[0] and "张三" in problems[0] and "ABC" in problems[0]


def test_a_long_list_of_supporters_is_checked_in_linear_time():
    names, problems = rules.clean_supporters([f"居民{i}" for i in range(50_000)] + ["居民7"])
    assert len(names) == 50_000 and problems == ["联名人重复：居民7（每人只能联名一次）。"]
