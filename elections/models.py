from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from . import rules
from .notices.kinds import KINDS as NOTICE_KINDS


class Jurisdiction(models.Model):
    """District (区) → street (街道/镇) → community (社区/村). ``path`` is the materialised path."""

    name = models.CharField("名称", max_length=100)
    code = models.CharField("代码", max_length=32, unique=True)
    level = models.CharField("层级", max_length=16, choices=rules.LEVELS)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        super().save(*args, **kwargs)

    def clean(self) -> None:
        expected_parent = {"district": None, "street": "district", "community": "street"}[self.level]
        if expected_parent is None and self.parent_id:
            raise ValidationError({"parent": "区不能有上级。"})
        if expected_parent and (self.parent is None or self.parent.level != expected_parent):
            label = dict(rules.LEVELS)[expected_parent]
            raise ValidationError({"parent": f"{self.get_level_display()}的上级必须是{label}。"})

    def contains(self, other: Jurisdiction | None) -> bool:
        return other is not None and other.path.startswith(self.path)

    @property
    def full_name(self) -> str:
        names = []
        node: Jurisdiction | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))


class HuanjieUserManager(UserManager):
    pass


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=32, choices=rules.ROLES, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="所属区划", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    department = models.CharField("联审部门", max_length=32, choices=rules.DEPARTMENTS, blank=True)

    objects = HuanjieUserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class Rulebook(models.Model):
    """A named set of rule parameters: a preset, or a district's own variant of one."""

    code = models.SlugField("代码", max_length=64, unique=True)
    name = models.CharField("名称", max_length=100)
    body = models.CharField("选举对象", max_length=32, choices=rules.BODIES)
    kind = models.CharField("类型", max_length=16, choices=rules.KINDS, default="general")
    parameters = models.JSONField("参数", default=dict)
    sources = models.JSONField("依据", default=dict)
    is_preset = models.BooleanField("预设", default=False)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="适用区划", null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "选举办法（规则集）"
        verbose_name_plural = "选举办法（规则集）"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    name = models.CharField("名称", max_length=200)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="组织单位", on_delete=models.PROTECT, related_name="campaigns"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "换届工作"
        verbose_name_plural = "换届工作"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField("节点", max_length=200)
    due = models.DateField("完成时限")
    body = models.CharField("适用选举", max_length=32, choices=rules.BODIES, blank=True)
    done = models.BooleanField("已完成", default=False)

    class Meta:
        verbose_name = "工作节点"
        verbose_name_plural = "工作节点"
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.due:%Y-%m-%d}）"


class Election(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name="换届工作", on_delete=models.PROTECT, related_name="elections")
    community = models.ForeignKey(
        Jurisdiction,
        verbose_name="社区",
        on_delete=models.PROTECT,
        related_name="elections",
        limit_choices_to={"level": "community"},
    )
    body = models.CharField("选举对象", max_length=32, choices=rules.BODIES)
    kind = models.CharField("类型", max_length=16, choices=rules.KINDS, default="general")
    rulebook = models.ForeignKey(Rulebook, verbose_name="选举办法", on_delete=models.PROTECT)
    rule_overrides = models.JSONField("规则调整", default=dict, blank=True)
    election_day = models.DateField("选举日", null=True, blank=True)
    stage = models.CharField("阶段", max_length=16, choices=rules.STAGES, default="preparation")
    stage_entered_at = models.DateTimeField("进入本阶段时间", default=timezone.now)
    seat_plan_proposed_at = models.DateTimeField("职数方案提出时间", null=True, blank=True)
    seat_plan_approved_at = models.DateTimeField("职数方案审定时间", null=True, blank=True)
    seat_plan_approved_by = models.ForeignKey(
        User, verbose_name="审定人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "选举"
        verbose_name_plural = "选举"
        ordering = ["community__path", "body", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "community", "body"], name="one_election_per_body_per_campaign_community"
            )
        ]

    def __str__(self) -> str:
        return f"{self.community.name} {self.get_body_display()}{self.get_kind_display()}"

    @property
    def title(self) -> str:
        return str(self)

    def effective_rules(self) -> dict[str, Any]:
        effective, _errors = rules.validate_overrides(self.rulebook.parameters, self.rule_overrides or {})
        return effective

    def rule_errors(self) -> dict[str, list[str]]:
        return rules.validate_overrides(self.rulebook.parameters, self.rule_overrides or {})[1]

    @property
    def stage_label(self) -> str:
        return rules.STAGE_LABELS[self.stage]

    @property
    def next_stage(self) -> str | None:
        return rules.next_stage(self.stage)


