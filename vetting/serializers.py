"""Serializers of the vetting API: reviews and the street's decisions, the queue and the overview, grounds
and departments, publicity, objections and reports."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from candidates import rules as candidate_rules
from candidates.serializers import NominationSerializer, nomination_field

from . import rules, selectors
from .models import Ground, Objection, Publicity, Report, Review
from .selectors import NominationRow

_LEVELS = list(candidate_rules.REVIEW_LEVELS)


# --------------------------------------------------------------------------------------------
# Reviews
# --------------------------------------------------------------------------------------------


def _texts(review: Review, grounds: dict[str, rules.GroundInfo]) -> list[str]:
    if review.cited:  # as they read when the review was made
        return [g["text"] for g in review.cited]
    return [grounds[code].text if code in grounds else code for code in review.grounds]


class ReviewSerializer(serializers.Serializer):
    """One level's (at the district: one department's) decision; ``ground_texts`` spell out the cited
    grounds (审查情况逐级反馈). ``street_decision`` is the street's answer to a 不宜 rejection."""

    id = serializers.IntegerField()
    nomination = serializers.IntegerField()
    level = serializers.ChoiceField(choices=_LEVELS)
    department = serializers.CharField(help_text="区级联审的部门代码；社区、街道为空")
    label = serializers.CharField(help_text="如“区级联审（公安局）”")
    decision = serializers.ChoiceField(choices=rules.DECISIONS)
    grounds = serializers.ListField(child=serializers.CharField())
    ground_texts = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()
    reviewer = serializers.IntegerField()
    reviewer_name = serializers.CharField()
    created = serializers.DateTimeField()
    street_decision = serializers.CharField(help_text="overrule | uphold；空：无")
    street_reason = serializers.CharField()
    street_decided_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, review: Review) -> dict[str, Any]:
        grounds = self.context.get("grounds") or {}
        created = serializers.DateTimeField().to_representation(review.created_at)
        decided = (serializers.DateTimeField().to_representation(review.street_decided_at)
                   if review.street_decided_at else None)
        return {
            "id": review.pk, "nomination": review.nomination_id, "level": review.level,
            "department": review.department, "label": rules.review_label(review.level, review.department),
            "decision": review.decision, "grounds": list(review.grounds), "ground_texts": _texts(review, grounds),
            "note": review.note, "reviewer": review.reviewer_id,
            "reviewer_name": review.reviewer.full_name or review.reviewer.username, "created": created,
            "street_decision": review.street_decision, "street_reason": review.street_reason,
            "street_decided_at": decided,
        }


class ReviewInputSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=_LEVELS)
    decision = serializers.ChoiceField(choices=rules.DECISIONS)
    grounds = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list,
                                    max_length=50, help_text="不通过时引用的情形代码（GET /api/v1/vetting/grounds/）")
    note = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    version = serializers.IntegerField(required=False, min_value=1, help_text="也可用 If-Match 请求头")
    department = serializers.ChoiceField(choices=rules.DEPARTMENTS, required=False, allow_blank=True,
                                         help_text="区级联审：可省略，即本人账号的部门；与账号部门不符：403")


class ReviewResultSerializer(serializers.Serializer):
    review = ReviewSerializer()
    nomination = NominationSerializer(help_text="提名的新状态、层级和版本")


class StreetDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=rules.STREET_DECISIONS)
    reason = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="",
                                   help_text="必填：街道作出决定的理由")
    version = serializers.IntegerField(required=False, min_value=1, help_text="也可用 If-Match 请求头")


class BatchPassSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=_LEVELS)
    nominations = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=500)


class BatchPassedSerializer(serializers.Serializer):
    nomination = serializers.IntegerField()
    person_name = serializers.CharField()
    review = ReviewSerializer()


class BatchSkippedSerializer(serializers.Serializer):
    nomination = serializers.IntegerField()
    person_name = serializers.CharField(help_text="不存在或不在管辖范围内的 id：空")
    reason = serializers.CharField()


class BatchResultSerializer(serializers.Serializer):
    passed = BatchPassedSerializer(many=True)
    skipped = BatchSkippedSerializer(many=True)


# --------------------------------------------------------------------------------------------
# The queue and the overview
# --------------------------------------------------------------------------------------------


