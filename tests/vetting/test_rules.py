"""The vetting app's pure rules: grounds, the review flow, publicity, reports and the gates' messages."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from elections.rules import DEPARTMENT_LABELS
from vetting import rules

D = dt.date


# --------------------------------------------------------------------------------------------
# Default grounds
# --------------------------------------------------------------------------------------------


def test_default_grounds_cover_the_ten_and_the_eight_items():
    codes = [code for code, *_ in rules.DEFAULT_GROUNDS]
    assert len(codes) == len(set(codes))
    ineligible_items = {re.search(r"（(\d+)）", s).group(1) for _, k, _, _, s in rules.DEFAULT_GROUNDS if k == "ineligible"}
    unsuitable_items = {re.search(r"（(\d+)）", s).group(1) for _, k, _, _, s in rules.DEFAULT_GROUNDS if k == "unsuitable"}
    assert ineligible_items == {str(i) for i in range(1, 11)}
    assert unsuitable_items == {str(i) for i in range(1, 9)}
    for code, kind, department, text, source in rules.DEFAULT_GROUNDS:
        assert code.startswith(kind + "-")
        assert department == "" or department in DEPARTMENT_LABELS
        assert text and not text.endswith("。")
        assert source.startswith("seed 003 不得（" if kind == "ineligible" else "seed 000 不宜（")


@pytest.mark.parametrize("code, department", [
    ("ineligible-01", "organization"), ("ineligible-02a", "court"), ("ineligible-02b", "police"),
    ("ineligible-02c", "police"), ("ineligible-03a", "discipline"), ("ineligible-03b", "procuratorate"),
    ("ineligible-04", "political_legal"), ("ineligible-05a", "organization"), ("ineligible-05b", "political_legal"),
    ("ineligible-05c", "petition"), ("ineligible-06a", "civil_affairs"), ("ineligible-06b", "court"),
    ("ineligible-06c", "political_legal"), ("ineligible-07", "discipline"), ("ineligible-08", "organization"),
    ("ineligible-09", ""), ("ineligible-10", ""),
    ("unsuitable-01", "discipline"), ("unsuitable-02", "organization"), ("unsuitable-03", "organization"),
    ("unsuitable-04", "political_legal"), ("unsuitable-05", ""), ("unsuitable-06", "organization"),
    ("unsuitable-07", ""), ("unsuitable-08", ""),
])
def test_default_ground_departments(code, department):
    assert {c: d for c, _, d, _, _ in rules.DEFAULT_GROUNDS}[code] == department


def test_split_items_keep_the_seed_wording():
    texts = {c: t for c, _, _, t, _ in rules.DEFAULT_GROUNDS}
    assert "，".join([texts["ineligible-02a"], texts["ineligible-02b"], texts["ineligible-02c"]]) == (
        "受过刑事处罚的，存在“村霸”和涉黑涉恶等问题的，近3年因涉黄涉赌涉毒受到行政处罚的")
    assert texts["ineligible-06b"] == "当前被法院纳入失信被执行人名单的"
    assert texts["unsuitable-01"].startswith("受到警告、严重警告党纪处分或警告、记过、记大过、降级政务处分")


def test_default_rows_number_each_kind_from_one():
    rows = rules.default_ground_rows()
    assert [r["order"] for r in rows if r["kind"] == "ineligible"] == list(range(1, 18))
    assert [r["order"] for r in rows if r["kind"] == "unsuitable"] == list(range(1, 9))


# --------------------------------------------------------------------------------------------
# Citing grounds
# --------------------------------------------------------------------------------------------

G = {
    "ineligible-02a": rules.GroundInfo("ineligible-02a", "ineligible", "court", "受过刑事处罚的"),
    "ineligible-02b": rules.GroundInfo("ineligible-02b", "ineligible", "police", "存在“村霸”和涉黑涉恶等问题的"),
    "ineligible-09": rules.GroundInfo("ineligible-09", "ineligible", "", "因身体健康等原因，无法正常履行相应职责的"),
    "unsuitable-02": rules.GroundInfo("unsuitable-02", "unsuitable", "organization", "受到调离岗位、降职组织处理的"),
    "old": rules.GroundInfo("old", "ineligible", "", "停用的情形", active=False),
}


def test_a_department_cites_its_own_and_department_less_grounds():
    assert [g.code for g in rules.citable(list(G.values()), "district", "police")] == ["ineligible-02b", "ineligible-09"]
    assert [g.code for g in rules.citable(list(G.values()), "community")] == [
        "ineligible-02a", "ineligible-02b", "ineligible-09", "unsuitable-02"]
    assert [g.code for g in rules.citable(list(G.values()), "street")] == [
        "ineligible-02a", "ineligible-02b", "ineligible-09", "unsuitable-02"]


def problems(decision, cited, level="district", department="police"):
    return rules.grounds_problems(decision=decision, cited=cited, available=G, level=level, department=department)


def test_grounds_problems():
    assert problems("reject", ["ineligible-02b"]) == []
    assert problems("reject", ["ineligible-09"]) == []
    assert problems("reject", []) == ["审查不通过须至少引用一项不得或不宜情形。"]
    assert problems("pass", ["ineligible-02b"]) == ["审查通过时不能引用不得、不宜情形：如存在情形，请选择“不通过”。"]
    assert problems("pass", []) == []
    assert problems("reject", ["nope"]) == ["情形代码“nope”不存在。"]
    assert problems("reject", ["old"]) == ["情形“停用的情形”已停用，不能引用。"]
    assert problems("reject", ["ineligible-02a"]) == ["公安局不能引用由法院审查的情形“受过刑事处罚的”。"]
    assert problems("reject", ["ineligible-02a"], level="street", department="") == []
    assert problems("reject", ["ineligible-02b", "ineligible-02b"]) == ["同一情形重复引用。"]


def test_grounds_summary_groups_by_kind():
    assert rules.grounds_summary([G["unsuitable-02"], G["ineligible-02b"], G["ineligible-09"]]) == (
        "不得情形：存在“村霸”和涉黑涉恶等问题的；因身体健康等原因，无法正常履行相应职责的；不宜情形：受到调离岗位、降职组织处理的")


# --------------------------------------------------------------------------------------------
# The review flow
# --------------------------------------------------------------------------------------------

Out = rules.Outcome


@pytest.mark.parametrize("level, decision, kinds, complete, expected", [
    ("community", "pass", (), False, Out("reviewing", "street")),
    ("street", "pass", (), False, Out("reviewing", "district")),
    ("district", "pass", (), False, Out("reviewing", "district")),
    ("district", "pass", (), True, Out("approved", "")),
    ("community", "reject", ("ineligible",), False, Out("rejected", "")),
    ("community", "reject", ("unsuitable",), False, Out("held", "community")),
    ("community", "reject", ("unsuitable", "ineligible"), False, Out("rejected", "")),
    ("street", "reject", ("unsuitable",), False, Out("rejected", "")),
    ("street", "reject", ("ineligible",), False, Out("rejected", "")),
    ("district", "reject", ("unsuitable",), False, Out("held", "district")),
    ("district", "reject", ("ineligible",), True, Out("rejected", "")),
])
def test_review_outcome(level, decision, kinds, complete, expected):
    assert rules.review_outcome(level, decision, kinds, district_complete=complete) == expected


def test_review_outcome_refuses_unknown_values():
    with pytest.raises(ValueError):
        rules.review_outcome("province", "pass", ())
    with pytest.raises(ValueError):
        rules.review_outcome("street", "maybe", ())


def test_held_outcome():
    assert rules.held_outcome("community", "overrule") == Out("reviewing", "street")
    assert rules.held_outcome("district", "overrule") == Out("reviewing", "district")
    assert rules.held_outcome("district", "overrule", district_complete=True) == Out("approved", "")
    assert rules.held_outcome("district", "uphold", district_complete=True) == Out("rejected", "")


def test_district_complete_and_pending():
    required = ["civil_affairs", "court", "police"]
    assert not rules.district_complete(required, ["police", "court"])
    assert rules.district_complete(required, ["court", "police", "civil_affairs", "organization"])
    assert rules.pending_departments(required, ["police"]) == ["civil_affairs", "court"]
    assert rules.counts_as_pass("pass", "")
    assert rules.counts_as_pass("reject", "overrule")
    assert not rules.counts_as_pass("reject", "uphold")
    assert not rules.counts_as_pass("reject", "")


@pytest.mark.parametrize("status, level, pending, text", [
    ("reviewing", "community", (), "待社区初审"),
    ("reviewing", "street", (), "待街道全面审查"),
    ("reviewing", "district", ("civil_affairs", "court"), "待民政局、法院联审"),
    ("reviewing", "district", (), "待区级联审"),
    ("held", "district", (), "不宜情形待街道决定"),
    ("approved", "", (), "审查通过"),
    ("rejected", "", (), "未通过"),
])
def test_where_it_stands(status, level, pending, text):
    assert rules.where_it_stands(status, level, pending) == text


# --------------------------------------------------------------------------------------------
# Publicity, objections, reports
# --------------------------------------------------------------------------------------------


def test_publicity_days_are_inclusive():
    assert rules.publicity_days(D(2026, 3, 1), D(2026, 3, 5)) == 5
    assert rules.publicity_days(D(2026, 3, 1), D(2026, 3, 1)) == 1
    assert rules.publicity_days(D(2026, 2, 26), D(2026, 3, 2)) == 5  # over the end of February


def test_publicity_problems():
    assert rules.publicity_problems(D(2026, 3, 1), D(2026, 3, 5), 5) == {}
    short = rules.publicity_problems(D(2026, 3, 1), D(2026, 3, 4), 5)
    assert list(short) == ["ends_on"] and "公示期 4 天" in short["ends_on"][0] and "2026-03-05" in short["ends_on"][0]
    backwards = rules.publicity_problems(D(2026, 3, 5), D(2026, 3, 1), 5)
    assert backwards["ends_on"] == ["公示结束日期（2026-03-01）不能早于开始日期（2026-03-05）。"]
    assert set(rules.publicity_problems(None, None, 5)) == {"starts_on", "ends_on"}


def test_publicity_is_over_the_day_after_it_ends():
    ends = D(2026, 3, 5)
    assert not rules.publicity_over(ends, D(2026, 3, 5))
    assert rules.publicity_over(ends, D(2026, 3, 6))
    assert rules.publicity_days_left(ends, D(2026, 3, 5)) == 1
    assert rules.publicity_days_left(ends, D(2026, 3, 3)) == 3
    assert rules.publicity_days_left(ends, D(2026, 3, 6)) == 0


def test_report_categories_and_deadline():
    assert rules.report_categories(["vote_buying"], reporter="李四") == ["named", "vote_buying"]
    assert rules.report_categories(["widely_reported", "specific"]) == ["specific", "widely_reported"]
    assert rules.must_investigate(["specific"])
    assert not rules.must_investigate([])
    assert rules.report_due(D(2026, 3, 2), 15) == D(2026, 3, 17)
    assert not rules.report_overdue(D(2026, 3, 17), D(2026, 3, 17))
    assert rules.report_overdue(D(2026, 3, 17), D(2026, 3, 18))
    assert not rules.report_overdue(D(2026, 3, 17), D(2026, 3, 18), status="substantiated")


def test_report_input_and_close_problems():
    today = D(2026, 3, 2)
    assert rules.report_input_problems(content="有人送购物卡", channel="phone", categories=["vote_buying"],
                                       received_on=today, due_on=None, today=today) == {}
    bad = rules.report_input_problems(content=" ", channel="pigeon", categories=["gossip"],
                                      received_on=D(2026, 3, 3), due_on=None, today=today)
    assert set(bad) == {"content", "channel", "categories", "received_on"}
    assert "due_on" in rules.report_input_problems(content="x", channel="phone", categories=[], received_on=today,
                                                   due_on=D(2026, 3, 1), today=today)

    def close(**kw):
        args = dict(status="substantiated", finding="查实", rejects_nominee=False, has_nomination=True,
                    categories=["vote_buying"], closed_on=today, received_on=D(2026, 3, 1), today=today)
        return rules.report_close_problems(**{**args, **kw})

    assert close() == {}
    assert close(rejects_nominee=True) == {}
    assert close(status="partly", rejects_nominee=True) == {}
    assert "rejects_nominee" in close(status="unsubstantiated", rejects_nominee=True)
    assert "rejects_nominee" in close(rejects_nominee=True, has_nomination=False)
    assert "status" in close(status="filed")
    assert close(status="filed", categories=[]) == {}
    assert "status" in close(status="open")
    assert "finding" in close(finding="")
    assert "closed_on" in close(closed_on=D(2026, 2, 28))
    assert "closed_on" in close(closed_on=D(2026, 3, 3))


def test_objection_problems():
    today = D(2026, 3, 2)
    assert rules.objection_input_problems(objector="匿名", content="x", received_on=today, today=today) == {}
    assert set(rules.objection_input_problems(objector="", content="", received_on=None, today=today)) == {
        "objector", "content", "received_on"}
    assert rules.objection_resolve_problems(status="upheld", finding="属实", resolved_on=today,
                                            received_on=today, today=today) == {}
    assert set(rules.objection_resolve_problems(status="open", finding="", resolved_on=D(2026, 3, 1),
                                                received_on=today, today=today)) == {"status", "finding", "resolved_on"}


# --------------------------------------------------------------------------------------------
# Gates
# --------------------------------------------------------------------------------------------

RULES = {"publicity_min_days": 5, "report_deadline_days": 15}


def test_gate_nominations_decided_names_where_each_stands():
    facts = rules.DecisionFacts((
        rules.PendingNomination("张三", "reviewing", "street"),
        rules.PendingNomination("李四", "reviewing", "district", ("civil_affairs", "court")),
        rules.PendingNomination("王五", "held", "community"),
    ))
    [blocker] = rules.gate_nominations_decided(facts, RULES)
    assert blocker.code == "nominations_undecided"
    assert blocker.message == (
        "3 名被提名人尚未审查完毕：张三 待街道全面审查；李四 待民政局、法院联审；王五 不宜情形待街道决定。")
    assert rules.gate_nominations_decided(rules.DecisionFacts(), RULES) == []


def test_gate_publicity():
    def codes(starts, ends, today, **kw):
        return [b.code for b in rules.gate_publicity(rules.PublicityFacts(starts, ends, today), {**RULES, **kw})]

    assert codes(None, None, D(2026, 3, 9)) == ["publicity_missing"]
    assert codes(D(2026, 3, 1), D(2026, 3, 5), D(2026, 3, 6)) == []
    assert codes(D(2026, 3, 1), D(2026, 3, 4), D(2026, 3, 6)) == ["publicity_too_short"]
    assert codes(D(2026, 3, 1), D(2026, 3, 5), D(2026, 3, 5)) == ["publicity_not_over"]
    assert codes(D(2026, 3, 1), D(2026, 3, 4), D(2026, 3, 6), publicity_min_days=4) == []
    [not_over] = rules.gate_publicity(rules.PublicityFacts(D(2026, 3, 1), D(2026, 3, 5), D(2026, 3, 4)), RULES)
    assert "还剩 2 天" in not_over.message and "2026-03-06" in not_over.fix
    assert not_over.source.startswith("seed 003")


def test_gate_objections_and_reports():
    facts = rules.ObjectionReportFacts(
        objections=(rules.OpenObjection("张三", "李四", D(2026, 3, 2)), rules.OpenObjection("", "匿名", D(2026, 3, 3))),
        reports=(rules.OpenReport("王五", D(2026, 2, 1), D(2026, 2, 16)),
                 rules.OpenReport("赵六", D(2026, 3, 1), D(2026, 3, 16))),
        today=D(2026, 3, 4),
    )
    objections, reports = rules.gate_objections_reports(facts, RULES)
    assert objections.code == "objections_open"
    assert "张三（李四，2026-03-02 受理）" in objections.message and "未指明人选（匿名" in objections.message
    assert reports.code == "reports_open"
    assert "其中 1 件已逾期" in reports.message
    assert "王五（办结期限 2026-02-16，已逾期 16 天）" in reports.message
    assert "赵六（办结期限 2026-03-16，还有 12 天）" in reports.message
    assert rules.gate_objections_reports(rules.ObjectionReportFacts(today=D(2026, 3, 4)), RULES) == []


def test_a_publicity_far_from_today_is_a_typo_not_a_period():
    today = dt.date(2026, 11, 22)
    wrong_year = rules.publicity_problems(dt.date(2026, 11, 20), dt.date(9999, 12, 31), 5, today)
    assert list(wrong_year) == ["ends_on"] and "请核对年份" in wrong_year["ends_on"][0]
    long_ago = rules.publicity_problems(dt.date(2016, 3, 1), dt.date(2016, 3, 5), 5, today)
    assert set(long_ago) == {"starts_on", "ends_on"}
    # sixty days either side is still a period (entered late, or planned ahead)
    assert rules.publicity_problems(today - dt.timedelta(days=60), today - dt.timedelta(days=56), 5, today) == {}
    assert rules.publicity_problems(today + dt.timedelta(days=56), today + dt.timedelta(days=60), 5, today) == {}
    assert "starts_on" in rules.publicity_problems(today - dt.timedelta(days=61), today, 5, today)
