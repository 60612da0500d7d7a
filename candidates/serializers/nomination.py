"""Nomination, 两推 meetings and the preliminary list, 民主测评, pledges, the formal list and its publication."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from elections import rules as election_rules
from elections.serializers import InScopePrimaryKeyField

from .. import rules, selectors
from ..models import Candidate, CandidateList, Nomination
from ..selectors import AppraisalRow, CandidateRow, MeetingView, PositionSummary, PreliminaryRow
from .people import person_field

_COUNT = {"min_value": 0, "max_value": 10_000_000}
_POSITIONS = list(election_rules.POSITION_LABELS.items())
CHANNELS = list(election_rules.NOMINATION_CHANNELS.items())


def nomination_field(**kwargs: Any) -> InScopePrimaryKeyField:
    """A nomination the caller may see; any other is "not found or not in your jurisdiction" (400)."""
    return InScopePrimaryKeyField(queryset=Nomination.objects.all(), selector=selectors.nomination_list,
                                  **{"label_text": "提名", **kwargs})


class NominationSerializer(serializers.ModelSerializer):
    """A nomination. Written: person, position, channel, supporters (names), basis, replaces (递补 of a
    rejected or withdrawn nomination of the same position). The channel's supporter threshold and the
    nominee's eligibility are checked by the service (400 on the field it names)."""

    person = person_field()
    position = serializers.ChoiceField(choices=_POSITIONS)
    channel = serializers.ChoiceField(choices=CHANNELS,
                                      help_text="须为本次选举办法采用的提名方式（nomination_channels）")
    supporters = serializers.ListField(child=serializers.CharField(max_length=50, allow_blank=True), required=False,
                                       default=list, max_length=5000, help_text="联名人姓名")
    basis = serializers.CharField(max_length=200, allow_blank=True, required=False, default="",
                                  help_text="提名依据，如推荐会议、居民小组会议的名称和日期")
    replaces = nomination_field(label_text="被递补的提名", required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=rules.NOMINATION_STATUSES, read_only=True)
    level = serializers.CharField(read_only=True, help_text="审查中或待街道决定时所处的层级：community|street|district")
    person_name = serializers.CharField(source="person.name", read_only=True)
    created = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Nomination
        fields = ["id", "person", "position", "channel", "supporters", "status", "level", "outcome", "basis",
                  "replaces", "version", "person_name", "created", "election", "recommendation_votes"]
        read_only_fields = ["outcome", "version", "election", "recommendation_votes"]
        validators: list[Any] = []  # one live nomination per person: checked by the service


class NominationCreatedSerializer(NominationSerializer):
    """The new nomination, with what the clerk should know: targets the nominee misses (not bars), and a
    member of the election committee who withdrew from it because they were nominated."""

    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)
    committee_withdrawal = serializers.CharField(read_only=True, allow_null=True,
                                                 help_text="被提名的选举委员会成员退出委员会及递补情况")

    class Meta(NominationSerializer.Meta):
        fields = [*NominationSerializer.Meta.fields, "warnings", "committee_withdrawal"]

    def to_representation(self, instance: Nomination) -> dict[str, Any]:
        data = super().to_representation(instance)
        withdrawal = getattr(instance, "committee_withdrawal", None)
        data["warnings"] = list(getattr(instance, "warnings", []) or [])
        data["committee_withdrawal"] = withdrawal.message if withdrawal is not None else None
        return data


class NominationUpdateSerializer(serializers.Serializer):
    """Corrections while the nomination is at the community's 初审; ``version`` (or If-Match) guards them."""

    supporters = serializers.ListField(child=serializers.CharField(max_length=50, allow_blank=True), required=False,
                                       max_length=5000)
    basis = serializers.CharField(max_length=200, allow_blank=True, required=False)
    position = serializers.ChoiceField(choices=_POSITIONS, required=False)
    version = serializers.IntegerField(required=False, min_value=1)


# --------------------------------------------------------------------------------------------
# 两推: recommendation meetings, the preliminary list; 民主测评
# --------------------------------------------------------------------------------------------


class RecommendationResultSerializer(serializers.Serializer):
    person = person_field()
    votes = serializers.IntegerField(**_COUNT)
    person_name = serializers.CharField(read_only=True)
    qualifying = serializers.BooleanField(read_only=True, help_text="会议有效且得票超过推荐票的半数")


