"""Serializers of the voter roll API: voters (ID numbers write-only, read masked), the roll's settings and
summary, its publication, objections and their decisions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import CATEGORIES, REGISTRATION_MODES, ROLL_OBJECTION_KINDS, RollObjection, Voter

_CATEGORY_HELP = "户籍类别：resident 户籍在本社区并居住；registered_absent 户在人不在；non_registered 非本社区户籍、居住一年以上"


class VoterSerializer(serializers.ModelSerializer):
    """A registered voter. ``id_number`` is masked (1101**********002X); ``status`` active | removed."""

    id_number = serializers.CharField(source="masked_id", read_only=True, help_text="身份证号码（脱敏）")
    status = serializers.CharField(read_only=True, help_text="active 已登记；removed 已除名（记录保留）")
    source = serializers.CharField(read_only=True, help_text="import 导入；manual 手工登记；objection 异议处理")
    category = serializers.CharField(read_only=True, help_text=_CATEGORY_HELP)

    class Meta:
        model = Voter
        fields = ["id", "election", "name", "id_number", "sex", "birth_date", "group", "category", "status", "source",
                  "added_reason", "created_at", "removed_reason", "removed_at"]
        read_only_fields = fields


class VoterCreateSerializer(serializers.Serializer):
    """Register a voter: ``person`` (a person in the caller's jurisdiction: name and ID number are taken from
    them) or ``name`` + ``id_number``; ``group`` always; ``reason`` (登记说明) required."""

    person = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="人员 id（可选）")
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="", write_only=True,
                                      help_text="18 位身份证号码（只写，读取时脱敏）")
    group = serializers.CharField(max_length=100, allow_blank=True)
    category = serializers.ChoiceField(choices=CATEGORIES, required=False, allow_blank=True, default="",
                                       help_text=_CATEGORY_HELP + "；默认 resident")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                   help_text="登记说明（如：补登、新迁入），必填")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("person") is None and not (attrs.get("name") or attrs.get("id_number")):
            raise serializers.ValidationError({"person": ["请给出 person，或 name 和 id_number。"]})
        return attrs


class VoterUpdateSerializer(serializers.Serializer):
    group = serializers.CharField(max_length=100, required=False)
    category = serializers.ChoiceField(choices=CATEGORIES, required=False, help_text=_CATEGORY_HELP)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                   help_text="更正原因，必填")


class GroupCountSerializer(serializers.Serializer):
    group = serializers.CharField()
    count = serializers.IntegerField()


class CategoryCountSerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class VoterRollSerializer(serializers.Serializer):
    """The roll's settings and summary: counts, the voluntary floor, the publication deadline (election day −
    ``voter_list_lead_days``), the objection window and open objections."""

    mode = serializers.CharField(help_text="all 全面登记；voluntary 自愿登记")
    residents_total = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField()
    active = serializers.IntegerField(help_text="已登记选民数")
    removed = serializers.IntegerField(help_text="已除名人数")
    by_group = GroupCountSerializer(many=True)
    by_category = CategoryCountSerializer(many=True)
    floor = serializers.CharField(help_text="自愿登记下限（居民总数的比例），如 2/5")
    floor_percent = serializers.CharField(help_text="如 40%")
    floor_minimum = serializers.IntegerField(allow_null=True, help_text="至少应登记的人数（自愿登记且有居民总数时）")
    floor_met = serializers.BooleanField(allow_null=True, help_text="自愿登记时是否达到下限；全面登记为 null")
    election_day = serializers.DateField(allow_null=True)
    lead_days = serializers.IntegerField()
    publish_deadline = serializers.DateField(allow_null=True, help_text="最晚公布日期（选举日前 lead_days 日）")
    published_on = serializers.DateField(allow_null=True)
    published_in_time = serializers.BooleanField(allow_null=True)
    objection_days = serializers.IntegerField()
    objection_last_day = serializers.DateField(allow_null=True, help_text="提出异议的最后一天（含）")
    decision_days = serializers.IntegerField()
    open_objections = serializers.IntegerField()
    overdue_objections = serializers.IntegerField()

    @staticmethod
    def from_summary(summary: Any) -> dict[str, Any]:
        return {
            "mode": summary.mode, "residents_total": summary.residents_total,
            "version": summary.roll.version if summary.roll else 1,
            "active": summary.active, "removed": summary.counts.removed,
            "by_group": [{"group": g, "count": n} for g, n in summary.counts.by_group],
            "by_category": [{"category": c, "label": label, "count": n} for c, label, n in summary.counts.by_category],
            "floor": f"{summary.floor.numerator}/{summary.floor.denominator}", "floor_percent": summary.floor_text,
            "floor_minimum": summary.floor_minimum if summary.voluntary else None, "floor_met": summary.floor_met,
            "election_day": summary.election_day, "lead_days": summary.lead_days,
            "publish_deadline": summary.publish_deadline, "published_on": summary.published_on,
            "published_in_time": summary.published_in_time, "objection_days": summary.objection_days,
            "objection_last_day": summary.objection_last_day, "decision_days": summary.decision_days,
            "open_objections": summary.open_objections, "overdue_objections": summary.overdue_objections,
        }


class VoterRollUpdateSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=REGISTRATION_MODES, required=False)
    residents_total = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    version = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text="读取时的 version；已变：409（也可用 If-Match）")


class VoterListPublishSerializer(serializers.Serializer):
    published_on = serializers.DateField(allow_null=True, help_text="张榜公布日期：不晚于今天、早于选举日")


class RollObjectionSerializer(serializers.ModelSerializer):
    """An objection to the published voter list. ``voter``: the voter it concerns (错登、重登), none for 漏登;
    ``due``: the last day to decide it; ``overdue``: decided after it, or still open past it."""

    raised_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="默认今天")
    raised_by = serializers.CharField(max_length=100, allow_blank=True)
    contact = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=ROLL_OBJECTION_KINDS,
                                   help_text="omitted 漏登；wrong 错登；duplicate 重登；details 信息有误；other 其他")
    subject_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                         help_text="涉及人员；给出 voter 时默认其姓名")
    voter = serializers.IntegerField(source="voter_id", required=False, allow_null=True, default=None)
    content = serializers.CharField(max_length=10000, allow_blank=True)
    due = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    decision = serializers.CharField(read_only=True, help_text="空：待处理；upheld 异议成立；dismissed 异议不成立")

    class Meta:
        model = RollObjection
        fields = ["id", "election", "raised_on", "raised_by", "contact", "kind", "subject_name", "voter", "content",
                  "due", "overdue", "decision", "decision_text", "decided_on", "version"]
        read_only_fields = ["election", "decision", "decision_text", "decided_on", "version"]

    def _row(self, obj: RollObjection) -> Any:
        rows = self.context.get("rows") or {}
        return rows.get(obj.pk)

    @extend_schema_field(serializers.DateField())
    def get_due(self, obj: RollObjection) -> Any:
        row = self._row(obj)
        return row.due.isoformat() if row else None

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, obj: RollObjection) -> bool | None:
        row = self._row(obj)
        return row.overdue if row else None


class RollObjectionDecideSerializer(serializers.Serializer):
    """An upheld 漏登 needs ``name``, ``id_number``, ``group`` (and ``category``) of the person to register; an
    upheld 错登/重登 needs ``voter`` unless the objection named one."""

    decision = serializers.ChoiceField(choices=[("upheld", "异议成立"), ("dismissed", "异议不成立")])
    decision_text = serializers.CharField(max_length=10000, allow_blank=True, help_text="处理意见，必填")
    decided_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="默认今天")
    version = serializers.IntegerField(required=False, allow_null=True, default=None,
                                       help_text="读取时的 version；已变：409（也可用 If-Match）")
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="", write_only=True)
    group = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=CATEGORIES, required=False, allow_blank=True, default="")
    voter = serializers.IntegerField(required=False, allow_null=True, default=None)
