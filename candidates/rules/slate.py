"""Margins (差额), the slate's structure, and the gates of nomination, vetting and publicity that the candidates
app owns. Pure: plain functions over plain data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from elections.rules import (
    BODY_LABELS,
    Blocker,
)

from .base import EDUCATION_LABELS, age_on
from .nomination import (
    RECOMMENDATION_KIND_LABELS,
    RECOMMENDATION_KINDS,
    _at_least,
    _ceil,
    _fraction,
    _more_than,
    _names,
    education_below,
    meeting_valid,
    position_label,
    preliminary_size,
    rule_source,
)

# --------------------------------------------------------------------------------------------
# Margin (差额)
# --------------------------------------------------------------------------------------------


def margin_bounds(position: str, seats: int, rules: Mapping[str, Any]) -> tuple[int, int | None]:
    """(fewest, most or None) candidates for ``seats`` seats of ``position``.

    "plus": seats + margin_plus_min … seats + margin_plus_max; "ratio": at least ceil(seats × margin_ratio),
    no upper bound. A position the rulebook lists as uncontested (等额) may have exactly ``seats``."""
    if rules.get("margin_mode", "plus") == "ratio":
        low, high = _ceil(seats * _fraction(rules["margin_ratio"])), None
    else:
        low, high = seats + int(rules["margin_plus_min"]), seats + int(rules["margin_plus_max"])
    if position in (rules.get("uncontested_positions") or []):
        low = seats
    return low, high


@dataclass(frozen=True)
class MarginIssue:
    position: str  # "" for the whole committee
    seats: int
    count: int
    needed: int  # the bound broken
    too_many: bool = False

    @property
    def message(self) -> str:
        if self.position:
            head = f"{position_label(self.position)}应选 {self.seats} 名，现有候选人 {self.count} 名"
        else:
            head = f"委员会应选 {self.seats} 名（书记、副书记、委员合计），现有候选人 {self.count} 名"
        if self.too_many:
            return f"{head}，至多 {self.needed} 名。"
        return f"{head}，至少须 {self.needed} 名。"


def _margin_key(rules: Mapping[str, Any]) -> str:
    return "margin_ratio" if rules.get("margin_mode") == "ratio" else "margin_plus_max"


def margin_issues(
    counts_by_position: Mapping[str, int],
    seats_by_position: Mapping[str, int],
    rules: Mapping[str, Any],
    check_upper: bool = True,
) -> list[MarginIssue]:
    seats = {p: n for p, n in seats_by_position.items() if n > 0}
    issues: list[MarginIssue] = []
    whole = bool(rules.get("margin_whole_committee")) and "member" in seats
    for position, n in seats.items():
        if whole and position == "member":
            total = sum(seats.values())
            count = sum(counts_by_position.get(p, 0) for p in seats)
            low, high = margin_bounds("member", total, rules)
            label_position, label_seats = "", total
        else:
            count = counts_by_position.get(position, 0)
            low, high = margin_bounds(position, n, rules)
            label_position, label_seats = position, n
        if count < low:
            issues.append(MarginIssue(label_position, label_seats, count, low))
        elif check_upper and high is not None and count > high:
            issues.append(MarginIssue(label_position, label_seats, count, high, too_many=True))
    return issues


def margin_problems(
    counts_by_position: Mapping[str, int],
    seats_by_position: Mapping[str, int],
    rules: Mapping[str, Any],
    check_upper: bool = True,
) -> list[str]:
    """Every position whose candidate count breaks the margin, naming position, seats, count and bound.

    With ``margin_whole_committee`` (party), the member bound counts every candidate of the committee against
    the total seats; secretary and deputy are checked on their own."""
    return [issue.message for issue in margin_issues(counts_by_position, seats_by_position, rules, check_upper)]


# --------------------------------------------------------------------------------------------
# Structure targets (warnings)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlateMember:
    sex: str
    age: int
    education: str
    party_member: bool
    position: str
    incumbent: bool = False
    name: str = ""
    person_id: int = 0
    body: str = ""


def structure_warnings(members: Sequence[SlateMember], rules: Mapping[str, Any], body: str) -> list[str]:
    """Structure targets (DOMAIN.md "Structure targets") the slate misses; the last items are hints.

    ``body`` is an election body, or "community" for the two committees of a community together."""
    if not members:
        return []
    warnings: list[str] = []
    # a person on both committees counts once (members without a person id count each)
    people = list({(m.person_id or -i): m for i, m in enumerate(members, start=1)}.values())
    counted = len(people)
    women = sum(1 for m in people if m.sex == "female")
    min_women = int(rules.get("structure_min_women", 0))
    if women < min_women:
        warnings.append(f"女性人选 {women} 名，少于至少 {min_women} 名的目标。")
    young_age = int(rules.get("structure_young_age", 35))
    young = sum(1 for m in people if m.age <= young_age)
    min_young = int(rules.get("structure_min_young", 0))
    if young < min_young:
        warnings.append(f"{young_age} 周岁及以下的年轻人选 {young} 名，少于至少 {min_young} 名的目标。")
    low, high = int(rules.get("structure_age_body_low", 0)), int(rules.get("structure_age_body_high", 200))
    share = rules.get("structure_age_body_share")
    body_count = sum(1 for m in people if low <= m.age <= high)
    if share is not None and not _at_least(body_count, counted, share):
        target = _fraction(share)
        warnings.append(f"{low}–{high} 周岁的人选 {body_count} 名，占 {body_count * 100 // counted}%，"
                        f"低于 {target.numerator * 100 // target.denominator}% 左右的目标。")
    minimum = rules.get("education_min", "")
    below = [m.name or "（未具名）" for m in people if minimum and education_below(m.education, minimum)]
    if below:
        warnings.append(f"学历低于{EDUCATION_LABELS.get(minimum, minimum)}的人选：{_names(below)}。")
    rc = [m for m in members if (m.body or body) == "residents_committee"]
    party_share = rules.get("structure_party_share_over")
    if rc and party_share is not None and body in {"residents_committee", "community"}:
        party = sum(1 for m in rc if m.party_member)
        if not _more_than(party, len(rc), party_share):
            target = _fraction(party_share)
            warnings.append(f"居民委员会人选中党员 {party} 名，占 {party * 100 // len(rc)}%，未超过 "
                            f"{target.numerator * 100 // target.denominator}%。")
    secretaries = {m.person_id for m in members if m.person_id and (m.body or body) == "party_committee"
                   and m.position == "secretary"}
    both = [m.name for m in members if m.person_id in secretaries and (m.body or body) == "residents_committee"
            and m.position == "chair"]
    if both:
        warnings.append(f"提示：{_names(both)}同时是党组织书记和居民委员会主任人选（书记、主任“一肩挑”）。")
    return warnings


# --------------------------------------------------------------------------------------------
# Gates: nomination
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NomineeAge:
    name: str
    birth_date: dt.date


@dataclass(frozen=True)
class MeetingFacts:
    kind: str
    expected: int
    present: int


@dataclass(frozen=True)
class NominationGateFacts:
    body: str
    seats: Mapping[str, int]
    counts: Mapping[str, int]  # live nominations per position
    election_day: dt.date | None = None
    nominees: tuple[NomineeAge, ...] = ()
    meetings: tuple[MeetingFacts, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)


def nomination_shortfalls(facts: NominationGateFacts, rules: Mapping[str, Any]) -> list[MarginIssue]:
    """Positions short of nominations for the margin's lower bound. Party (``margin_whole_committee``): the
    whole committee needs the 两推 preliminary list's size, ceil(total seats × (1 + preliminary_margin))."""
    seats = {p: n for p, n in facts.seats.items() if n > 0}
    issues = [i for i in margin_issues(facts.counts, seats, rules, check_upper=False) if i.position]
    if rules.get("margin_whole_committee") and "member" in seats:
        total = sum(seats.values())
        count = sum(facts.counts.get(p, 0) for p in seats)
        if facts.body == "party_committee":
            needed = preliminary_size(total, rules.get("preliminary_margin", "0"))
        else:
            needed = margin_bounds("member", total, rules)[0]
        if count < needed:
            issues.append(MarginIssue("", total, count, needed))
    return issues


