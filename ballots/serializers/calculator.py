from __future__ import annotations

from typing import Any

from rest_framework import serializers

from elections import rules as election_rules

from ..calculator import NEXT_ACTIONS, REVOTE_OF, ROUNDS

_COUNT = {"min_value": 0, "error_messages": {"min_value": "不得为负数。", "invalid": "须为整数。"}}


# --------------------------------------------------------------------------------------------
# Results calculator (计票试算)
# --------------------------------------------------------------------------------------------


class SeatItemSerializer(serializers.Serializer):
    position = serializers.CharField(max_length=32, help_text="职位代码（chair, vice_chair, member, secretary, "
                                                              "deputy_secretary），须为该选举办法的选举对象的职位")
    count = serializers.IntegerField(help_text="本轮应选名额", **_COUNT)


class VoteItemSerializer(serializers.Serializer):
    candidate = serializers.CharField(max_length=100, help_text="候选人姓名（按所给字符串区分）")
    position = serializers.CharField(max_length=32)
    count = serializers.IntegerField(help_text="得票数", **_COUNT)


class WriteInItemSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="另选他人的姓名；与候选人一样计算")
    position = serializers.CharField(max_length=32)
    count = serializers.IntegerField(help_text="得票数", **_COUNT)


class CalculationSerializer(serializers.Serializer):
    rulebook = serializers.ChoiceField(
        choices=[(code, preset["name"]) for code, preset in election_rules.PRESETS.items()],
        error_messages={"invalid_choice": "未知的选举办法“{input}”。"},
        help_text="预设选举办法的代码",
    )
    rule_overrides = serializers.DictField(child=serializers.JSONField(), required=False, default=dict,
                                           help_text="对预设规则参数的调整（参数: 值），与选举的规则调整相同")
    round = serializers.ChoiceField(choices=ROUNDS, error_messages={"invalid_choice": "未知的投票轮次“{input}”。"})
    revote_of = serializers.ChoiceField(choices=REVOTE_OF, required=False, default="first",
                                        help_text="round 为 revote 时：所要打破的平票出自哪一轮（决定当选票数标准）")
    registered = serializers.IntegerField(help_text="居民委员会：登记选民数；党组织：应到党员数", **_COUNT)
    present = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text="党组织：实到党员数（有选举权的）；居民委员会可为 null", **_COUNT)
    seats = SeatItemSerializer(many=True, allow_empty=False)
    ballots_issued = serializers.IntegerField(help_text="发出选票数", **_COUNT)
    ballots_returned = serializers.IntegerField(help_text="收回选票数", **_COUNT)
    ballots_invalid = serializers.IntegerField(help_text="无效票数", **_COUNT)
    votes = VoteItemSerializer(many=True)
    write_ins = WriteInItemSerializer(many=True, required=False, default=list)

    def arguments(self) -> dict[str, Any]:
        """The validated body as the keyword arguments of ``ballots.calculator.calculate``."""
        v = self.validated_data
        return {
            "rulebook": v["rulebook"],
            "rule_overrides": v["rule_overrides"],
            "kind": v["round"],
            "revote_of": v["revote_of"],
            "registered": v["registered"],
            "present": v["present"],
            "seats": [(s["position"], s["count"]) for s in v["seats"]],
            "ballots_issued": v["ballots_issued"],
            "ballots_returned": v["ballots_returned"],
            "ballots_invalid": v["ballots_invalid"],
            "votes": [(c["candidate"], c["position"], c["count"]) for c in v["votes"]],
            "write_ins": [(w["name"], w["position"], w["count"]) for w in v["write_ins"]],
        }


class ElectedSerializer(serializers.Serializer):
    candidate = serializers.CharField()
    votes = serializers.IntegerField()


class PositionOutcomeSerializer(serializers.Serializer):
    position = serializers.CharField()
    seats = serializers.IntegerField()
    elected = ElectedSerializer(many=True)
    unfilled = serializers.IntegerField(help_text="未选足的名额")
    tied = serializers.ListField(child=serializers.CharField(), help_text="末位得票相等、须重新投票的候选人")


class CalculationResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField(help_text="本次选举（投票）是否有效")
    reason = serializers.CharField(help_text="有效或无效的理由")
    positions = PositionOutcomeSerializer(many=True)
    next_action = serializers.ChoiceField(choices=NEXT_ACTIONS)
    explanation = serializers.ListField(child=serializers.CharField(),
                                        help_text="计算说明：先是整轮的，再是各职位每位候选人的")


def flatten_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """A serializer's nested errors as ``{"votes.1.count": [...]}`` (list items numbered from 0)."""
    out: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = prefix if key == "non_field_errors" and prefix else f"{prefix}.{key}" if prefix else str(key)
            for sub, messages in flatten_errors(value, name).items():
                out.setdefault(sub, []).extend(messages)
    elif isinstance(errors, list) and any(isinstance(e, dict | list) for e in errors):
        for index, value in enumerate(errors):
            for sub, messages in flatten_errors(value, f"{prefix}.{index}").items():
                out.setdefault(sub, []).extend(messages)
    elif isinstance(errors, list):
        out[prefix or "non_field_errors"] = [str(e) for e in errors]
    else:
        out[prefix or "non_field_errors"] = [str(errors)]
    return out
