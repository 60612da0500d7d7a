"""Serializers of long jobs (GET /api/v1/jobs/{id}/), the voter-roll upload and the decisions on held rows."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from candidates.rules import mask_id_number

from ..models import HeldRow

HELD_KINDS_TEXT = "in_file 文件内重复（other 为首次出现的行）；registered_here 已在本选举登记；" \
                  "other_community 已在本次换届其他社区登记（other 为该社区及居民小组）"
DECISION_TEXT = "空：待处理；registered：已登记；discarded：不予登记"


class VoterImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=".xlsx 或 .csv；列：姓名、身份证号码、居民小组，可选 户籍类别（第一行或标题行下为表头）")


class JobCreatedSerializer(serializers.Serializer):
    job = serializers.IntegerField(help_text="任务 id：GET /api/v1/jobs/{job}/ 查看进度与结果")


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="表格中的行号（含表头）")
    field = serializers.CharField(help_text="name / id_number / group / category")
    message = serializers.CharField()


class DuplicateSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    kind = serializers.CharField(help_text=HELD_KINDS_TEXT)
    name = serializers.CharField()
    id_number = serializers.CharField(help_text="已遮盖")
    other = serializers.CharField()


class HeldRowSerializer(serializers.ModelSerializer):
    """A row the import held back, with the clerk's decision once taken."""

    kind = serializers.CharField(help_text=HELD_KINDS_TEXT)
    kind_label = serializers.CharField(source="get_kind_display")
    id_number = serializers.SerializerMethodField(help_text="已遮盖")
    decision = serializers.CharField(help_text=DECISION_TEXT)
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = HeldRow
        fields = ["id", "job", "row", "kind", "kind_label", "name", "id_number", "group", "category", "other",
                  "decision", "decision_reason", "decided_by", "decided_at"]
        read_only_fields = fields

    def get_id_number(self, obj: HeldRow) -> str:
        return mask_id_number(obj.id_number)

    def get_decided_by(self, obj: HeldRow) -> str:
        return obj.decided_by.display_name if obj.decided_by_id else ""


class HeldDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("register", "登记为选民"), ("discard", "不予登记")])
    reason = serializers.CharField(max_length=200, allow_blank=True, required=False, default="",
                                   help_text="处理说明（必填）")


class JobSerializer(serializers.Serializer):
    """A long job: where it stands and, once done, its outcome. For a voter import: the rows read, the voters
    registered, every problem found ({row, field, message}), the rows held back and their decisions."""

    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="voter_import, …")
    election = serializers.IntegerField(allow_null=True)
    state = serializers.CharField(help_text="queued 排队中 / running 进行中 / done 已完成 / failed 失败")
    progress = serializers.IntegerField(help_text="百分比")
    stage = serializers.CharField(help_text="正在做什么")
    file = serializers.CharField()
    rows = serializers.IntegerField(allow_null=True, help_text="读到的数据行数")
    imported = serializers.IntegerField(allow_null=True, help_text="登记的选民数")
    errors_count = serializers.IntegerField()
    bad_rows = serializers.IntegerField()
    held_count = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)
    duplicates = DuplicateSerializer(many=True)
    held = HeldRowSerializer(many=True)
    message = serializers.CharField(help_text="失败原因")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


def job_payload(job: Any, held: Any, *, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
    """The data of JobSerializer; ``offset``/``limit`` page the errors, duplicates and held rows alike."""
    result = job.result or {}
    end = None if limit is None else offset + limit
    errors = job.errors or []
    duplicates = result.get("duplicates", [])
    return {
        "id": job.pk, "kind": job.kind, "election": job.election_id, "state": job.state, "progress": job.progress,
        "stage": job.stage, "file": job.source_name, "rows": result.get("rows"), "imported": result.get("imported"),
        "errors_count": len(errors), "bad_rows": result.get("bad_rows", 0), "held_count": result.get("held", 0),
        "errors": errors[offset:end], "duplicates": duplicates[offset:end],
        "held": list(held[offset:end]) if end is not None or offset else list(held),
        "message": job.message, "created_at": job.created_at, "started_at": job.started_at,
        "finished_at": job.finished_at,
    }