def gate_nomination(facts: NominationGateFacts, rules: Mapping[str, Any]) -> list[Blocker]:
    blockers: list[Blocker] = []
    src = lambda key: rule_source(facts.sources, facts.body, key)  # noqa: E731
    short = nomination_shortfalls(facts, rules)
    if short:
        whole = any(not i.position for i in short)
        source = src("preliminary_margin") if whole and facts.body == "party_committee" else src(_margin_key(rules))
        blockers.append(Blocker(
            "nominations_insufficient",
            "提名人选不足差额要求：" + "".join(i.message for i in short),
            source,
            "按“两推”结果确定初步人选，缺额在得票多的被推荐人中另行推荐，使人数达到差额要求。"
            if facts.body == "party_committee" else "继续受理提名（各提名渠道均可），使每个职位的提名人数达到差额要求。",
        ))
    if facts.body == "party_committee":
        share = rules.get("recommendation_attendance_over", "1/2")
        recorded = {m.kind: m for m in facts.meetings}
        missing = [label for kind, label in RECOMMENDATION_KINDS if kind not in recorded]
        if missing:
            blockers.append(Blocker(
                "recommendation_meeting_missing",
                f"尚未登记“两推”会议结果：{'、'.join(missing)}。",
                src("recommendation_attendance_over"),
                "召开党员推荐会议和居民代表推荐会议，在“两推”页登记应到、实到人数、推荐票和得票。",
            ))
        invalid = [m for m in facts.meetings if not meeting_valid(m.present, m.expected, share)]
        if invalid:
            target = _fraction(share)
            detail = "；".join(f"{RECOMMENDATION_KIND_LABELS.get(m.kind, m.kind)}应到 {m.expected} 人、实到 "
                              f"{m.present} 人" for m in invalid)
            blockers.append(Blocker(
                "recommendation_meeting_invalid",
                f"“两推”会议到会人数未超过应到人数的 {target.numerator}/{target.denominator}，推荐无效：{detail}。",
                src("recommendation_attendance_over"),
                "重新召开到会人数符合要求的推荐会议，并登记新的结果。",
            ))
    minimum = int(rules.get("min_voter_age", 18))
    if facts.election_day is None and facts.nominees:
        blockers.append(Blocker(
            "nominee_age_unknown",
            f"尚未确定选举日，无法核对 {len(facts.nominees)} 名被提名人在选举日是否年满 {minimum} 周岁："
            f"{_names([n.name for n in facts.nominees])}。",
            src("min_voter_age"),
            "在选举信息中填写选举日，再核对被提名人的年龄。",
        ))
    if facts.election_day is not None:
        young = [f"{n.name}（{age_on(n.birth_date, facts.election_day)} 周岁）" for n in facts.nominees
                 if age_on(n.birth_date, facts.election_day) < minimum]
        if young:
            blockers.append(Blocker(
                "nominee_underage",
                f"被提名人在选举日未满 {minimum} 周岁：{_names(young)}。",
                src("min_voter_age"),
                f"撤回这些提名（选举日年满 {minimum} 周岁才有被选举权）。",
            ))
    return blockers


