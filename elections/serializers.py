from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework import serializers

from . import rules, selectors
from .models import (
    Campaign,
    Election,
    Event,
    Jurisdiction,
    Notification,
    PartyRequest,
    Rectification,
    Rulebook,
    RulebookAdoption,
    User,
)


class _InScope:
    """A reference that must name an object inside the caller's jurisdiction (as its selector sees it).

    Unknown and out-of-scope references get the same answer, so a reference never reveals what exists
    elsewhere. Without a request in the context (rendering, schema) the field's own queryset applies.
    """

    def __init__(self, *, selector: str | Callable[..., Any], label_text: str, level: str | None = None,
                 **kwargs: Any) -> None:
        self.selector, self.label_text, self.level = selector, label_text, level
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if request is None:
            return super().get_queryset()
        # a name in this app's selectors, or (for the later apps, which this one cannot import) the selector itself
        select = self.selector if callable(self.selector) else getattr(selectors, self.selector)
        qs = select(user=request.user)
        return qs.filter(level=self.level) if self.level else qs

    def fail(self, key: str, **kwargs: Any) -> None:
        if key == "does_not_exist":
            kwargs = {"label": self.label_text}
        super().fail(key, **kwargs)


class InScopePrimaryKeyField(_InScope, serializers.PrimaryKeyRelatedField):
    default_error_messages = {"does_not_exist": "{label}不存在或不在您的管辖范围内。"}


class InScopeSlugField(_InScope, serializers.SlugRelatedField):
    default_error_messages = {"does_not_exist": "{label}不存在或不在您的管辖范围内。"}


class JurisdictionSerializer(serializers.ModelSerializer):
    level = serializers.ChoiceField(choices=rules.LEVELS)
    parent = InScopePrimaryKeyField(queryset=Jurisdiction.objects.all(), allow_null=True, required=False,
                                    selector="jurisdiction_list", label_text="上级区划")

    class Meta:
        model = Jurisdiction
        fields = ["id", "name", "code", "level", "parent"]


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, min_length=8, style={"input_type": "password"})
    role = serializers.ChoiceField(choices=rules.ROLES)
    department = serializers.ChoiceField(choices=rules.DEPARTMENTS, allow_blank=True, required=False, default="")
    jurisdiction = InScopePrimaryKeyField(queryset=Jurisdiction.objects.all(), selector="jurisdiction_list",
                                          label_text="区划")

    class Meta:
        model = User
        fields = ["id", "username", "password", "full_name", "role", "jurisdiction", "department"]
        # uniqueness is checked by the service, after the permission check, so it leaks nothing
        extra_kwargs = {"username": {"validators": []}}


class RulebookSerializer(serializers.ModelSerializer):
    details = serializers.SerializerMethodField()

    class Meta:
        model = Rulebook
        fields = ["code", "name", "body", "kind", "parameters", "details"]

    def get_details(self, obj: Rulebook) -> list[dict[str, Any]]:
        return [
            {
                "key": spec.key,
                "label": spec.label,
                "group": spec.group,
                "value": obj.parameters.get(spec.key),
                "source": obj.sources.get(spec.key, ""),
            }
            for spec in rules.PARAM_SPECS
        ]


class MilestoneSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    due = serializers.DateField()
    body = serializers.ChoiceField(choices=rules.BODIES, allow_blank=True, required=False, default="")
    done = serializers.BooleanField(required=False, default=False)


class CampaignSerializer(serializers.ModelSerializer):
    jurisdiction = InScopePrimaryKeyField(queryset=Jurisdiction.objects.all(), selector="jurisdiction_list",
                                          label_text="组织单位")
    milestones = MilestoneSerializer(many=True, required=False)

    class Meta:
        model = Campaign
        fields = ["id", "name", "jurisdiction", "milestones"]

    def to_representation(self, instance: Campaign) -> dict[str, Any]:
        return {
            "id": instance.pk,
            "name": instance.name,
            "jurisdiction": instance.jurisdiction_id,
            "milestones": [
                {"name": m.name, "due": m.due.isoformat(), "body": m.body, "done": m.done}
                for m in instance.milestones.all()
            ],
        }


class SeatSerializer(serializers.Serializer):
    position = serializers.ChoiceField(choices=list(rules.POSITION_LABELS.items()))
    count = serializers.IntegerField(min_value=0, max_value=50)


