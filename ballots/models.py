"""Tables of the voting stage: the voter roll and its import, objections to the roll, proxies, polling stations,
rounds, tallies entered twice, and the results of each round.

Invariants held by the database where they can be:

* one active registration per person per campaign and body (错登、重登 across the campaign's communities);
* one active proxy per voter;
* one tally per station and round, one entry per user of each tally;
* one round number per election.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from candidates.models import Candidate
from elections import rules as election_rules
from elections.models import Campaign, Election, Job, User

from .rules import voters as voter_rules

# --------------------------------------------------------------------------------------------
# Voter roll
# --------------------------------------------------------------------------------------------

REGISTRATION_MODES = [("all", "全面登记"), ("voluntary", "自愿登记")]

CATEGORIES = voter_rules.CATEGORIES
CATEGORY_LABELS = voter_rules.CATEGORY_LABELS

VOTER_STATUSES = [("active", "已登记"), ("removed", "已除名")]
VOTER_SOURCES = [("import", "导入"), ("manual", "手工登记"), ("objection", "异议处理")]


class VoterRoll(models.Model):
    """One election's voter list as a whole: how it is registered, and when it was published (张榜公布)."""

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="voter_roll")
    mode = models.CharField("登记方式", max_length=16, choices=REGISTRATION_MODES, default="all")
    residents_total = models.PositiveIntegerField("居民总数（自愿登记时用于 40% 下限）", null=True, blank=True)
    published_on = models.DateField("选民名单公布日期", null=True, blank=True)
    published_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "选民名单"
        verbose_name_plural = "选民名单"

    def __str__(self) -> str:
        return f"{self.election} 选民名单"


class Voter(models.Model):
    """A registered voter (选民) of one election. Kept lean (no Person row) so that a 100,000-row roll stores in
    one COPY; ``campaign`` and ``body`` are copied from the election so the database can refuse a second active
    registration of the same ID number anywhere in the campaign."""

    # no single-column indexes on election and campaign: voter_roll_by_group and the (campaign, body, id_number)
    # indexes lead with them, and every index costs the 100,000-row import its share of the COPY
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="voters", db_index=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+", db_index=False)
    body = models.CharField(max_length=32, choices=election_rules.BODIES)
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号码", max_length=18)
    sex = models.CharField("性别", max_length=8)
    birth_date = models.DateField("出生日期")
    group = models.CharField("居民小组", max_length=50)
    category = models.CharField("户籍类别", max_length=24, choices=CATEGORIES, default="resident")
    status = models.CharField("状态", max_length=16, choices=VOTER_STATUSES, default="active")
    source = models.CharField("来源", max_length=16, choices=VOTER_SOURCES, default="manual")
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    row = models.PositiveIntegerField("导入行号", null=True, blank=True)
    added_reason = models.CharField("登记说明", max_length=200, blank=True)
    added_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    removed_reason = models.CharField("除名原因", max_length=200, blank=True)
    removed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   db_index=False)  # indexed where set only (voter_removed_by)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "选民"
        verbose_name_plural = "选民"
        ordering = ["election", "group", "id"]
        indexes = [
            models.Index(fields=["election", "status", "group"], name="voter_roll_by_group"),
            models.Index(fields=["campaign", "body", "id_number"], name="voter_campaign_id_number"),
            models.Index(fields=["removed_by"], condition=Q(removed_by__isnull=False), name="voter_removed_by"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "body", "id_number"], condition=Q(status="active"),
                name="one_active_registration_per_campaign_body",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.group}）"

    @property
    def masked_id(self) -> str:
        from candidates.rules import mask_id_number

        return mask_id_number(self.id_number)


HELD_KINDS = [
    ("in_file", "文件内重复"),
    ("other_community", "已在本次换届其他社区登记"),
    ("registered_here", "已在本社区登记"),
]
HELD_DECISIONS = [("", "待处理"), ("registered", "已登记"), ("discarded", "不予登记")]


