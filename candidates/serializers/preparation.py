from __future__ import annotations

from typing import Any

from rest_framework import serializers

from elections import rules as election_rules

from .. import rules
from ..models import CommitteeMember
from ..selectors import IncumbentRow
from .people import person_field

# --------------------------------------------------------------------------------------------
# Preparation: incumbents, audits, talks, the residents' election committee
# --------------------------------------------------------------------------------------------


class AuditSerializer(serializers.Serializer):
    """The audit of a person's term; blank text and inconsistent dates are refused by the service, by field."""

    auditor = serializers.CharField(max_length=100, allow_blank=True)
    conclusion = serializers.CharField(max_length=5000, allow_blank=True)
    findings = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    handling = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    audited_on = serializers.DateField(required=False, allow_null=True, default=None)
    published_on = serializers.DateField(required=False, allow_null=True, default=None)


class TalkSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    held_on = serializers.DateField()
    interviewers = serializers.CharField(max_length=200, allow_blank=True)
    note = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class IncumbentSerializer(serializers.Serializer):
    """An incumbent with the state of their audit and talks; renders an ``IncumbentRow``."""

    id = serializers.IntegerField(read_only=True)
    election = serializers.IntegerField(read_only=True)
    person = person_field()
    position = serializers.ChoiceField(choices=list(election_rules.POSITION_LABELS.items()),
                                       help_text="须为该选举对象的职务（居委会：chair/vice_chair/member；党组织：secretary/deputy_secretary/member）")
    note = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    person_name = serializers.CharField(read_only=True)
    audit = AuditSerializer(read_only=True, allow_null=True)
    audit_status = serializers.ChoiceField(choices=["missing", "unpublished", "unhandled", "done"], read_only=True)
    talked = serializers.BooleanField(read_only=True)

    def to_representation(self, row: IncumbentRow) -> dict[str, Any]:
        incumbent = row.incumbent
        return {
            "id": incumbent.pk,
            "election": incumbent.election_id,
            "person": incumbent.person_id,
            "position": incumbent.position,
            "note": incumbent.note,
            "person_name": incumbent.person.name,
            "audit": AuditSerializer(row.audit).data if row.audit is not None else None,
            "audit_status": row.audit_status,
            "talked": row.talked,
        }


class IncumbentUpdateSerializer(serializers.Serializer):
    position = serializers.ChoiceField(choices=list(election_rules.POSITION_LABELS.items()), required=False)
    note = serializers.CharField(max_length=200, allow_blank=True, required=False)


class IncumbentOverviewSerializer(IncumbentSerializer):
    """An incumbent row across the caller's jurisdiction, with where it belongs."""

    body = serializers.CharField(read_only=True)
    community = serializers.IntegerField(read_only=True)
    community_name = serializers.CharField(read_only=True)
    street_name = serializers.CharField(read_only=True)

    def to_representation(self, row: IncumbentRow) -> dict[str, Any]:
        election = row.incumbent.election
        street = election.community.parent
        return {**super().to_representation(row), "body": election.body, "community": election.community_id,
                "community_name": election.community.name, "street_name": street.name if street else ""}


class CommitteeMemberSerializer(serializers.ModelSerializer):
    person = person_field()
    role = serializers.ChoiceField(choices=rules.COMMITTEE_ROLES)
    votes = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False, default=0,
                                     help_text="推选得票")
    person_name = serializers.CharField(source="person.name", read_only=True)
    replaces = serializers.IntegerField(source="replaces_id", read_only=True, allow_null=True,
                                        help_text="递补接替的成员 id")

    class Meta:
        model = CommitteeMember
        fields = ["id", "person", "role", "votes", "person_name", "active", "withdrawn_reason", "replaces"]
        read_only_fields = ["active", "withdrawn_reason"]
        validators: list[Any] = []  # one seat per person, one chair: checked by the service

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.partial and "person" in attrs:  # PATCH changes the role and the votes, not who holds the seat
            raise serializers.ValidationError({"person": ["不能更换人员：请删除（录入错误）或退出后另行登记。"]})
        return attrs


class WithdrawalSerializer(serializers.Serializer):
    member = CommitteeMemberSerializer(read_only=True)
    replacement = CommitteeMemberSerializer(read_only=True, allow_null=True)
    tie_broken_by_order = serializers.BooleanField(read_only=True,
                                                   help_text="递补人选与他人得票相同，按原推选名次确定")
    message = serializers.CharField(read_only=True)


__all__ = ["AuditSerializer", "CommitteeMemberSerializer", "IncumbentOverviewSerializer", "IncumbentSerializer",
           "IncumbentUpdateSerializer", "TalkSerializer", "WithdrawalSerializer"]
