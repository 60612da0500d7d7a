"""The handover's pure rules: the deadline (以内 includes the 10th day), what makes an item complete, and the
gate's four blockers."""

from __future__ import annotations

import datetime as dt

import pytest

from elections import rules
from elections.label_catalog import LABELS
from elections.rules import HandoverFacts, HandoverItemFacts, gate_handover

TOOK_OFFICE = dt.date(2026, 3, 1)
RULES = {"handover_days": 10}


def item(kind="seal", description="居委会公章", done_on=dt.date(2026, 3, 5), **kw):
    fields = {"handed_by": "张三", "received_by": "李四", "witness": "王五", **kw}
    return HandoverItemFacts(kind, description, done_on=done_on, **fields)


def full(done_on=dt.date(2026, 3, 5)):
    return tuple(item(kind, f"{kind} 一项", done_on=done_on) for kind in ("seal", "archive", "assets", "premises"))


def codes(facts, rules_=RULES):
    return [b.code for b in gate_handover(facts, rules_)]


def test_the_deadline_is_ten_days_after_taking_office():
    assert rules.handover_deadline(TOOK_OFFICE, 10) == dt.date(2026, 3, 11)
    assert rules.handover_deadline(None, 10) is None
    assert rules.handover_deadline(dt.date(2026, 2, 25), 10) == dt.date(2026, 3, 7)  # across a short month


@pytest.mark.parametrize(("day", "in_time"), [(10, True), (11, False), (0, True), (9, True)])
def test_day_ten_passes_and_day_eleven_fails(day, in_time):
    done = TOOK_OFFICE + dt.timedelta(days=day)
    facts = HandoverFacts(TOOK_OFFICE, today=done, items=full(done_on=done))
    assert rules.done_in_time(done, rules.handover_deadline(TOOK_OFFICE, 10)) is in_time
    assert codes(facts) == ([] if in_time else ["handover_late"])


def test_a_late_item_is_named_with_its_date_and_the_deadline():
    late_day = dt.date(2026, 3, 12)
    items = (*full()[:3], item("premises", "办公用房 3 间", done_on=late_day))
    [blocker] = gate_handover(HandoverFacts(TOOK_OFFICE, today=late_day, items=items), RULES)
    assert blocker.code == "handover_late"
    assert "办公场所“办公用房 3 间”" in blocker.message and "2026-03-12" in blocker.message
    assert "2026-03-11" in blocker.message and "村民委员会组织法 第二十条" in blocker.source


def test_the_rulebook_sets_the_period():
    done = TOOK_OFFICE + dt.timedelta(days=12)
    facts = HandoverFacts(TOOK_OFFICE, today=done, items=full(done_on=done))
    assert codes(facts, {"handover_days": 15}) == []
    assert codes(facts, {"handover_days": 11}) == ["handover_late"]


@pytest.mark.parametrize("kind", ["seal", "archive", "assets", "premises"])
def test_each_required_kind_missing_is_named(kind):
    items = tuple(i for i in full() if i.kind != kind)
    [blocker] = gate_handover(HandoverFacts(TOOK_OFFICE, today=dt.date(2026, 3, 5), items=items), RULES)
    assert blocker.code == "handover_items_missing"
    label = rules.HANDOVER_KIND_LABELS[kind]
    assert f"尚未登记以下移交事项：{label}。" in blocker.message and label in blocker.fix


def test_other_items_do_not_stand_in_for_a_required_kind():
    items = (*full()[:3], item("other", "办公电脑 2 台"))
    assert codes(HandoverFacts(TOOK_OFFICE, today=dt.date(2026, 3, 5), items=items)) == ["handover_items_missing"]


def test_nothing_recorded_lists_every_kind_and_the_missing_date():
    blockers = gate_handover(HandoverFacts(None, today=dt.date(2026, 3, 5)), RULES)
    assert [b.code for b in blockers] == ["took_office_missing", "handover_items_missing"]
    assert "印章、档案资料、三资台账、办公场所" in blockers[1].message


def test_an_unwitnessed_item_is_incomplete_and_named():
    items = (*full()[:3], item("premises", "居委会办公楼", witness=""))
    facts = HandoverFacts(TOOK_OFFICE, today=dt.date(2026, 3, 5), items=items)
    [blocker] = gate_handover(facts, RULES)
    assert blocker.code == "handover_item_incomplete"
    assert "办公场所“居委会办公楼”缺监交人" in blocker.message