# --------------------------------------------------------------------------------------------
# Gates: vetting
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelativeNominee:
    name: str
    body: str
    position: str

    @property
    def label(self) -> str:
        return f"{self.name}（{BODY_LABELS.get(self.body, self.body)}{position_label(self.position)}）"


@dataclass(frozen=True)
class RelativesFacts:
    body: str
    pairs: tuple[tuple[RelativeNominee, RelativeNominee], ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)


def gate_nominee_relatives(facts: RelativesFacts, rules: Mapping[str, Any]) -> list[Blocker]:
    if not rules.get("candidate_relative_avoidance") or not facts.pairs:
        return []
    pairs = "；".join(f"{a.label}与{b.label}" for a, b in facts.pairs)
    return [Blocker(
        "nominee_relatives",
        f"近亲属不得在同一社区同时被提名（两委合并）：{pairs}。",
        rule_source(facts.sources, facts.body, "candidate_relative_avoidance"),
        "近亲属中只保留一人的提名，其余撤回（撤回的由得票多的人选递补）。",
    )]


@dataclass(frozen=True)
class ApprovedFacts:
    body: str
    seats: Mapping[str, int]
    counts: Mapping[str, int]  # approved nominations per position
    sources: Mapping[str, str] = field(default_factory=dict)


def gate_approved(facts: ApprovedFacts, rules: Mapping[str, Any]) -> list[Blocker]:
    issues = margin_issues(facts.counts, facts.seats, rules, check_upper=False)
    if not issues:
        return []
    return [Blocker(
        "approved_insufficient",
        "审查通过的人选不足差额要求：" + "".join(i.message for i in issues),
        rule_source(facts.sources, facts.body, _margin_key(rules)),
        "对未通过审查的人选按得票多少依次递补，或受理新的提名并完成审查。",
    )]