class VettingRowSerializer(serializers.Serializer):
    """A nomination with where it stands in vetting, the nominee's facts and flags (targets it misses and
    things to check — not bars), how long it has waited, its reviews so far."""

    id = serializers.IntegerField(help_text="提名 id")
    election = serializers.IntegerField()
    body = serializers.CharField()
    community = serializers.IntegerField()
    community_name = serializers.CharField()
    person = serializers.IntegerField()
    person_name = serializers.CharField()
    position = serializers.CharField()
    channel = serializers.CharField()
    status = serializers.CharField()
    level = serializers.CharField()
    where = serializers.CharField(help_text="如“待公安局、法院联审”")
    outcome = serializers.CharField()
    version = serializers.IntegerField()
    age = serializers.IntegerField(allow_null=True, help_text="选举日（未定时为今天）的周岁")
    sex = serializers.CharField()
    education = serializers.CharField()
    party_member = serializers.BooleanField()
    incumbent = serializers.BooleanField()
    flags = serializers.ListField(child=serializers.CharField())
    flag_labels = serializers.ListField(child=serializers.CharField())
    waiting_days = serializers.IntegerField()
    departments_required = serializers.ListField(child=serializers.CharField())
    departments_passed = serializers.ListField(child=serializers.CharField())
    departments_pending = serializers.ListField(child=serializers.CharField())
    held_review = serializers.IntegerField(allow_null=True, help_text="待街道决定的不通过意见 id")
    reviews = ReviewSerializer(many=True)

    def to_representation(self, row: NominationRow) -> dict[str, Any]:
        n, facts = row.nomination, row.facts
        held = row.held_review
        context = {"grounds": row.grounds}
        return {
            "id": n.pk, "election": n.election_id, "body": n.election.body, "community": n.election.community_id,
            "community_name": n.election.community.name, "person": n.person_id, "person_name": n.person.name,
            "position": n.position, "channel": n.channel, "status": n.status, "level": n.level, "where": row.where,
            "outcome": n.outcome, "version": n.version,
            "age": getattr(facts, "age", None), "sex": getattr(facts, "sex", n.person.sex),
            "education": getattr(facts, "education", n.person.education),
            "party_member": getattr(facts, "party_member", n.person.party_member),
            "incumbent": bool(getattr(facts, "incumbent", False)),
            "flags": list(row.flags), "flag_labels": [str(label) for label in row.flag_labels],
            "waiting_days": row.waiting_days, "departments_required": list(row.departments_required),
            "departments_passed": row.departments_passed, "departments_pending": row.departments_pending,
            "held_review": held.pk if held is not None else None,
            "reviews": [ReviewSerializer(r, context=context).data for r in row.reviews],
        }


# --------------------------------------------------------------------------------------------
# Configuration: grounds and departments
# --------------------------------------------------------------------------------------------


class GroundSerializer(serializers.ModelSerializer):
    department_name = serializers.SerializerMethodField()
    citable = serializers.SerializerMethodField(help_text="调用者在其审查层级（区级联审：其部门）可以引用")

    class Meta:
        model = Ground
        fields = ["code", "kind", "text", "department", "department_name", "source", "order", "active", "citable"]

    def get_department_name(self, ground: Ground) -> str:
        return rules.department_label(ground.department)

    def get_citable(self, ground: Ground) -> bool:
        level, department = self.context.get("level"), self.context.get("department", "")
        info = rules.GroundInfo(ground.code, ground.kind, ground.department, ground.text, ground.active)
        return rules.may_cite(info, level, department) if level else ground.active


class DepartmentSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=rules.DEPARTMENTS)
    name = serializers.CharField()
    active = serializers.BooleanField(help_text="参加本区的区级联审")


class DepartmentsSetSerializer(serializers.Serializer):
    codes = serializers.ListField(child=serializers.CharField(max_length=32), max_length=20,
                                  help_text="参加联审的部门代码（区管理员）")


# --------------------------------------------------------------------------------------------
# Publicity, objections, reports
# --------------------------------------------------------------------------------------------


