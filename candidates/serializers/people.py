from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from elections.models import Jurisdiction
from elections.serializers import InScopePrimaryKeyField

from .. import rules, selectors
from ..models import Person


def person_field(**kwargs: Any) -> InScopePrimaryKeyField:
    """A person the caller may see; anyone else is "not found or not in your jurisdiction" (400 on the field)."""
    return InScopePrimaryKeyField(queryset=Person.objects.all(), selector=selectors.person_list, label_text="人员",
                                  **kwargs)


class PersonSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(max_length=30, help_text="写入完整号码；读取时脱敏")
    sex = serializers.CharField(read_only=True)
    birth_date = serializers.DateField(read_only=True)
    age = serializers.SerializerMethodField()
    education = serializers.ChoiceField(choices=rules.EDUCATION, allow_blank=True, required=False, default="")
    community = InScopePrimaryKeyField(queryset=Jurisdiction.objects.filter(level="community"),
                                       selector="jurisdiction_list", level="community", label_text="社区")
    phone = serializers.CharField(max_length=20, allow_blank=True, required=False, default="")

    class Meta:
        model = Person
        fields = ["id", "name", "id_number", "sex", "birth_date", "age", "education", "party_member", "community",
                  "phone"]

    def get_age(self, obj: Person) -> int:
        return rules.age_on(obj.birth_date, timezone.localdate())

    def to_representation(self, instance: Person) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["id_number"] = instance.masked_id
        data["phone"] = instance.masked_phone
        return data


class RelativeSerializer(serializers.Serializer):
    relative = serializers.IntegerField()
    relation = serializers.ChoiceField(choices=rules.RELATIONS)


__all__ = ["PersonSerializer", "RelativeSerializer", "person_field"]
