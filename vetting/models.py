from __future__ import annotations

from django.db import models
from django.utils import timezone

from candidates import rules as candidate_rules
from candidates.models import Nomination
from elections import rules as election_rules
from elections.models import Election, Jurisdiction, User

from . import rules


class Ground(models.Model):
    """One item of the 不得 / 不宜 lists, mapped to the department that checks it.

    Rows with ``district`` empty are the defaults (seeds 003 and 000), synced on every migrate; a district
    that customises its lists gets its own copy and from then on uses only its own rows."""

    district = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                 limit_choices_to={"level": "district"})
    code = models.SlugField("代码", max_length=40)
    kind = models.CharField("类别", max_length=16, choices=rules.GROUND_KINDS)
    text = models.TextField("情形")
    department = models.CharField("审查部门", max_length=32, choices=election_rules.DEPARTMENTS, blank=True)
    source = models.CharField("依据", max_length=200, blank=True)
    order = models.PositiveIntegerField("序号", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "资格审查情形"
        verbose_name_plural = "资格审查情形"
        ordering = ["district_id", "kind", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="one_ground_code_per_district"),
            models.UniqueConstraint(fields=["code"], condition=models.Q(district__isnull=True),
                                    name="one_default_ground_code"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.order}）{self.text[:20]}"


class ReviewDepartment(models.Model):
    """A department that signs off in the district's joint review (区级联审). No rows: the default eight."""

    district = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+",
                                 limit_choices_to={"level": "district"})
    code = models.CharField("部门", max_length=32, choices=election_rules.DEPARTMENTS)
    active = models.BooleanField("参加联审", default=True)

    class Meta:
        verbose_name = "联审部门"
        verbose_name_plural = "联审部门"
        ordering = ["district", "id"]
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="one_department_row_per_district")]

    def __str__(self) -> str:
        return f"{self.get_code_display()}{'' if self.active else '（不参加）'}"


class Review(models.Model):
    """One level's (or, at the district, one department's) decision on a nomination."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="reviews")
    level = models.CharField("审查层级", max_length=16, choices=candidate_rules.REVIEW_LEVELS)
    department = models.CharField("部门", max_length=32, choices=election_rules.DEPARTMENTS, blank=True)
    decision = models.CharField("结论", max_length=16, choices=rules.DECISIONS)
    grounds = models.JSONField("情形", default=list, blank=True)
    # The cited grounds as they read when the review was made ([{code, kind, department, text}]), so a later
    # edit of the district's lists never rewrites a past decision's reasons.
    cited = models.JSONField("所引情形（当时文本）", default=list, blank=True)
    note = models.TextField("审查意见", blank=True)
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The street's decision on a rejection that cites only 不宜 grounds.
    street_decision = models.CharField("街道决定", max_length=16, choices=rules.STREET_DECISIONS, blank=True)
    street_reason = models.TextField("街道决定理由", blank=True)
    street_decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    street_decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "资格审查意见"
        verbose_name_plural = "资格审查意见"
        ordering = ["nomination", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "level", "department"], name="one_review_per_level_and_department"),
        ]

    def __str__(self) -> str:
        where = self.get_level_display()
        if self.department:
            where += f"（{self.get_department_display()}）"
        return f"{where} {self.get_decision_display()}"

    def cited_grounds(self) -> list[rules.GroundInfo]:
        """The grounds this review cited, as they read then (older rows: by code only)."""
        return [rules.GroundInfo(g["code"], g["kind"], g.get("department", ""), g["text"]) for g in self.cited]


class Publicity(models.Model):
    """The publicity (公示) of the preliminary candidates."""

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="publicity")
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示结束")
    place = models.CharField("公示地点", max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "候选人公示"
        verbose_name_plural = "候选人公示"

    def __str__(self) -> str:
        return f"公示 {self.starts_on:%Y-%m-%d} 至 {self.ends_on:%Y-%m-%d}"


class Objection(models.Model):
    """An objection raised during publicity; an upheld one rejects the nomination it names."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="objections")
    nomination = models.ForeignKey(Nomination, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="objections", verbose_name="涉及人选")
    objector = models.CharField("反映人", max_length=100)
    contact = models.CharField("联系方式", max_length=50, blank=True)
    content = models.TextField("反映内容")
    received_on = models.DateField("受理日期")
    status = models.CharField("状态", max_length=16, choices=rules.OBJECTION_STATUSES, default="open")
    finding = models.TextField("调查处理结果", blank=True)
    resolved_on = models.DateField("办结日期", null=True, blank=True)
    resolved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["election", "-received_on", "-id"]

    def __str__(self) -> str:
        return f"异议 {self.received_on:%Y-%m-%d} {self.get_status_display()}"


class Report(models.Model):
    """A report (举报) about the election; the four must-investigate kinds carry a deadline."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="reports")
    nomination = models.ForeignKey(Nomination, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="reports", verbose_name="涉及人选")
    reporter = models.CharField("举报人", max_length=100, blank=True, help_text="匿名举报留空")
    contact = models.CharField("联系方式", max_length=50, blank=True)
    channel = models.CharField("举报渠道", max_length=16, choices=rules.REPORT_CHANNELS, default="phone")
    content = models.TextField("举报内容")
    categories = models.JSONField("必查情形", default=list, blank=True)
    received_on = models.DateField("受理日期")
    due_on = models.DateField("办结期限")
    status = models.CharField("状态", max_length=16, choices=rules.REPORT_STATUSES, default="open")
    finding = models.TextField("核查结果", blank=True)
    rejects_nominee = models.BooleanField("取消被举报人候选资格", default=False)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    closed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "换届举报"
        verbose_name_plural = "换届举报"
        ordering = ["election", "-received_on", "-id"]

    def __str__(self) -> str:
        return f"举报 {self.received_on:%Y-%m-%d} {self.get_status_display()}"
