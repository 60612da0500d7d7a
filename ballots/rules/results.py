"""The results engine of the voting stage: one round's figures and counts in, its outcome out. Pure: no Django.

DOMAIN.md §4 "Voting, validity and winners", integers only ("more than half" is ``2 * x > base``):

* more ballots returned than issued → the round is void and is held again (1990 党组织条例 第十九条; provincial
  rules);
* validity: residents' committee (``validity_rule`` "registered_majority"): more than half of the registered
  voters voted, i.e. returned a ballot (blank and invalid ballots count as cast); party (``present_quorum``):
  the members present reach ``quorum`` (4/5) of those expected, compared with ``quorum_operator`` (">=" or ">");
* first round: a candidate needs more than ``win_over`` (1/2) of ``win_base`` ("voted": ballots returned,
  "valid_ballots": returned − invalid, "present": members present); of the qualifiers the highest win; a tie
  across the last seat sends the tied to a revote (``tie_rule`` "revote"); seats left unfilled go to a run-off;
* run-off (另行选举) of a residents' committee: the most votes win with at least ``runoff_min_share`` (1/3) of the
  ballots returned (村民委员会组织法 第十五条); with ``runoff_requires_turnout`` the run-off counts only when more
  than half of the registered voted. A party body's "run-off" is another vote for the remaining seats under the
  first round's rules (党组织条例); seats still unfilled after a run-off stay vacant as the rulebook records;
* revote among the tied: the most votes win the remaining seats, under the rules of the round whose tie it
  breaks (``revote_of``); another tie → another revote.

Write-ins (另选他人) are candidates like any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from elections.rules import POSITION_LABELS, at_least, more_than, parse_fraction

KINDS = ("first", "runoff", "revote")
KIND_LABELS = {"first": "选举", "runoff": "另行选举", "revote": "重新投票"}
NEXT_ACTIONS = ("none", "runoff", "revote", "repeat")
_PRIORITY = {action: rank for rank, action in enumerate(NEXT_ACTIONS)}  # "repeat" beats "revote" beats …
POSITION_ORDER = {code: index for index, code in enumerate(POSITION_LABELS)}
_TURNOUT_SHARE = "1/2"  # 村民委员会组织法 第十五条: 须有过半数选民投票
_BASE_LABELS = {"voted": "投票人数", "valid_ballots": "有效票数", "present": "实到人数"}
_DIGITS = "〇一二三四五六七八九十"


@dataclass(frozen=True)
class Count:
    """One candidate's (or write-in's) votes for a position."""

    candidate: str
    position: str
    votes: int
    write_in: bool = False


@dataclass(frozen=True)
class RoundInput:
    kind: str  # "first" | "runoff" | "revote"
    registered: int  # RC: registered voters; party: members expected (应到)
    present: int | None  # party: members present with a vote (实到); None for RC
    seats: dict[str, int]  # position -> seats to fill in this round
    ballots_issued: int
    ballots_returned: int
    ballots_invalid: int
    counts: tuple[Count, ...]  # candidates and write-ins alike
    revote_of: str = "first"  # for kind == "revote": the round whose tie it breaks (threshold source)


@dataclass(frozen=True)
class Elected:
    candidate: str
    votes: int


@dataclass(frozen=True)
class PositionResult:
    position: str
    seats: int
    elected: tuple[Elected, ...]
    unfilled: int  # seats - len(elected): still to fill (by the revote or run-off next_action names) or vacant
    tied: tuple[str, ...]  # tied at the last seat (revote among them)
    explanation: tuple[str, ...]  # Chinese, one line per candidate (one line for the tied together)


@dataclass(frozen=True)
class RoundResult:
    valid: bool
    reason: str  # Chinese: why valid / void
    positions: tuple[PositionResult, ...]
    next_action: str  # "none" | "runoff" | "revote" | "repeat"
    explanation: tuple[str, ...]  # Chinese, whole round (figures, validity, threshold, positions, what next)


class RoundInputError(ValueError):
    """``calculate`` was given figures that ``input_problems`` refuses; ``problems`` holds them by field."""

    def __init__(self, problems: dict[str, list[str]]):
        super().__init__("；".join(m for messages in problems.values() for m in messages))
        self.problems = problems


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def position_label(position: str) -> str:
    return POSITION_LABELS.get(position, position)


def _cn(n: int) -> str:
    return _DIGITS[n] if 0 <= n <= 10 else str(n)


def _fraction(share: Any) -> Fraction:
    return share if isinstance(share, Fraction) else parse_fraction(share)


def _share(share: Any) -> str:
    """The share as elections.rules.more_than/at_least take it ("1/2")."""
    f = _fraction(share)
    return f"{f.numerator}/{f.denominator}"


def share_text(share: Any) -> str:
    """半数 for 1/2, 三分之一 for 1/3, 五分之四 for 4/5; other shares as written (7/12)."""
    f = _fraction(share)
    if f == Fraction(1, 2):
        return "半数"
    if 0 < f.numerator <= 10 and 0 < f.denominator <= 10:
        return f"{_cn(f.denominator)}分之{_cn(f.numerator)}"
    return f"{f.numerator}/{f.denominator}"


def needed_more_than(base: int, share: Any) -> int:
    """The fewest votes that are more than ``share`` of ``base`` (more than half of 600: 301)."""
    f = _fraction(share)
    return base * f.numerator // f.denominator + 1


def needed_at_least(base: int, share: Any) -> int:
    """The fewest votes that are at least ``share`` of ``base`` (a third of 600: 200)."""
    f = _fraction(share)
    return -(-base * f.numerator // f.denominator)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _name(count: Count) -> str:
    return f"{count.candidate}（另选他人）" if count.write_in else count.candidate


def _names(counts: tuple[Count, ...] | list[Count]) -> str:
    return "、".join(_name(c) for c in counts)


def is_party(rules: Mapping[str, Any]) -> bool:
    return rules.get("validity_rule") == "present_quorum"


def needs_present(rules: Mapping[str, Any] | None) -> bool:
    """The rulebook counts the members present (实到): party validity by quorum, or "present" as the win base."""
    return rules is not None and (rules.get("validity_rule") == "present_quorum" or rules.get("win_base") == "present")


def ordered_positions(positions: Iterable[str]) -> list[str]:
    """主任, 副主任, 委员 (书记, 副书记, 委员) first, then any other position in the order given."""
    given = list(positions)
    return sorted(given, key=lambda p: (POSITION_ORDER.get(p, len(POSITION_ORDER)), given.index(p)))


# --------------------------------------------------------------------------------------------
# Input problems (400)
# --------------------------------------------------------------------------------------------

_FIGURES = [
    ("registered", "登记选民（应到）人数"),
    ("present", "实到人数"),
    ("ballots_issued", "发出选票"),
    ("ballots_returned", "收回选票"),
    ("ballots_invalid", "无效票"),
]


def input_problems(inp: RoundInput, rules: Mapping[str, Any] | None = None) -> dict[str, list[str]]:
    """Inconsistent figures of a round, by field, in Chinese; {} when fine.

    Fields: ``registered``, ``present``, ``ballots_issued``, ``ballots_returned``, ``ballots_invalid`` (negative or
    not whole numbers, nobody registered, invalid > returned, present > registered), ``seats`` (no position, a
    position with 0 or fewer seats), ``votes`` (a count for a position not in ``seats``, a negative count, a
    blank or duplicate candidate in a position, one candidate's votes above the valid ballots, a position's votes
    above valid ballots × its seats), ``kind`` / ``revote_of`` (unknown round kinds). With ``rules``, also
    ``present`` missing where the rulebook needs it (``present_quorum`` or ``win_base`` "present").
    More ballots returned than issued is no input problem: the round is void (see ``calculate``)."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if inp.kind not in KINDS:
        add("kind", f"轮次“{inp.kind}”无效，须为 first（选举）、runoff（另行选举）或 revote（重新投票）。")
    if inp.kind == "revote" and inp.revote_of not in ("first", "runoff"):
        add("revote_of", f"重新投票所针对的轮次“{inp.revote_of}”无效，须为 first 或 runoff。")

    sound: dict[str, int] = {}
    for key, label in _FIGURES:
        value = getattr(inp, key)
        if key == "present" and value is None:
            if needs_present(rules):
                add("present", "党组织选举须填写实到人数（据以判断到会人数是否达到规定比例、计算当选票数）。")
            continue
        if not is_int(value):
            add(key, f"{label}须为整数。")
        elif value < 0:
            add(key, f"{label}（{value}）不能为负数。")
        else:
            sound[key] = value
    if sound.get("registered") == 0:
        add("registered", "登记选民（应到）人数须大于 0。")
    if "ballots_invalid" in sound and "ballots_returned" in sound and sound["ballots_invalid"] > sound["ballots_returned"]:
        add("ballots_invalid", f"无效票（{sound['ballots_invalid']}）不能多于收回选票（{sound['ballots_returned']}）。")
    if "present" in sound and "registered" in sound and sound["present"] > sound["registered"]:
        add("present", f"实到人数（{sound['present']}）不能多于应到人数（{sound['registered']}）。")

    seats: dict[str, int] = {}
    if not inp.seats:
        add("seats", "至少须有一个应选职位。")
    for position, count in inp.seats.items():
        if not is_int(count):
            add("seats", f"{position_label(position)}的应选名额须为整数。")
        elif count <= 0:
            add("seats", f"{position_label(position)}的应选名额（{count}）须大于 0。")
        else:
            seats[position] = count

    valid_ballots = None
    if "ballots_returned" in sound and "ballots_invalid" in sound and sound["ballots_invalid"] <= sound["ballots_returned"]:
        valid_ballots = sound["ballots_returned"] - sound["ballots_invalid"]
    seen: set[tuple[str, str]] = set()
    totals: dict[str, int] = {}
    for count in inp.counts:
        name = count.candidate.strip() if isinstance(count.candidate, str) else ""
        label = position_label(count.position)
        if not name:
            add("votes", f"{label}有一项得票未写候选人姓名。")
        if count.position not in inp.seats:
            add("votes", f"{name or '（无名）'}的得票所列职位“{label}”不在本轮应选职位之中。")
        if not is_int(count.votes):
            add("votes", f"{name}（{label}）的得票须为整数。")
            continue
        if count.votes < 0:
            add("votes", f"{name}（{label}）的得票（{count.votes}）不能为负数。")
            continue
        if name:
            if (count.position, name) in seen:
                add("votes", f"{label}的候选人“{name}”重复出现（另选他人与候选人同名的，应合并计票）。")
            seen.add((count.position, name))
        if valid_ballots is not None and count.votes > valid_ballots:
            add("votes", f"{name}（{label}）得 {count.votes} 票，多于有效选票 {valid_ballots} 张。")
        totals[count.position] = totals.get(count.position, 0) + count.votes
    if valid_ballots is not None:
        for position in ordered_positions(seats):
            total = totals.get(position, 0)
            if total > valid_ballots * seats[position]:
                add("votes", f"{position_label(position)}各人得票合计 {total} 票，多于有效选票 {valid_ballots} 张 × "
                             f"应选 {seats[position]} 名 = {valid_ballots * seats[position]} 票。")
    return errors