@pytest.mark.parametrize(("changes", "lacks"), [
    ({"handed_by": ""}, ["handed_by"]), ({"received_by": "  "}, ["received_by"]), ({"done_on": None}, ["done_on"]),
    ({"handed_by": "", "received_by": "", "witness": "", "done_on": None},
     ["handed_by", "received_by", "witness", "done_on"]),
])
def test_an_item_is_complete_only_when_handed_received_witnessed_and_dated(changes, lacks):
    assert rules.item_missing(item(**changes)) == lacks
    assert not rules.item_complete(item(**changes))
    assert rules.item_complete(item())


def test_past_the_deadline_with_items_unfinished_is_late_too():
    items = (*full()[:3], item("premises", "办公楼", done_on=None, witness=""))
    facts = HandoverFacts(TOOK_OFFICE, today=dt.date(2026, 3, 12), items=items)
    assert codes(facts) == ["handover_item_incomplete", "handover_late"]
    late = gate_handover(facts, RULES)[1]
    assert "已逾期 1 天" in late.message
    # on the last day it is not late yet
    assert codes(HandoverFacts(TOOK_OFFICE, today=dt.date(2026, 3, 11), items=items)) == ["handover_item_incomplete"]


def test_past_the_deadline_with_a_kind_missing_is_late():
    facts = HandoverFacts(TOOK_OFFICE, today=dt.date(2026, 3, 20), items=full()[:2])
    assert codes(facts) == ["handover_items_missing", "handover_late"]


def test_the_streets_explanation_lifts_lateness_but_not_what_is_unfinished():
    items = (*full()[:3], item("premises", "办公楼", done_on=dt.date(2026, 3, 15)), item("other", "电脑", witness=""))
    facts = HandoverFacts(TOOK_OFFICE, today=dt.date(2026, 3, 20), items=items, delay_accepted=True)
    assert codes(facts) == ["handover_item_incomplete"]


def test_every_blocker_speaks_chinese_and_says_what_to_do():
    facts = HandoverFacts(TOOK_OFFICE, today=dt.date(2026, 4, 1), items=(item(witness=""),))
    blockers = gate_handover(facts, RULES)
    assert {b.code for b in blockers} == {"handover_items_missing", "handover_item_incomplete", "handover_late"}
    assert all(b.message and b.fix and "第二十条" in b.source for b in blockers)


def test_input_problems():
    today = dt.date(2026, 3, 5)
    ok = {"kind": "seal", "description": "公章", "handed_by": "张三", "received_by": "李四", "witness": "王五",
          "done_on": today, "took_office_on": TOOK_OFFICE, "today": today}
    assert rules.handover_item_problems(**ok) == {}
    assert set(rules.handover_item_problems(**{**ok, "kind": "car"})) == {"kind"}
    assert set(rules.handover_item_problems(**{**ok, "description": " "})) == {"description"}
    assert set(rules.handover_item_problems(**{**ok, "received_by": "张三"})) == {"received_by"}
    assert set(rules.handover_item_problems(**{**ok, "witness": "李四"})) == {"witness"}
    assert set(rules.handover_item_problems(**{**ok, "done_on": dt.date(2026, 3, 6)})) == {"done_on"}
    assert set(rules.handover_item_problems(**{**ok, "done_on": dt.date(2026, 2, 28)})) == {"done_on"}
    # unsigned and undated may be saved
    assert rules.handover_item_problems(**{**ok, "handed_by": "", "received_by": "", "witness": "",
                                           "done_on": None}) == {}
    assert rules.took_office_problems(TOOK_OFFICE, today=today, earliest_done=None) == {}
    assert rules.took_office_problems(None, today=today, earliest_done=None)
    assert rules.took_office_problems(dt.date(2026, 3, 6), today=today, earliest_done=None)
    assert rules.took_office_problems(dt.date(2026, 3, 4), today=today, earliest_done=dt.date(2026, 3, 3))


def test_the_kind_labels_are_in_the_translation_catalog():
    assert {label for _code, label in rules.HANDOVER_KINDS} <= set(LABELS)