class ElectionSerializer(serializers.ModelSerializer):
    campaign = InScopePrimaryKeyField(queryset=Campaign.objects.all(), selector="campaign_list", label_text="换届工作")
    community = InScopePrimaryKeyField(queryset=Jurisdiction.objects.filter(level="community"),
                                       selector="jurisdiction_list", level="community", label_text="社区")
    body = serializers.ChoiceField(choices=rules.BODIES)
    kind = serializers.ChoiceField(choices=rules.KINDS, default="general")
    rulebook = InScopeSlugField(slug_field="code", queryset=Rulebook.objects.all(), selector="rulebook_list",
                                label_text="选举办法")
    rule_overrides = serializers.JSONField(required=False, default=dict)
    election_day = serializers.DateField(required=False, allow_null=True)
    seats = SeatSerializer(many=True, required=False)
    stage = serializers.CharField(read_only=True)
    seat_plan_approved = serializers.SerializerMethodField()

    class Meta:
        model = Election
        fields = [
            "id", "campaign", "community", "body", "kind", "rulebook", "rule_overrides", "election_day",
            "seats", "stage", "seat_plan_approved",
        ]
        validators: list[Any] = []  # one election per body per campaign and community: checked by the service

    def get_seat_plan_approved(self, obj: Election) -> bool:
        return obj.seat_plan_approved_at is not None

    def to_representation(self, instance: Election) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["seats"] = [{"position": s.position, "count": s.count} for s in instance.seats.all()]
        return data


class ElectionUpdateSerializer(serializers.Serializer):
    election_day = serializers.DateField(required=False, allow_null=True)
    rule_overrides = serializers.JSONField(required=False)
    rulebook = InScopeSlugField(slug_field="code", queryset=Rulebook.objects.all(), required=False,
                                selector="rulebook_list", label_text="选举办法")
    seats = SeatSerializer(many=True, required=False)


class BlockerSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    source = serializers.CharField()
    fix = serializers.CharField()


class GatesSerializer(serializers.Serializer):
    stage = serializers.CharField()
    next = serializers.CharField(allow_null=True)
    blocked_by = BlockerSerializer(many=True)


class AdvanceSerializer(serializers.Serializer):
    expected_stage = serializers.ChoiceField(choices=rules.STAGES, required=False)


class ReopenSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=rules.STAGES)
    reason = serializers.CharField(max_length=1000)


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = ["seq", "at", "actor", "actor_name", "action", "summary", "object_type", "object_id", "before",
                  "after", "prev_hash", "hash"]


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "message", "due", "overdue", "campaign", "election", "created_at", "read_at"]


# --------------------------------------------------------------------------------------------
# Preparation: rulebook adoption, party request and reply, rectification
# --------------------------------------------------------------------------------------------

_COUNT = {"min_value": 0, "max_value": 10_000_000}


class ReasonSerializer(serializers.Serializer):
    """Why a record is removed or a member leaves; the service refuses a blank one (400 on ``reason``)."""

    reason = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


class RulebookAdoptionSerializer(serializers.Serializer):
    """The meeting that adopted the rulebook. ``quorate``/``adopted`` are judged by the election's current rules."""

    meeting = serializers.ChoiceField(choices=rules.ADOPTION_MEETINGS)
    held_on = serializers.DateField()
    expected = serializers.IntegerField(**_COUNT)
    present = serializers.IntegerField(**_COUNT)
    votes_for = serializers.IntegerField(**_COUNT)
    votes_against = serializers.IntegerField(**_COUNT, required=False, default=0)
    abstentions = serializers.IntegerField(**_COUNT, required=False, default=0)
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    quorate = serializers.BooleanField(read_only=True)
    adopted = serializers.BooleanField(read_only=True)
    rulebook_code = serializers.CharField(read_only=True)

    def to_representation(self, instance: RulebookAdoption) -> dict[str, Any]:
        effective = self.context["rules"]  # the election's effective rules, as the gate judges them
        quorate = rules.adoption_quorate(instance.expected, instance.present, effective)
        return {
            "meeting": instance.meeting,
            "held_on": instance.held_on.isoformat(),
            "expected": instance.expected,
            "present": instance.present,
            "votes_for": instance.votes_for,
            "votes_against": instance.votes_against,
            "abstentions": instance.abstentions,
            "published_on": instance.published_on.isoformat() if instance.published_on else None,
            "quorate": quorate,
            "adopted": quorate and rules.adoption_passed(instance.present, instance.votes_for, effective),
            "rulebook_code": instance.rulebook_code,
        }