class PublicitySerializer(serializers.ModelSerializer):
    """The publicity (公示); ``days`` counted inclusively, ``over`` from the day after ``ends_on``."""

    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    place = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    days = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField()
    over = serializers.SerializerMethodField()

    class Meta:
        model = Publicity
        fields = ["starts_on", "ends_on", "place", "days", "days_left", "over"]

    def get_days(self, obj: Publicity) -> int:
        return rules.publicity_days(obj.starts_on, obj.ends_on)

    def get_days_left(self, obj: Publicity) -> int:
        return rules.publicity_days_left(obj.ends_on, timezone.localdate())

    def get_over(self, obj: Publicity) -> bool:
        return rules.publicity_over(obj.ends_on, timezone.localdate())


class ObjectionSerializer(serializers.ModelSerializer):
    """An objection raised during publicity; ``nomination`` (optional) is the nominee it concerns."""

    nomination = nomination_field(label_text="涉及人选", required=False, allow_null=True, default=None)
    person_name = serializers.SerializerMethodField()
    objector = serializers.CharField(max_length=100, allow_blank=True, help_text="反映人；匿名请填“匿名”")
    contact = serializers.CharField(max_length=50, allow_blank=True, required=False, default="")
    content = serializers.CharField(max_length=10000, allow_blank=True)
    received_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="默认今天")

    class Meta:
        model = Objection
        fields = ["id", "election", "nomination", "person_name", "objector", "contact", "content", "received_on",
                  "status", "finding", "resolved_on"]
        read_only_fields = ["election", "status", "finding", "resolved_on"]

    def get_person_name(self, obj: Objection) -> str | None:
        return obj.nomination.person.name if obj.nomination_id else None


class ObjectionResolveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[c for c in rules.OBJECTION_STATUSES if c[0] != "open"],
                                     help_text="upheld：属实，涉及的提名取消资格；dismissed：不属实")
    finding = serializers.CharField(max_length=10000, allow_blank=True, required=False, default="")
    resolved_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="默认今天")


class ReportSerializer(serializers.ModelSerializer):
    """A report (举报). The reporter and their contact are shown only to whoever registered the report and
    to those who handle reports (organisers, the discipline department); ``named`` says whether it is 实名."""

    nomination = nomination_field(label_text="涉及人选", required=False, allow_null=True, default=None)
    person_name = serializers.SerializerMethodField()
    reporter = serializers.CharField(max_length=100, allow_blank=True, required=False, default="",
                                     help_text="匿名举报留空")
    contact = serializers.CharField(max_length=50, allow_blank=True, required=False, default="")
    channel = serializers.ChoiceField(choices=rules.REPORT_CHANNELS, default="phone")
    content = serializers.CharField(max_length=10000, allow_blank=True)
    categories = serializers.ListField(child=serializers.CharField(max_length=32), required=False, default=list,
                                       help_text="必查情形：named|specific|vote_buying|widely_reported")
    received_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="默认今天")
    due_on = serializers.DateField(required=False, allow_null=True, default=None,
                                   help_text="默认受理日期后 report_deadline_days 天")
    named = serializers.SerializerMethodField()
    must_investigate = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "election", "nomination", "person_name", "reporter", "contact", "named", "channel",
                  "content", "categories", "must_investigate", "received_on", "due_on", "overdue", "status",
                  "finding", "rejects_nominee", "closed_on"]
        read_only_fields = ["election", "status", "finding", "rejects_nominee", "closed_on"]

    def get_person_name(self, obj: Report) -> str | None:
        return obj.nomination.person.name if obj.nomination_id else None

    def get_named(self, obj: Report) -> bool:
        return bool(obj.reporter.strip())

    def get_must_investigate(self, obj: Report) -> bool:
        return rules.must_investigate(list(obj.categories))

    def get_overdue(self, obj: Report) -> bool:
        return rules.report_overdue(obj.due_on, timezone.localdate(), obj.status)

    def to_representation(self, instance: Report) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not selectors.may_see_reporter(user=getattr(request, "user", None), report=instance):
            data["reporter"], data["contact"] = "", ""
        return data


class ReportCloseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[c for c in rules.REPORT_STATUSES if c[0] != "open"])
    finding = serializers.CharField(max_length=10000, allow_blank=True, required=False, default="")
    rejects_nominee = serializers.BooleanField(required=False, default=False,
                                               help_text="查实或部分属实：取消被举报人的候选资格")
    closed_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="默认今天")