class Seat(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="seats")
    position = models.CharField("职位", max_length=32, choices=list(rules.POSITION_LABELS.items()))
    count = models.PositiveSmallIntegerField("职数")

    class Meta:
        verbose_name = "职数"
        verbose_name_plural = "职数"
        constraints = [models.UniqueConstraint(fields=["election", "position"], name="one_seat_row_per_position")]
        ordering = ["election", "id"]

    def __str__(self) -> str:
        return f"{self.get_position_display()} {self.count}"


class RulebookAdoption(models.Model):
    """The residents' (representative) meeting that adopted the election's rulebook, and its publication."""

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="adoption")
    meeting = models.CharField("会议形式", max_length=32, choices=rules.ADOPTION_MEETINGS)
    held_on = models.DateField("会议日期")
    expected = models.PositiveIntegerField("应到人数")
    present = models.PositiveIntegerField("实到人数")
    votes_for = models.PositiveIntegerField("赞成票")
    votes_against = models.PositiveIntegerField("反对票", default=0)
    abstentions = models.PositiveIntegerField("弃权票", default=0)
    published_on = models.DateField("公布日期", null=True, blank=True)
    adopted_rules = models.JSONField("会议通过的规则", default=dict)
    rulebook_code = models.CharField("会议通过的规则集", max_length=64)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "选举办法审议"
        verbose_name_plural = "选举办法审议"
        constraints = [
            models.CheckConstraint(condition=models.Q(present__lte=models.F("expected")),
                                   name="adoption_present_not_over_expected"),
        ]

    def __str__(self) -> str:
        return f"{self.election} 选举办法（{self.held_on:%Y-%m-%d}）"


class PartyRequest(models.Model):
    """The community party organisation's request to convene the members' meeting, and the street's reply."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="party_requests")
    meeting_kind = models.CharField("会议形式", max_length=32, choices=rules.PARTY_MEETING_KINDS)
    recommendation_method = models.TextField("候选人预备人选推荐产生办法")
    note = models.TextField("其他说明", blank=True)
    submitted_on = models.DateField("报送日期")
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=16, choices=rules.PARTY_REQUEST_STATUSES, default="submitted")
    decided_on = models.DateField("批复日期", null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reply = models.TextField("批复意见", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "召开党员大会请示"
        verbose_name_plural = "召开党员大会请示"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["election"], condition=models.Q(status__in=["submitted", "approved"]),
                                    name="one_open_party_request_per_election"),
        ]

    def __str__(self) -> str:
        return f"{self.election} 请示（{self.get_status_display()}）"


class Rectification(models.Model):
    """A difficult community (软弱涣散 / 重点难点) flagged by the street; blocks its elections until done."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rectifications")
    community = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="rectifications")
    category = models.CharField("类别", max_length=32, choices=rules.RECTIFICATION_CATEGORIES)
    problems = models.TextField("主要问题")
    plan = models.TextField("整顿方案")
    responsible = models.CharField("包联责任人", max_length=100, blank=True)
    flagged_on = models.DateField("列入日期")
    flagged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField("整顿完成日期", null=True, blank=True)
    completed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    completion_note = models.TextField("整顿情况", blank=True)

    class Meta:
        verbose_name = "整顿社区"
        verbose_name_plural = "整顿社区"
        ordering = ["community__path", "-flagged_on", "-id"]

    def __str__(self) -> str:
        return f"{self.community} {self.get_category_display()}"

    @property
    def is_open(self) -> bool:
        return self.completed_on is None