class RecommendationMeetingSerializer(serializers.Serializer):
    """A 两推 meeting (recorded again for the same kind: replaced). ``valid``: more than half of those
    expected attended; ``qualifying``: person ids with more than half of the ballots (valid meeting only)."""

    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=rules.RECOMMENDATION_KINDS, default="party_members")
    held_on = serializers.DateField(required=False, allow_null=True, default=None)
    expected = serializers.IntegerField(**_COUNT, help_text="应到人数")
    present = serializers.IntegerField(**_COUNT, help_text="实到人数")
    ballots = serializers.IntegerField(**_COUNT, help_text="收回推荐票")
    results = RecommendationResultSerializer(many=True, required=False, default=list)
    valid = serializers.BooleanField(read_only=True)
    qualifying = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    def to_representation(self, view: MeetingView) -> dict[str, Any]:
        meeting = view.meeting
        return {
            "id": meeting.pk,
            "kind": meeting.kind,
            "held_on": meeting.held_on.isoformat() if meeting.held_on else None,
            "expected": meeting.expected,
            "present": meeting.present,
            "ballots": meeting.ballots,
            "results": [{"person": r.person.pk, "votes": r.votes, "person_name": r.person.name,
                         "qualifying": r.qualifying} for r in view.rows],
            "valid": view.valid,
            "qualifying": view.qualifying,
        }


class PreliminaryRowSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    person_name = serializers.CharField()
    votes = serializers.IntegerField(help_text="两次会议合计得票")
    tied = serializers.BooleanField(help_text="与他人得票相同（按登记顺序排列）")
    selected = serializers.BooleanField(help_text="在初步人选名额内；否则为递补顺序中的候补")
    nomination = serializers.IntegerField(allow_null=True, help_text="已有的提名 id")
    nomination_status = serializers.CharField(allow_null=True)

    def to_representation(self, row: PreliminaryRow) -> dict[str, Any]:
        return {"person": row.person.pk, "person_name": row.person.name, "votes": row.votes, "tied": row.tied,
                "selected": row.selected, "nomination": row.nomination.pk if row.nomination else None,
                "nomination_status": row.nomination.status if row.nomination else None}


class PreliminaryListSerializer(serializers.Serializer):
    """The 两推 preliminary list (初步人选): ceil(seats × (1 + preliminary_margin)) qualifiers by combined
    votes, then the reserves in 递补 order."""

    size = serializers.IntegerField()
    ballots = serializers.IntegerField(help_text="有效会议的推荐票合计")
    valid_kinds = serializers.ListField(child=serializers.CharField())
    invalid_kinds = serializers.ListField(child=serializers.CharField())
    short = serializers.IntegerField(help_text="得票过半者不足，还差的名额")
    tie_at_cut = serializers.BooleanField()
    rows = PreliminaryRowSerializer(many=True)
    meetings = RecommendationMeetingSerializer(many=True)

    def to_representation(self, view: selectors.PreliminaryView) -> dict[str, Any]:
        ranking = view.ranking
        return {
            "size": ranking.size, "ballots": ranking.ballots, "valid_kinds": list(ranking.valid_kinds),
            "invalid_kinds": list(ranking.invalid_kinds), "short": ranking.short, "tie_at_cut": ranking.tie_at_cut,
            "rows": [PreliminaryRowSerializer(r).data for r in view.rows],
            "meetings": [RecommendationMeetingSerializer(m).data for m in view.meetings],
        }


class PreliminaryPositionSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    position = serializers.ChoiceField(choices=_POSITIONS)


class PreliminaryNominateSerializer(serializers.Serializer):
    positions = PreliminaryPositionSerializer(many=True, required=False, default=list,
                                              help_text="初步人选的提名职位；未列出的为委员（member）")


class PreliminaryOutcomeSerializer(serializers.Serializer):
    created = NominationSerializer(many=True)
    skipped = serializers.ListField(child=serializers.CharField(), help_text="已提名或不符合条件而跳过的人（附原因）")
    messages = serializers.ListField(child=serializers.CharField())
    size = serializers.IntegerField()


class AppraisalSerializer(serializers.Serializer):
    """民主测评 of an incumbent (recorded again: corrected); ``shares`` in whole per cent, ``good`` =
    优秀 + 称职."""

    id = serializers.IntegerField(read_only=True)
    person = person_field()
    person_name = serializers.CharField(read_only=True)
    ballots = serializers.IntegerField(**_COUNT)
    excellent = serializers.IntegerField(**_COUNT, required=False, default=0)
    competent = serializers.IntegerField(**_COUNT, required=False, default=0)
    basic = serializers.IntegerField(**_COUNT, required=False, default=0)
    incompetent = serializers.IntegerField(**_COUNT, required=False, default=0)
    held_on = serializers.DateField(required=False, allow_null=True, default=None)
    shares = serializers.DictField(child=serializers.IntegerField(), read_only=True)

    def to_representation(self, row: AppraisalRow) -> dict[str, Any]:
        a = row.appraisal
        return {"id": a.pk, "person": a.person_id, "person_name": a.person.name, "ballots": a.ballots,
                "excellent": a.excellent, "competent": a.competent, "basic": a.basic, "incompetent": a.incompetent,
                "held_on": a.held_on.isoformat() if a.held_on else None, "shares": row.shares}