class HeldRow(models.Model):
    """A row of an import held back for the clerk to decide (nothing is dropped silently): a duplicate inside
    the file, or a person already registered in this or another community of the campaign."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="held_rows")
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="held_voter_rows")
    row = models.PositiveIntegerField("行号")
    kind = models.CharField("情况", max_length=24, choices=HELD_KINDS)
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号码", max_length=18)
    sex = models.CharField(max_length=8)
    birth_date = models.DateField()
    group = models.CharField("居民小组", max_length=50)
    category = models.CharField("户籍类别", max_length=24, choices=CATEGORIES, default="resident")
    other = models.CharField("重复对象", max_length=200, blank=True)  # "第 12 行" or "东关社区（居民小组 3）"
    other_voter = models.ForeignKey(Voter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision = models.CharField("处理", max_length=16, choices=HELD_DECISIONS, blank=True)
    decision_reason = models.CharField("处理说明", max_length=200, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "待处理的导入行"
        verbose_name_plural = "待处理的导入行"
        ordering = ["job", "row", "id"]

    def __str__(self) -> str:
        return f"第 {self.row} 行 {self.name}"


ROLL_OBJECTION_KINDS = [
    ("omitted", "漏登"),
    ("wrong", "错登"),
    ("duplicate", "重登"),
    ("details", "信息有误"),
    ("other", "其他"),
]
ROLL_OBJECTION_DECISIONS = [("", "待处理"), ("upheld", "异议成立"), ("dismissed", "异议不成立")]


class RollObjection(models.Model):
    """An objection to the published voter list (within ``voter_objection_days`` of publication), decided by the
    election committee within ``voter_objection_decision_days``."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="roll_objections")
    raised_on = models.DateField("提出日期")
    raised_by = models.CharField("提出人", max_length=50)
    contact = models.CharField("联系方式", max_length=50, blank=True)
    kind = models.CharField("异议类型", max_length=16, choices=ROLL_OBJECTION_KINDS)
    subject_name = models.CharField("涉及人员", max_length=50)
    voter = models.ForeignKey(Voter, null=True, blank=True, on_delete=models.SET_NULL, related_name="objections")
    content = models.TextField("异议内容")
    decision = models.CharField("处理结果", max_length=16, choices=ROLL_OBJECTION_DECISIONS, blank=True)
    decision_text = models.TextField("处理意见", blank=True)
    decided_on = models.DateField("处理日期", null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "选民名单异议"
        verbose_name_plural = "选民名单异议"
        ordering = ["election", "raised_on", "id"]

    def __str__(self) -> str:
        return f"{self.subject_name} {self.get_kind_display()}"


# --------------------------------------------------------------------------------------------
# Proxies and stations
# --------------------------------------------------------------------------------------------

PROXY_STATUSES = [("active", "有效"), ("revoked", "已撤销")]


class Proxy(models.Model):
    """委托投票: a written authorisation from a voter to another registered voter of the same election."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="proxies")
    voter = models.ForeignKey(Voter, verbose_name="委托人", on_delete=models.PROTECT, related_name="proxies_given")
    holder = models.ForeignKey(Voter, verbose_name="受托人", on_delete=models.PROTECT, related_name="proxies_held")
    written_on = models.DateField("书面委托日期")
    reason = models.CharField("委托原因", max_length=200, blank=True)
    status = models.CharField("状态", max_length=16, choices=PROXY_STATUSES, default="active")
    revoked_reason = models.CharField("撤销原因", max_length=200, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "委托投票"
        verbose_name_plural = "委托投票"
        ordering = ["election", "id"]
        constraints = [
            models.UniqueConstraint(fields=["voter"], condition=Q(status="active"), name="one_active_proxy_per_voter"),
            models.CheckConstraint(condition=~Q(voter=models.F("holder")), name="proxy_holder_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.voter.name} 委托 {self.holder.name}"


STATION_KINDS = [("central", "中心会场"), ("station", "投票站"), ("mobile", "流动票箱")]
STATION_KIND_LABELS = dict(STATION_KINDS)


class Station(models.Model):
    """A polling station: the central venue (中心会场), a station (投票站) or a mobile box (流动票箱)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="stations")
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=STATION_KINDS)
    location = models.CharField("地点", max_length=200, blank=True)
    supervisors = models.JSONField("监票人", default=list, blank=True)  # names
    ballots_planned = models.PositiveIntegerField("计划发放选票数", null=True, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "投票站"
        verbose_name_plural = "投票站"
        ordering = ["election", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["election", "name"], name="station_name_unique_per_election")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


# --------------------------------------------------------------------------------------------
# Rounds, tallies, results
# --------------------------------------------------------------------------------------------

ROUND_KINDS = [("first", "选举"), ("runoff", "另行选举"), ("revote", "重新投票")]
ROUND_STATES = [("open", "计票中"), ("counted", "已计票"), ("void", "无效")]


class Round(models.Model):
    """One vote of an election: the first, a run-off (另行选举) for unfilled seats, or a revote among the tied.
    A void round (returned > issued) is followed by a repeat of the same kind."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField("轮次")
    kind = models.CharField("类型", max_length=16, choices=ROUND_KINDS)
    revote_of = models.CharField("重新投票所针对的轮次类型", max_length=16, default="first")
    seats = models.JSONField("本轮应选", default=dict)  # {position: seats}
    registered = models.PositiveIntegerField("登记选民数（应到人数）")
    state = models.CharField("状态", max_length=16, choices=ROUND_STATES, default="open")
    result = models.JSONField("计票结果", null=True, blank=True)  # the engine's RoundResult, as data
    counted_at = models.DateTimeField(null=True, blank=True)
    vacancy_accepted = models.BooleanField("不再另行选举，职位空缺", default=False)
    vacancy_reason = models.CharField("空缺说明", max_length=300, blank=True)
    vacancy_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    announced_on = models.DateField("当场公布日期", null=True, blank=True)
    announced_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "投票轮次"
        verbose_name_plural = "投票轮次"
        ordering = ["election", "number"]
        constraints = [models.UniqueConstraint(fields=["election", "number"], name="round_number_unique")]

    def __str__(self) -> str:
        return f"{self.election} 第{self.number}轮 {self.get_kind_display()}"


class RoundCandidate(models.Model):
    """A name on this round's ballot: a formal candidate (first round), carried by votes (run-off) or tied
    (revote). Ballots list them per position in 姓氏笔画 order."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="candidates")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    position = models.CharField(max_length=32, choices=list(election_rules.POSITION_LABELS.items()))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "candidate"], name="round_candidate_once")]

    def __str__(self) -> str:
        return f"{self.round} {self.candidate}"


TALLY_STATES = [("open", "待录入"), ("entered", "已录入一次"), ("differs", "两次录入不一致"), ("reconciled", "已核对一致")]


class Tally(models.Model):
    """The count of one station in one round, entered twice by two different users (双人录入)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="tallies")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="tallies")
    state = models.CharField("状态", max_length=16, choices=TALLY_STATES, default="open")
    figures = models.JSONField("核对一致的数据", null=True, blank=True)  # the agreed entry's figures
    differences = models.JSONField("不一致的字段", default=list, blank=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)
    reopened_reason = models.CharField("重新开放原因", max_length=300, blank=True)
    reopened_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "计票"
        verbose_name_plural = "计票"
        ordering = ["round", "station"]
        constraints = [models.UniqueConstraint(fields=["round", "station"], name="one_tally_per_station_round")]

    def __str__(self) -> str:
        return f"{self.round} {self.station.name}"


class TallyEntry(models.Model):
    """One user's entry of a tally. ``votes``: {candidate id (str): count}; ``write_ins``: [{name, position,
    count}]; ``present``: members present (party elections)."""

    tally = models.ForeignKey(Tally, on_delete=models.CASCADE, related_name="entries")
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    ballots_issued = models.PositiveIntegerField("发出选票")
    ballots_returned = models.PositiveIntegerField("收回选票")
    ballots_invalid = models.PositiveIntegerField("无效选票")
    present = models.PositiveIntegerField("实到人数", null=True, blank=True)
    votes: Any = models.JSONField("候选人得票", default=dict)
    write_ins: Any = models.JSONField("另选他人得票", default=list)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "计票录入"
        verbose_name_plural = "计票录入"
        ordering = ["tally", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["tally", "entered_by"], name="one_entry_per_user_per_tally")]

    def __str__(self) -> str:
        return f"{self.tally} / {self.entered_by}"