# --------------------------------------------------------------------------------------------
# Gates: publicity and the formal list
# --------------------------------------------------------------------------------------------

# The rulebook has no parameter for the street's 批复 of the 预备人选 (``party_request_required`` is the request
# to convene the members' meeting, an earlier step): the seed's own words, with no number to contradict.
LIST_APPROVAL_SOURCE = ("seed 003：公示结束后，社区党组织向街道党工委上报确定候选人预备人选的请示，"
                        "街道党工委作出批复")


@dataclass(frozen=True)
class ListedCandidate:
    name: str
    position: str
    pledged: bool
    talked: bool


@dataclass(frozen=True)
class CandidateListFacts:
    body: str
    seats: Mapping[str, int]
    candidates: tuple[ListedCandidate, ...] = ()
    approval: str = ""  # "" | submitted | approved | returned
    approval_reply: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)


def gate_candidate_list(facts: CandidateListFacts, rules: Mapping[str, Any]) -> list[Blocker]:
    src = lambda key: rule_source(facts.sources, facts.body, key)  # noqa: E731
    if not facts.candidates:
        return [Blocker(
            "candidate_list_missing",
            "尚未确定正式候选人名单。",
            src("margin_mode"),
            "在“正式候选人”页从审查通过的人选中确定正式候选人。",
        )]
    blockers: list[Blocker] = []
    counts: dict[str, int] = {}
    for c in facts.candidates:
        counts[c.position] = counts.get(c.position, 0) + 1
    problems = margin_problems(counts, facts.seats, rules, check_upper=True)
    if problems:
        blockers.append(Blocker(
            "candidate_margin",
            "正式候选人人数不符合差额要求：" + "".join(problems),
            src(_margin_key(rules)),
            "增加或减少正式候选人，使每个职位的人数在规定范围内。",
        ))
    if rules.get("pledge_required"):
        missing = [c.name for c in facts.candidates if not c.pledged]
        if missing:
            blockers.append(Blocker(
                "pledge_missing",
                f"{len(missing)} 名候选人尚未签订纪律承诺书：{_names(missing)}。",
                src("pledge_required"),
                "组织候选人签订遵守换届纪律承诺书，并登记签订日期。",
            ))
    if rules.get("talk_required"):
        missing = [c.name for c in facts.candidates if not c.talked]
        if missing:
            blockers.append(Blocker(
                "talk_missing",
                f"{len(missing)} 名候选人尚无谈心谈话记录：{_names(missing)}。",
                src("talk_required"),
                "由街道党工委与候选人谈心谈话，并登记谈话记录。",
            ))
    if facts.body == "party_committee" and facts.approval != "approved":
        if facts.approval == "submitted":
            message = "候选人预备人选名单已报街道党工委，尚待批复。"
        elif facts.approval == "returned":
            message = "街道党工委退回了候选人预备人选名单" + (f"：{facts.approval_reply}" if facts.approval_reply else "。")
        else:
            message = "候选人预备人选名单尚未报街道党工委批复。"
        blockers.append(Blocker(
            "candidate_list_not_approved",
            message,
            LIST_APPROVAL_SOURCE,
            "公示结束后将候选人预备人选名单报街道党工委，待批复同意。" if facts.approval != "returned"
            else "按批复意见调整名单后重新报送。",
        ))
    return blockers