# --------------------------------------------------------------------------------------------
# Pledges, the formal list, its publication and the street's 批复
# --------------------------------------------------------------------------------------------


class PledgeSerializer(serializers.Serializer):
    nomination = serializers.IntegerField(read_only=True, source="nomination_id")
    signed_on = serializers.DateField(allow_null=True, help_text="签订日期，不晚于今天")


class CandidateSerializer(serializers.Serializer):
    """A formal candidate; ``order`` is the place within the position by 姓氏笔画."""

    id = serializers.IntegerField(read_only=True)
    nomination = nomination_field()
    person = serializers.IntegerField(read_only=True)
    position = serializers.CharField(read_only=True)
    order = serializers.IntegerField(read_only=True)
    person_name = serializers.CharField(read_only=True)
    pledged_on = serializers.DateField(read_only=True, allow_null=True)
    talked_on = serializers.DateField(read_only=True, allow_null=True)

    def to_representation(self, item: CandidateRow | Candidate) -> dict[str, Any]:
        row = item if isinstance(item, CandidateRow) else CandidateRow(item, None, None)
        c = row.candidate
        return {"id": c.pk, "nomination": c.nomination_id, "person": c.person_id, "position": c.position,
                "order": c.order, "person_name": c.person.name,
                "pledged_on": row.pledged_on.isoformat() if row.pledged_on else None,
                "talked_on": row.talked_on.isoformat() if row.talked_on else None}


class CandidateBuildSerializer(serializers.Serializer):
    added = CandidateSerializer(many=True)


class PositionCountSerializer(serializers.Serializer):
    """Per position: seats, the margin's bounds (``high`` null: no upper bound), live and approved
    nominations and formal candidates."""

    position = serializers.CharField()
    label = serializers.CharField()
    seats = serializers.IntegerField()
    low = serializers.IntegerField()
    high = serializers.IntegerField(allow_null=True)
    live = serializers.IntegerField()
    approved = serializers.IntegerField()
    candidates = serializers.IntegerField()

    def to_representation(self, row: PositionSummary) -> dict[str, Any]:
        return {"position": row.position, "label": row.label, "seats": row.seats, "low": row.low,
                "high": row.high, "live": row.live, "approved": row.approved, "candidates": row.candidates}


class CandidateListSerializer(serializers.Serializer):
    """The formal list's state: publication, the street's 批复 (party), the margin per position."""

    published_on = serializers.DateField(allow_null=True)
    approval = serializers.ChoiceField(choices=[("", "未报送"), *rules.LIST_APPROVAL_STATUSES], allow_blank=True)
    approval_reply = serializers.CharField(allow_blank=True)
    approval_on = serializers.DateField(allow_null=True)
    margin_problems = serializers.ListField(child=serializers.CharField())
    positions = PositionCountSerializer(many=True)

    def to_representation(self, state: dict[str, Any]) -> dict[str, Any]:
        cl: CandidateList | None = state["list"]
        return {
            "published_on": cl.published_on.isoformat() if cl and cl.published_on else None,
            "approval": cl.approval if cl else "",
            "approval_reply": cl.approval_reply if cl else "",
            "approval_on": cl.approval_on.isoformat() if cl and cl.approval_on else None,
            "margin_problems": state["margin_problems"],
            "positions": [PositionCountSerializer(p).data for p in state["positions"]],
        }


class PublishSerializer(serializers.Serializer):
    published_on = serializers.DateField(allow_null=True, help_text="张榜公布日期，不晚于今天")


class ListDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true：批复同意；false：退回（须填写 reply）")
    reply = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class StructureSerializer(serializers.Serializer):
    """Structure targets the slate misses (formal list, or live nominations before there is one), for this
    election and for the community's two committees together; and the counts per position."""

    warnings = serializers.ListField(child=serializers.CharField())
    community_warnings = serializers.ListField(child=serializers.CharField())
    positions = PositionCountSerializer(many=True)


__all__ = [
    "AppraisalSerializer", "CandidateBuildSerializer", "CandidateListSerializer", "CandidateSerializer",
    "ListDecisionSerializer", "NominationCreatedSerializer", "NominationSerializer", "NominationUpdateSerializer",
    "PledgeSerializer", "PositionCountSerializer", "PreliminaryListSerializer", "PreliminaryNominateSerializer",
    "PreliminaryOutcomeSerializer", "PublishSerializer", "RecommendationMeetingSerializer", "StructureSerializer",
    "nomination_field",
]
