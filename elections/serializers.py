from __future__ import annotations

from typing import Any

from rest_framework import serializers

from . import rules, selectors
from .models import Campaign, Election, Event, Jurisdiction, Notification, Rulebook, User


class _InScope:
    """A reference that must name an object inside the caller's jurisdiction (as its selector sees it).

    Unknown and out-of-scope references get the same answer, so a reference never reveals what exists
    elsewhere. Without a request in the context (rendering, schema) the field's own queryset applies.
    """

    def __init__(self, *, selector: str, label_text: str, level: str | None = None, **kwargs: Any) -> None:
        self.selector, self.label_text, self.level = selector, label_text, level
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if request is None:
            return super().get_queryset()
        qs = getattr(selectors, self.selector)(user=request.user)
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
