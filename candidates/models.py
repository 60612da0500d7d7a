from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from elections import rules as election_rules
from elections.models import Campaign, Election, Jurisdiction, User

from . import rules


def pinyin_keys(name: str) -> tuple[str, str]:
    """('zhangsan', 'zs') for 张三: full pinyin and initials, lowercase, for search."""
    syllables = lazy_pinyin(name, errors="ignore")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(syllables).lower(), "".join(initials).lower()


class Person(models.Model):
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号码", max_length=18, unique=True)
    sex = models.CharField("性别", max_length=8, choices=rules.SEXES)
    birth_date = models.DateField("出生日期")
    education = models.CharField("学历", max_length=16, choices=rules.EDUCATION, blank=True)
    party_member = models.BooleanField("中共党员", default=False)
    community = models.ForeignKey(
        Jurisdiction, verbose_name="所在社区", on_delete=models.PROTECT, related_name="people",
        limit_choices_to={"level": "community"},
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    name_pinyin = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    name_initials = models.CharField(max_length=50, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["community__path", "name_pinyin", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        super().save(*args, **kwargs)

    @property
    def masked_id(self) -> str:
        return rules.mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return rules.mask_phone(self.phone)

    def age_on(self, day: dt.date) -> int:
        return rules.age_on(self.birth_date, day)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())


class Relative(models.Model):
    """``relative`` is ``person``'s <relation>; every link is stored in both directions."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relative_links")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField("关系", max_length=16, choices=rules.RELATIONS)

    class Meta:
        verbose_name = "近亲属关系"
        verbose_name_plural = "近亲属关系"
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="one_relation_per_pair"),
            models.CheckConstraint(condition=~models.Q(person=models.F("relative")), name="not_own_relative"),
        ]

    def __str__(self) -> str:
        return f"{self.relative} 是 {self.person} 的{self.get_relation_display()}"


class Incumbent(models.Model):
    """A member of the outgoing committee (现任班子成员) of the body an election renews."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="incumbents")
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="incumbencies")
    position = models.CharField("现任职务", max_length=32, choices=list(election_rules.POSITION_LABELS.items()))
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "现任成员"
        verbose_name_plural = "现任成员"
        ordering = ["election", "id"]
        constraints = [models.UniqueConstraint(fields=["election", "person"], name="one_incumbency_per_election")]

    def __str__(self) -> str:
        return f"{self.person} {self.get_position_display()}"


class Audit(models.Model):
    """The economic-responsibility audit (经济责任审计) of one person's term in one community and campaign.

    Keyed by person (not by incumbency), so someone who sat on both committees is audited once."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="audits")
    auditor = models.CharField("审计单位", max_length=100)
    conclusion = models.TextField("审计结论")
    findings = models.TextField("发现的问题", blank=True)
    handling = models.TextField("问题处理情况", blank=True)
    audited_on = models.DateField("审计日期", null=True, blank=True)
    published_on = models.DateField("结果公布日期", null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "经济责任审计"
        verbose_name_plural = "经济责任审计"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "community", "person"], name="one_audit_per_person_and_term")
        ]

    def __str__(self) -> str:
        return f"{self.person} 审计"


class Talk(models.Model):
    """A talk (谈心谈话) of the street party committee with an incumbent."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="talks")
    held_on = models.DateField("谈话日期")
    interviewers = models.CharField("谈话人", max_length=200)
    note = models.TextField("谈话情况", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "谈心谈话"
        verbose_name_plural = "谈心谈话"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person} {self.held_on:%Y-%m-%d}"


class CommitteeMember(models.Model):
    """A member (or alternate) of the residents' election committee (居民选举委员会) of an RC election."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="committee_members")
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="committee_seats")
    role = models.CharField("职务", max_length=16, choices=rules.COMMITTEE_ROLES)
    votes = models.PositiveIntegerField("推选得票", default=0)
    active = models.BooleanField("在任", default=True)
    withdrawn_at = models.DateTimeField("退出时间", null=True, blank=True)
    withdrawn_reason = models.CharField("退出原因", max_length=200, blank=True)
    replaces = models.ForeignKey("self", verbose_name="递补", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="replaced_by")
    stepped_in_at = models.DateTimeField("递补时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "选举委员会成员"
        verbose_name_plural = "选举委员会成员"
        ordering = ["election", "id"]
        constraints = [
            models.UniqueConstraint(fields=["election", "person"], name="one_committee_seat_per_person"),
            models.UniqueConstraint(fields=["election"], condition=models.Q(role="chair", active=True),
                                    name="one_active_committee_chair"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_role_display()}"


# --------------------------------------------------------------------------------------------
# Nomination (提名) and the party's 两推一选
# --------------------------------------------------------------------------------------------


class Nomination(models.Model):
    """A person proposed for a position by a channel, with supporters; it then moves through vetting.

    ``status``: ``reviewing`` (审查中, at ``level``), ``held`` (a 不宜 ground awaits the street's decision),
    ``approved`` (passed every level), ``rejected`` (未通过 / 取消资格, with ``outcome`` saying why),
    ``withdrawn``. ``version`` guards concurrent reviews (If-Match)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="nominations")
    person = models.ForeignKey(Person, verbose_name="被提名人", on_delete=models.PROTECT, related_name="nominations")
    position = models.CharField("提名职位", max_length=32, choices=list(election_rules.POSITION_LABELS.items()))
    channel = models.CharField("提名方式", max_length=32, choices=list(election_rules.NOMINATION_CHANNELS.items()))
    supporters = models.JSONField("联名人", default=list, blank=True)
    basis = models.CharField("提名依据", max_length=200, blank=True,
                             help_text="如推荐会议、居民小组会议的名称和日期")
    status = models.CharField("状态", max_length=16, choices=rules.NOMINATION_STATUSES, default="reviewing")
    level = models.CharField("审查层级", max_length=16, choices=rules.REVIEW_LEVELS, default="community", blank=True)
    outcome = models.CharField("结论说明", max_length=500, blank=True)
    recommendation_votes = models.PositiveIntegerField("推荐得票", null=True, blank=True)
    replaces = models.ForeignKey("self", verbose_name="递补", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="replaced_by")
    version = models.PositiveIntegerField(default=1)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField("审查结论时间", null=True, blank=True)

    class Meta:
        verbose_name = "提名"
        verbose_name_plural = "提名"
        ordering = ["election", "id"]
        constraints = [
            models.UniqueConstraint(fields=["election", "person"],
                                    condition=models.Q(status__in=["reviewing", "held", "approved"]),
                                    name="one_live_nomination_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_position_display()}"

    @property
    def live(self) -> bool:
        return self.status in rules.LIVE_STATUSES


class RecommendationMeeting(models.Model):
    """A 两推 meeting of party members, or of residents' representatives (党员推荐 / 群众推荐)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="recommendation_meetings")
    kind = models.CharField("会议", max_length=32, choices=rules.RECOMMENDATION_KINDS)
    held_on = models.DateField("召开日期", null=True, blank=True)
    expected = models.PositiveIntegerField("应到人数")
    present = models.PositiveIntegerField("实到人数")
    ballots = models.PositiveIntegerField("收回推荐票")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "推荐会议"
        verbose_name_plural = "推荐会议"
        ordering = ["election", "kind"]
        constraints = [models.UniqueConstraint(fields=["election", "kind"], name="one_meeting_per_kind")]

    def __str__(self) -> str:
        return f"{self.election} {self.get_kind_display()}"


class RecommendationVote(models.Model):
    meeting = models.ForeignKey(RecommendationMeeting, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    votes = models.PositiveIntegerField("得票")

    class Meta:
        ordering = ["meeting", "-votes", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="one_vote_count_per_person")]

    def __str__(self) -> str:
        return f"{self.person} {self.votes}"


class Appraisal(models.Model):
    """民主测评 of an incumbent at the 两推 meeting: counts of 优秀/称职/基本称职/不称职."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="appraisals")
    person = models.ForeignKey(Person, verbose_name="测评对象", on_delete=models.PROTECT, related_name="+")
    ballots = models.PositiveIntegerField("测评票数")
    excellent = models.PositiveIntegerField("优秀", default=0)
    competent = models.PositiveIntegerField("称职", default=0)
    basic = models.PositiveIntegerField("基本称职", default=0)
    incompetent = models.PositiveIntegerField("不称职", default=0)
    held_on = models.DateField("测评日期", null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "民主测评"
        verbose_name_plural = "民主测评"
        ordering = ["election", "id"]
        constraints = [models.UniqueConstraint(fields=["election", "person"], name="one_appraisal_per_person")]

    def __str__(self) -> str:
        return f"{self.person} 民主测评"


class Pledge(models.Model):
    """The discipline pledge (纪律承诺书) a nominee signed."""

    nomination = models.OneToOneField(Nomination, on_delete=models.CASCADE, related_name="pledge")
    signed_on = models.DateField("签订日期")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "纪律承诺书"
        verbose_name_plural = "纪律承诺书"

    def __str__(self) -> str:
        return f"{self.nomination} 纪律承诺书"


class Candidate(models.Model):
    """A formal candidate (正式候选人): an approved nomination placed on the formal list."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="candidate")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="candidacies")
    position = models.CharField("职位", max_length=32, choices=list(election_rules.POSITION_LABELS.items()))
    order = models.PositiveIntegerField("排序（姓氏笔画）", default=0)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "正式候选人"
        verbose_name_plural = "正式候选人"
        ordering = ["election", "position", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["election", "person"], name="one_candidacy_per_election")]

    def __str__(self) -> str:
        return f"{self.person} {self.get_position_display()}"


class CandidateList(models.Model):
    """The formal list's publication (张榜公布) and, for party elections, the street's 批复 of 预备人选."""

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="candidate_list")
    published_on = models.DateField("公布日期", null=True, blank=True)
    published_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approval = models.CharField("街道批复", max_length=16, choices=rules.LIST_APPROVAL_STATUSES, blank=True)
    approval_reply = models.TextField("批复意见", blank=True)
    approval_on = models.DateField("批复日期", null=True, blank=True)
    approval_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "正式候选人名单"
        verbose_name_plural = "正式候选人名单"

    def __str__(self) -> str:
        return f"{self.election} 正式候选人名单"


class ListVote(models.Model):
    """The residents' representatives' meeting (居民代表会议) that voted the residents' committee's formal
    candidates from the approved nominees, when more were approved than the margin allows (seed 000).
    Recorded again: replaced (the results with it)."""

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="list_vote")
    held_on = models.DateField("会议日期")
    expected = models.PositiveIntegerField("应到人数")
    present = models.PositiveIntegerField("实到人数")
    ballots = models.PositiveIntegerField("收回选票")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "居民代表会议投票（正式候选人）"
        verbose_name_plural = "居民代表会议投票（正式候选人）"

    def __str__(self) -> str:
        return f"{self.election} 居民代表会议投票"


class ListVoteResult(models.Model):
    vote = models.ForeignKey(ListVote, on_delete=models.CASCADE, related_name="results")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="list_votes")
    votes = models.PositiveIntegerField("得票")

    class Meta:
        ordering = ["vote", "-votes", "id"]
        constraints = [models.UniqueConstraint(fields=["vote", "nomination"], name="one_list_vote_per_nomination")]

    def __str__(self) -> str:
        return f"{self.nomination} {self.votes}"