# --------------------------------------------------------------------------------------------
# Validity
# --------------------------------------------------------------------------------------------


def _threshold_round(inp: RoundInput) -> str:
    """The round whose validity and threshold rules apply: a revote follows the round whose tie it breaks."""
    return inp.revote_of if inp.kind == "revote" else inp.kind


def _validity(inp: RoundInput, rules: Mapping[str, Any]) -> tuple[bool, str]:
    prefix = {"first": "", "runoff": "另行选举：", "revote": "重新投票（并列者）："}[inp.kind]
    if inp.ballots_returned > inp.ballots_issued:
        return False, (f"{prefix}收回选票 {inp.ballots_returned} 张，多于发出选票 {inp.ballots_issued} 张，本次投票无效，"
                       "应重新投票（1990 年党组织选举工作条例第十九条；省级实施办法）。")
    source = _threshold_round(inp)
    if is_party(rules):
        quorum, operator = rules["quorum"], rules.get("quorum_operator", ">=")
        present = inp.present or 0
        if operator == ">":
            ok, verb, need = more_than(present, inp.registered, _share(quorum)), "超过", needed_more_than(
                inp.registered, quorum)
        else:
            ok, verb, need = at_least(present, inp.registered, _share(quorum)), "达到", needed_at_least(
                inp.registered, quorum)
        figures = f"{prefix}应到 {inp.registered} 人，实到 {present} 人，"
        if ok:
            return True, f"{figures}{verb}应到人数的{share_text(quorum)}（须 {need} 人），选举有效。"
        return False, (f"{figures}未{verb}应到人数的{share_text(quorum)}（须 {need} 人），选举无效，"
                       "应重新召开党员大会选举。")
    if source == "runoff" and not rules.get("runoff_requires_turnout", True):
        return True, (f"{prefix}登记选民 {inp.registered} 人，投票 {inp.ballots_returned} 人；选举办法不要求另行选举"
                      "须过半数选民投票，选举有效。")
    need = needed_more_than(inp.registered, _TURNOUT_SHARE)
    figures = f"{prefix}登记选民 {inp.registered} 人，投票 {inp.ballots_returned} 人（收回选票 {inp.ballots_returned} 张），"
    if more_than(inp.ballots_returned, inp.registered, _TURNOUT_SHARE):
        return True, f"{figures}超过登记选民的半数（须 {need} 人），选举有效。"
    return False, f"{figures}未超过登记选民的半数（须 {need} 人），选举无效，应重新投票。"