class Handover(models.Model):
    """The handover (工作移交) of an election: when the new committee took office, which starts the
    ``handover_days`` period, and the street's explanation when the handover ran late."""

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="handover")
    took_office_on = models.DateField("新一届委员会就职日期", null=True, blank=True)
    delay_note = models.TextField("逾期情况说明", blank=True)
    delay_accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "工作移交"
        verbose_name_plural = "工作移交"

    def __str__(self) -> str:
        return f"{self.election} 工作移交"


class HandoverItem(models.Model):
    """One thing handed from the outgoing to the incoming committee, signed by both sides and witnessed."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="handover_items")
    kind = models.CharField("类别", max_length=16, choices=rules.HANDOVER_KINDS)
    description = models.CharField("移交内容", max_length=300)
    handed_by = models.CharField("移交人", max_length=100, blank=True)
    received_by = models.CharField("接收人", max_length=100, blank=True)
    witness = models.CharField("监交人", max_length=100, blank=True)
    done_on = models.DateField("移交日期", null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "移交事项"
        verbose_name_plural = "移交事项"
        ordering = ["election", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.description}"


def _notice_path(notice: Notice, filename: str) -> str:
    return f"notices/{notice.election_id}/{notice.kind}-v{notice.version}.pdf"


class Notice(models.Model):
    """A generated document (PDF) of an election. Regenerating makes a new version; none is overwritten, so
    what was printed and posted can always be shown again, with its SHA-256."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField("文书", max_length=32, choices=NOTICE_KINDS)
    version = models.PositiveIntegerField("版本")
    file = models.FileField("文件", upload_to=_notice_path, max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("字节数")
    pages = models.PositiveIntegerField("页数")
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["election", "kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["election", "kind", "version"],
                                               name="one_notice_version_per_kind")]

    def __str__(self) -> str:
        return f"{self.election} {self.get_kind_display()} 第{self.version}版"


class StageTransition(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(max_length=16, choices=rules.STAGES)
    to_stage = models.CharField(max_length=16, choices=rules.STAGES)
    kind = models.CharField(max_length=16, choices=[("advance", "推进"), ("reopen", "退回重办")])
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class ChainHead(models.Model):
    """The newest link of one hash chain (one per election, plus one for organisation-wide events)."""

    key = models.CharField(max_length=64, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"{self.key}#{self.seq}"


class Event(models.Model):
    """Append-only audit trail: who, when, what, before/after; hash-chained per election."""

    chain = models.CharField(max_length=64, db_index=True)
    seq = models.PositiveBigIntegerField()
    election = models.ForeignKey(Election, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    jurisdiction = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField()
    action = models.CharField(max_length=64)
    summary = models.CharField(max_length=300, blank=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["chain", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="event_seq_unique_per_chain")]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValidationError("审计记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError("审计记录只能追加，不能删除。")


class Notification(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    due = models.DateField(null=True, blank=True)
    overdue = models.BooleanField(default=False)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    election = models.ForeignKey(Election, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_user_key")]

    def __str__(self) -> str:
        return self.title


JOB_STATES = [("queued", "排队中"), ("running", "进行中"), ("done", "已完成"), ("failed", "失败")]


class Job(models.Model):
    """A long job run by a Celery task (a voter-roll import, a large document), with its progress for the page
    and ``GET /api/v1/jobs/{id}/``. ``result`` holds the job's outcome (counts, duplicates, …), ``errors`` every
    problem found ([{row, field, message}] for an import)."""

    kind = models.CharField(max_length=32)
    election = models.ForeignKey(Election, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=JOB_STATES, default="queued")
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    stage = models.CharField(max_length=100, blank=True)  # what it is doing now, for the page
    source_name = models.CharField(max_length=255, blank=True)  # the uploaded file's name
    source_path = models.CharField(max_length=500, blank=True)  # where the upload is kept until the job ends
    result = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)  # why it failed
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk} {self.state}"


def today() -> dt.date:
    return timezone.localdate()
