"""Serializers of the stations and proxies API (thin: the rules and the services decide)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..rules import stations as rules


class StationSerializer(serializers.Serializer):
    """A polling place. ``supervisors``: names (blank ones and repeats dropped); ``supervisors_missing``: how many
    a mobile box still lacks (read-only)."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=rules.NAME_MAX)
    kind = serializers.ChoiceField(choices=rules.STATION_KINDS)
    location = serializers.CharField(max_length=rules.LOCATION_MAX, allow_blank=True, required=False, default="")
    supervisors = serializers.ListField(child=serializers.CharField(max_length=rules.SUPERVISOR_NAME_MAX,
                                                                    allow_blank=True),
                                        max_length=rules.SUPERVISORS_MAX, required=False, default=list)
    ballots_planned = serializers.IntegerField(min_value=0, max_value=rules.BALLOTS_MAX, allow_null=True,
                                               required=False, default=None)
    order = serializers.IntegerField(min_value=0, max_value=999, required=False)
    supervisors_missing = serializers.SerializerMethodField()

    def get_supervisors_missing(self, station: Any) -> int:
        return rules.supervisors_short(station.kind, station.supervisors or [], self.context.get("rules") or {})


class ProxySerializer(serializers.Serializer):
    """A written proxy (委托投票): ``voter`` gives, ``holder`` holds; both are voter ids of the election."""

    id = serializers.IntegerField(read_only=True)
    voter = serializers.IntegerField(source="voter_id", min_value=1)
    holder = serializers.IntegerField(source="holder_id", min_value=1)
    written_on = serializers.DateField()
    reason = serializers.CharField(max_length=rules.REASON_MAX, allow_blank=True, required=False, default="")
    status = serializers.ChoiceField(choices=rules.PROXY_STATUSES, read_only=True)
    voter_name = serializers.CharField(source="voter.name", read_only=True)
    holder_name = serializers.CharField(source="holder.name", read_only=True)
    revoked_reason = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class ProxyRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=rules.REASON_MAX, allow_blank=True, required=False, default="")