# --------------------------------------------------------------------------------------------
# Threshold
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    """What a candidate needs in a round: ``inclusive`` (at least ``share`` of ``base``: a run-off) or more than
    ``share`` of ``base``; ``needed`` is the fewest votes that do (never below 1: nobody wins with no vote)."""

    base: int
    base_label: str
    share: str
    inclusive: bool

    @property
    def needed(self) -> int:
        if self.inclusive:
            return max(1, needed_at_least(self.base, self.share))
        return max(1, needed_more_than(self.base, self.share))

    def met(self, votes: int) -> bool:
        if votes <= 0:
            return False
        if self.inclusive:
            return at_least(votes, self.base, self.share)
        return more_than(votes, self.base, self.share)

    @property
    def text(self) -> str:
        verb = "不少于" if self.inclusive else "超过"
        return f"{verb}{self.base_label} {self.base} 的{share_text(self.share)}，即至少 {self.needed} 票"


def threshold(inp: RoundInput, rules: Mapping[str, Any]) -> Threshold:
    """The threshold of ``inp``'s round: a residents' committee run-off (or a revote of one) needs at least
    ``runoff_min_share`` of the ballots returned; any other round more than ``win_over`` of ``win_base``."""
    if _threshold_round(inp) == "runoff" and not is_party(rules):
        return Threshold(inp.ballots_returned, "投票人数", _share(rules["runoff_min_share"]), inclusive=True)
    win_base = rules.get("win_base", "voted")
    if win_base == "valid_ballots":
        base = inp.ballots_returned - inp.ballots_invalid
    elif win_base == "present":
        base = inp.present or 0
    else:
        base = inp.ballots_returned
    return Threshold(base, _BASE_LABELS.get(win_base, "投票人数"), _share(rules["win_over"]), inclusive=False)