class PartyRequestSerializer(serializers.ModelSerializer):
    meeting_kind = serializers.ChoiceField(choices=rules.PARTY_MEETING_KINDS)
    # content is judged by the service (its Chinese messages name the field)
    recommendation_method = serializers.CharField(allow_blank=True, required=False, default="", max_length=5000)
    note = serializers.CharField(allow_blank=True, required=False, default="", max_length=5000)
    submitted_on = serializers.DateField(required=False, allow_null=True, default=None,
                                         help_text="默认今天")

    class Meta:
        model = PartyRequest
        fields = ["id", "election", "meeting_kind", "recommendation_method", "note", "submitted_on", "status",
                  "decided_on", "reply"]
        read_only_fields = ["election", "status", "decided_on", "reply"]
        validators: list[Any] = []  # one open request per election: checked by the service (409)


class PartyRequestDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "批复同意"), ("return", "退回")])
    reply = serializers.CharField(allow_blank=True, required=False, default="", max_length=5000,
                                  help_text="退回时必填")
    decided_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="默认今天")


class RectificationSerializer(serializers.ModelSerializer):
    campaign = InScopePrimaryKeyField(queryset=Campaign.objects.all(), selector="campaign_list",
                                      label_text="换届工作")
    community = InScopePrimaryKeyField(queryset=Jurisdiction.objects.filter(level="community"),
                                       selector="jurisdiction_list", level="community", label_text="社区")
    category = serializers.ChoiceField(choices=rules.RECTIFICATION_CATEGORIES)
    problems = serializers.CharField(allow_blank=True, max_length=5000)
    plan = serializers.CharField(allow_blank=True, max_length=5000)
    responsible = serializers.CharField(allow_blank=True, required=False, default="", max_length=100)
    flagged_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="默认今天")
    community_name = serializers.CharField(source="community.name", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Rectification
        fields = ["id", "campaign", "community", "community_name", "category", "problems", "plan", "responsible",
                  "flagged_on", "completed_on", "completion_note", "status"]
        read_only_fields = ["completed_on", "completion_note"]

    def get_status(self, obj: Rectification) -> str:
        """open | done"""
        return "open" if obj.is_open else "done"


class RectificationCompleteSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, required=False, default="", max_length=5000)
    completed_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="默认今天")


class HandoverItemSerializer(serializers.Serializer):
    """One handover item; ``complete``/``missing``/``late`` are judged against the election's deadline."""

    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=rules.HANDOVER_KINDS)
    description = serializers.CharField(max_length=300, allow_blank=True)
    handed_by = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    received_by = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    witness = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    done_on = serializers.DateField(allow_null=True, required=False, default=None)
    version = serializers.IntegerField(required=False, min_value=1,
                                       help_text="读取时得到的版本号；PATCH 时给出则须与当前版本一致，否则 409")
    complete = serializers.SerializerMethodField()
    missing = serializers.SerializerMethodField()
    late = serializers.SerializerMethodField()

    def get_complete(self, obj: Any) -> bool:
        return rules.item_complete(rules.item_facts(obj))

    def get_missing(self, obj: Any) -> list[str]:
        return rules.item_missing(rules.item_facts(obj))

    def get_late(self, obj: Any) -> bool:
        return not rules.done_in_time(obj.done_on, self.context.get("deadline"))


class HandoverSerializer(serializers.Serializer):
    """The election's handover: the date the new committee took office, and what follows from it."""

    took_office_on = serializers.DateField(allow_null=True)
    deadline = serializers.DateField(read_only=True, allow_null=True)
    handover_days = serializers.IntegerField(read_only=True)
    delay_note = serializers.CharField(read_only=True)


class NoticeSerializer(serializers.Serializer):
    """A generated document: ``url`` serves its PDF (``GET /api/v1/notices/{id}/file/``)."""

    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True)
    label = serializers.CharField(source="get_kind_display", read_only=True)
    version = serializers.IntegerField(read_only=True)
    created = serializers.DateTimeField(source="created_at", read_only=True)
    created_by = serializers.CharField(source="created_by.display_name", read_only=True)
    sha256 = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    pages = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, obj: Any) -> str:
        from django.urls import reverse

        path = reverse("notice-file", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class NoticeRequestSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=32)
