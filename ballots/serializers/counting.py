"""Serializers of counting's API: a tally entry in, a tally (the caller's entry, the differences) out; rounds;
the election's results; the announcement, the vacancy and a reopen's reason."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..rules import tally as tally_rules
from ..selectors.counting import stored_figures

_INT = {"error_messages": {"invalid": "须为整数。", "required": "请填写。", "null": "请填写。"}}
STATES = [(code, label) for code, label in tally_rules.TALLY_STATE_LABELS.items()] + [("reopened", "已重新开放，待更正")]
ROUND_KINDS = [("first", "选举"), ("runoff", "另行选举"), ("revote", "重新投票")]
ROUND_STATES = [("open", "计票中"), ("counted", "已计票"), ("void", "无效")]
NEXT_ACTIONS = [("none", "无须再投票"), ("runoff", "另行选举"), ("revote", "就并列者重新投票"),
                ("revote_all", "本轮无效，重新投票")]


# --------------------------------------------------------------------------------------------
# A tally entry
# --------------------------------------------------------------------------------------------


class TallyVoteSerializer(serializers.Serializer):
    candidate = serializers.IntegerField(help_text="正式候选人 id（见 GET /elections/{id}/rounds/ 的 candidates）", **_INT)
    count = serializers.IntegerField(help_text="得票数", **_INT)


class TallyWriteInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, allow_blank=True, help_text="另选他人的姓名（空格不计）")
    position = serializers.CharField(max_length=32, required=False, allow_blank=True, default="",
                                     help_text="职位代码，须为本轮应选的职位；本轮只有一个应选职位时可省略")
    count = serializers.IntegerField(help_text="得票数", **_INT)


class TallyInputSerializer(serializers.Serializer):
    """One user's entry of a station's tally. Value checks (negative numbers, invalid > returned, a position's
    total, write-ins) are the tally rules', answered 400 by field: ``ballots_invalid``, ``present``,
    ``votes.<candidate id>``, ``votes``, ``write_ins``."""

    ballots_issued = serializers.IntegerField(help_text="发出选票", **_INT)
    ballots_returned = serializers.IntegerField(help_text="收回选票（多于发出选票的照实填写：本轮投票无效）", **_INT)
    ballots_invalid = serializers.IntegerField(help_text="无效选票", **_INT)
    present = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text="党组织选举：实到（有选举权的到会）党员数；其他选举不填", **_INT)
    votes = TallyVoteSerializer(many=True, help_text="本轮选票上每位候选人的得票（没有得票填 0）")
    write_ins = TallyWriteInSerializer(many=True, required=False, default=list)
    version = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text="更正自己的录入时：该录入的版本号（也可用 If-Match 头）", **_INT)

    def figures(self) -> tally_rules.Figures:
        v = self.validated_data
        return tally_rules.Figures(
            ballots_issued=v["ballots_issued"], ballots_returned=v["ballots_returned"],
            ballots_invalid=v["ballots_invalid"], present=v["present"],
            votes=tuple((str(x["candidate"]), x["count"]) for x in v["votes"]),
            write_ins=tuple(tally_rules.WriteIn(w["name"], w["position"], w["count"]) for w in v["write_ins"]),
        )


class TallyFiguresSerializer(serializers.Serializer):
    ballots_issued = serializers.IntegerField()
    ballots_returned = serializers.IntegerField()
    ballots_invalid = serializers.IntegerField()
    present = serializers.IntegerField(allow_null=True)
    votes = TallyVoteSerializer(many=True)
    write_ins = TallyWriteInSerializer(many=True)


class TallyEntrySerializer(TallyFiguresSerializer):
    version = serializers.IntegerField(help_text="更正时带上此版本号")
    entered_by = serializers.IntegerField()
    entered_by_name = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class TallyEntrySummarySerializer(serializers.Serializer):
    entered_by = serializers.IntegerField()
    entered_by_name = serializers.CharField()
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class TallyDifferenceSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="ballots_issued、ballots_returned、ballots_invalid、present、"
                                            "votes.<候选人 id>、write_ins.<职位>.<姓名>")
    yours = serializers.JSONField(allow_null=True, help_text="您的录入中的值（您不是录入人时为 null）")
    theirs = serializers.JSONField(allow_null=True, help_text="另一次录入中的值")
    first = serializers.JSONField(allow_null=True, help_text="第一次录入中的值")
    second = serializers.JSONField(allow_null=True, help_text="第二次录入中的值")


class TallySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    station = serializers.IntegerField()
    station_name = serializers.CharField()
    round = serializers.IntegerField()
    round_number = serializers.IntegerField()
    round_state = serializers.ChoiceField(choices=ROUND_STATES)
    state = serializers.ChoiceField(choices=STATES, help_text="open 待录入；entered 已录入一次；differs 不一致；"
                                                               "reconciled 已核对一致；reopened 已重新开放，待更正")
    version = serializers.IntegerField()
    reconciled_at = serializers.DateTimeField(allow_null=True)
    figures = TallyFiguresSerializer(allow_null=True, help_text="核对一致的数据（核对一致后）")
    entries = TallyEntrySummarySerializer(many=True, help_text="谁录入了（两次都录入之前不显示他人的数字）")
    entry = TallyEntrySerializer(allow_null=True, help_text="您的录入")
    differences = TallyDifferenceSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField(), help_text="如：收回选票多于发出选票，本轮投票无效")


def _figures(stored: dict[str, Any]) -> dict[str, Any]:
    return {
        "ballots_issued": stored["ballots_issued"], "ballots_returned": stored["ballots_returned"],
        "ballots_invalid": stored["ballots_invalid"], "present": stored.get("present"),
        "votes": [{"candidate": int(k), "count": v} for k, v in (stored.get("votes") or {}).items()],
        "write_ins": [{"name": w["name"], "position": w["position"], "count": w["count"]}
                      for w in stored.get("write_ins") or []],
    }


def tally_data(view: Any, user: Any, warnings: list[str] | None = None) -> dict[str, Any]:
    """A tally as the caller may see it: their own entry; the other's figures only through the differences,
    once both have entered."""
    tally = view.tally
    mine = view.entry_of(user)
    first_is_mine = bool(view.entries) and view.entries[0].entered_by_id == user.pk
    second_is_mine = len(view.entries) > 1 and view.entries[1].entered_by_id == user.pk
    differences = []
    for d in view.differences:
        yours = d.first if first_is_mine else d.second if second_is_mine else None
        theirs = d.second if first_is_mine else d.first if second_is_mine else None
        differences.append({"field": d.field, "yours": yours, "theirs": theirs, "first": d.first,
                            "second": d.second})
    entry = None
    if mine is not None:
        entry = {**_figures(stored_figures(mine)), "version": mine.version, "entered_by": mine.entered_by_id,
                 "entered_by_name": mine.entered_by.display_name, "created_at": mine.created_at,
                 "updated_at": mine.updated_at}
    if warnings is None:
        warnings = tally_rules.entry_warnings(stored_figures(mine)) if mine is not None else []
    return {
        "id": tally.pk, "station": tally.station_id, "station_name": tally.station.name,
        "round": tally.round_id, "round_number": tally.round.number, "round_state": tally.round.state,
        "state": view.state, "version": tally.version, "reconciled_at": tally.reconciled_at,
        "figures": _figures(tally.figures) if tally.state == "reconciled" and tally.figures else None,
        "entries": [{"entered_by": e.entered_by_id, "entered_by_name": e.entered_by.display_name,
                     "version": e.version, "updated_at": e.updated_at} for e in view.entries],
        "entry": entry,
        "differences": differences,
        "warnings": warnings,
    }


class CountingReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="",
                                   help_text="理由（必填）")


class ResultsAnnounceSerializer(serializers.Serializer):
    announced_on = serializers.DateField(help_text="选举结果公布日期（当场公布）",
                                         error_messages={"required": "请填写公布日期。", "invalid": "日期格式须为 YYYY-MM-DD。",
                                                         "null": "请填写公布日期。"})


# --------------------------------------------------------------------------------------------
# Rounds and results
# --------------------------------------------------------------------------------------------


class RoundPositionSerializer(serializers.Serializer):
    position = serializers.CharField()
    seats = serializers.IntegerField(help_text="本轮应选名额")


class RoundCandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="正式候选人 id：录入计票时 votes 中的 candidate")
    name = serializers.CharField()
    position = serializers.CharField()


class RoundTallySerializer(serializers.Serializer):
    station = serializers.IntegerField()
    name = serializers.CharField()
    state = serializers.ChoiceField(choices=STATES)


class RoundSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="轮次 id：/stations/{id}/rounds/{round}/tally/ 中的 round")
    number = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ROUND_KINDS)
    revote_of = serializers.CharField(help_text="重新投票：所打破的平票出自哪一类轮次（first 或 runoff）")
    state = serializers.ChoiceField(choices=ROUND_STATES)
    registered = serializers.IntegerField(help_text="本轮开始时的登记选民（应到）人数")
    positions = RoundPositionSerializer(many=True)
    candidates = RoundCandidateSerializer(many=True)
    write_ins_allowed = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), allow_null=True,
        help_text="重新投票：每个职位允许计票的另选他人（并列的另选他人）；null：不限")
    tallies = RoundTallySerializer(many=True)
    started_at = serializers.DateTimeField()
    counted_at = serializers.DateTimeField(allow_null=True)


class RoundPersonVotesSerializer(serializers.Serializer):
    candidate = serializers.IntegerField(allow_null=True, help_text="正式候选人 id；另选他人为 null")
    name = serializers.CharField()
    write_in = serializers.BooleanField()
    votes = serializers.IntegerField()


class RoundOutcomePositionSerializer(serializers.Serializer):
    position = serializers.CharField()
    seats = serializers.IntegerField()
    unfilled = serializers.IntegerField()
    elected = RoundPersonVotesSerializer(many=True)
    tied = serializers.ListField(child=serializers.CharField())
    explanation = serializers.ListField(child=serializers.CharField())


class RoundOutcomeSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    reason = serializers.CharField()
    next_action = serializers.ChoiceField(choices=NEXT_ACTIONS)
    positions = RoundOutcomePositionSerializer(many=True)
    explanation = serializers.ListField(child=serializers.CharField())
    void_stations = serializers.ListField(child=serializers.DictField())


class CandidateStationVotesSerializer(serializers.Serializer):
    station = serializers.IntegerField()
    votes = serializers.IntegerField()


class RoundCandidateResultSerializer(serializers.Serializer):
    candidate = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    position = serializers.CharField()
    write_in = serializers.BooleanField()
    votes = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=[("elected", "当选"), ("tied", "得票相等"), ("not_elected", "未当选")])
    stations = CandidateStationVotesSerializer(many=True)


class RoundStationResultSerializer(serializers.Serializer):
    station = serializers.IntegerField()
    name = serializers.CharField()
    state = serializers.ChoiceField(choices=STATES)
    figures = TallyFiguresSerializer(allow_null=True)


class RoundFiguresSerializer(serializers.Serializer):
    registered = serializers.IntegerField()
    present = serializers.IntegerField(allow_null=True)
    ballots_issued = serializers.IntegerField()
    ballots_returned = serializers.IntegerField()
    ballots_invalid = serializers.IntegerField()


class RoundResultsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ROUND_KINDS)
    revote_of = serializers.CharField()
    state = serializers.ChoiceField(choices=ROUND_STATES)
    registered = serializers.IntegerField()
    counted_at = serializers.DateTimeField(allow_null=True)
    figures = RoundFiguresSerializer(allow_null=True, help_text="各投票站合计")
    result = RoundOutcomeSerializer(allow_null=True)
    problems = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                     help_text="各站核对一致、但合计数字不一致时的问题")
    stations = RoundStationResultSerializer(many=True)
    candidates = RoundCandidateResultSerializer(many=True)


class ElectedPersonSerializer(serializers.Serializer):
    candidate = serializers.IntegerField(allow_null=True, help_text="正式候选人 id；另选他人为 null")
    person = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    votes = serializers.IntegerField()
    round = serializers.IntegerField(help_text="当选的轮次（第几轮）")
    write_in = serializers.BooleanField()


class ResultsPositionSerializer(serializers.Serializer):
    position = serializers.CharField()
    seats = serializers.IntegerField()
    elected = ElectedPersonSerializer(many=True)
    unfilled = serializers.IntegerField()
    pending = serializers.CharField(help_text="none、revote、runoff、vacancy（空缺）、repeat、counting（计票中）")


class OpenRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    kind = serializers.CharField()


class ElectionResultsSerializer(serializers.Serializer):
    valid = serializers.BooleanField(help_text="最近一轮已计票的投票是否有效")
    reason = serializers.CharField()
    registered = serializers.IntegerField(allow_null=True)
    voted = serializers.IntegerField(allow_null=True, help_text="投票人数（收回选票）")
    rounds = RoundResultsSerializer(many=True)
    positions = ResultsPositionSerializer(many=True, help_text="各轮累计：第一轮当选加另行选举、重新投票当选")
    next_action = serializers.ChoiceField(choices=NEXT_ACTIONS)
    open_round = OpenRoundSerializer(allow_null=True)
    vacancy_accepted = serializers.BooleanField()
    vacancy_reason = serializers.CharField(allow_blank=True)
    announced_on = serializers.DateField(allow_null=True)