# --------------------------------------------------------------------------------------------
# Positions
# --------------------------------------------------------------------------------------------


def _after_shortfall(inp: RoundInput) -> str:
    """What unfilled seats (not a tie) lead to: a run-off after a first round, a vacancy after a run-off."""
    return "runoff" if _threshold_round(inp) == "first" else "none"


def _position(inp: RoundInput, position: str, seats: int, counts: list[Count], bar: Threshold) -> tuple[
        PositionResult, str]:
    ranked = sorted(counts, key=lambda c: (-c.votes, c.candidate, c.write_in))
    qualifiers = [c for c in ranked if bar.met(c.votes)]
    tied: list[Count] = []
    if len(qualifiers) > seats and qualifiers[seats].votes == qualifiers[seats - 1].votes:
        cut = qualifiers[seats - 1].votes
        winners = [c for c in qualifiers if c.votes > cut]
        tied = [c for c in qualifiers if c.votes == cut]
    else:
        winners = qualifiers[:seats]
    open_seats = seats - len(winners)
    share = share_text(bar.share)
    won, level, ahead = {id(c) for c in winners}, {id(c) for c in tied}, {id(c) for c in qualifiers}
    lines: list[str] = []
    for count in ranked:
        head = f"{_name(count)} 得 {count.votes} 票，"
        if id(count) in won:
            if bar.inclusive:
                lines.append(f"{head}不少于{bar.base_label} {bar.base} 的{share}（{bar.needed} 票），得票居前，当选。")
            else:
                lines.append(f"{head}超过{bar.base_label} {bar.base} 的{share}（{bar.needed} 票），当选。")
        elif id(count) in level:
            if count is tied[0]:
                places = "最后一个名额" if open_seats == 1 else f"最后 {open_seats} 个名额"
                chosen = "" if open_seats == 1 else f"，选出 {open_seats} 名"
                lines.append(f"{_names(tied)} 均得 {count.votes} 票，并列{places}，须就{_cn(len(tied))}人重新投票{chosen}。")
        elif id(count) in ahead:
            verb = "不少于" if bar.inclusive else "超过"
            lines.append(f"{head}虽{verb}{share}，但得票排在应选 {seats} 名之后，未当选。")
        elif bar.inclusive:
            lines.append(f"{head}少于{bar.base_label} {bar.base} 的{share}（须 {bar.needed} 票），未当选。")
        else:
            lines.append(f"{head}未超过{share}（须 {bar.needed} 票），未当选。")
    if tied:
        action = "revote"
    elif open_seats:
        action = _after_shortfall(inp)
    else:
        action = "none"
    result = PositionResult(
        position=position,
        seats=seats,
        elected=tuple(Elected(c.candidate, c.votes) for c in winners),
        unfilled=open_seats,
        tied=tuple(c.candidate for c in tied),
        explanation=tuple(lines),
    )
    return result, action


def _summary(party: bool, inp: RoundInput, result: PositionResult, action: str) -> str:
    label = position_label(result.position)
    head = f"{label}（应选 {result.seats} 名）："
    elected = f"当选 {'、'.join(e.candidate for e in result.elected)}" if result.elected else "无人当选"
    if action == "revote":
        return f"{head}{elected}；{'、'.join(result.tied)} 票数相等，须就并列者重新投票，选出 {result.unfilled} 名。"
    if not result.unfilled:
        return f"{head}{elected}，名额已选足。"
    if action == "runoff":
        how = "就未选足的名额另行选举" if party else "另行选举"
        return f"{head}{elected}，尚缺 {result.unfilled} 名，须{how}。"
    after = "另行选举后" if _threshold_round(inp) == "runoff" else ""
    return f"{head}{elected}，{after}仍缺 {result.unfilled} 名，不再投票，按选举办法记录缺额。"


def _next_lines(party: bool, action: str, pending: dict[str, list[PositionResult]]) -> list[str]:
    def listing(results: list[PositionResult]) -> str:
        return "、".join(f"{r.unfilled} 名{position_label(r.position)}" for r in results)

    lines: list[str] = []
    if action == "repeat":
        return ["下一步：本轮投票无效，不产生当选人，应重新投票。"]
    if pending["revote"]:
        detail = "；".join(f"{position_label(r.position)}在 {'、'.join(r.tied)} 中选出 {r.unfilled} 名"
                          for r in pending["revote"])
        lines.append(f"下一步：就并列者重新投票（{detail}）。")
    if pending["runoff"]:
        how = "就未选足的名额另行选举" if party else "另行选举"
        lines.append(f"{'此外' if lines else '下一步'}：{how} {listing(pending['runoff'])}。")
    if pending["vacancy"]:
        lines.append(f"{'此外' if lines else '下一步'}：不再投票，{listing(pending['vacancy'])}缺额，按选举办法记录。")
    if not lines:
        lines.append("下一步：各职位名额均已选足，无须再投票，可以公布选举结果。")
    return lines


# --------------------------------------------------------------------------------------------
# The round
# --------------------------------------------------------------------------------------------


def calculate(inp: RoundInput, rules: Mapping[str, Any]) -> RoundResult:
    """The outcome of one round under ``rules`` (an election's effective rules). Raises ``RoundInputError``
    when ``input_problems(inp, rules)`` is not empty: check that first and answer 400 with it."""
    problems = input_problems(inp, rules)
    if problems:
        raise RoundInputError(problems)
    party = is_party(rules)
    valid_ballots = inp.ballots_returned - inp.ballots_invalid
    figures = (f"{KIND_LABELS[inp.kind]}：发出选票 {inp.ballots_issued} 张，收回 {inp.ballots_returned} 张，"
               f"其中无效票 {inp.ballots_invalid} 张、有效票 {valid_ballots} 张。")
    valid, reason = _validity(inp, rules)
    by_position: dict[str, list[Count]] = {}
    for count in inp.counts:
        by_position.setdefault(count.position, []).append(count)
    positions = ordered_positions(inp.seats)

    if not valid:
        results = []
        for position in positions:
            ranked = sorted(by_position.get(position, []), key=lambda c: (-c.votes, c.candidate, c.write_in))
            lines = tuple(f"{_name(c)} 得 {c.votes} 票；本轮投票无效，不产生当选人。" for c in ranked)
            results.append(PositionResult(position, inp.seats[position], (), inp.seats[position], (), lines))
        return RoundResult(False, reason, tuple(results), "repeat",
                           (figures, reason, *_next_lines(party, "repeat", {})))

    bar = threshold(inp, rules)
    rule = f"当选须得票{bar.text}" + ("，以得票多的当选。" if bar.inclusive else "；超过的人数多于应选名额时，以得票多的当选。")
    results = []
    summaries = []
    pending: dict[str, list[PositionResult]] = {"revote": [], "runoff": [], "vacancy": []}
    action = "none"
    for position in positions:
        result, position_action = _position(inp, position, inp.seats[position], by_position.get(position, []), bar)
        results.append(result)
        summaries.append(_summary(party, inp, result, position_action))
        if position_action in ("revote", "runoff"):
            pending[position_action].append(result)
        elif result.unfilled:
            pending["vacancy"].append(result)
        if _PRIORITY[position_action] > _PRIORITY[action]:
            action = position_action
    explanation = (figures, reason, rule, *summaries, *_next_lines(party, action, pending))
    return RoundResult(True, reason, tuple(results), action, explanation)
