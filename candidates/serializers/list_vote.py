"""The residents' representatives' meeting that votes a residents' committee's formal candidates: the request
(figures and each approved nominee's votes) and the outcome per position."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..selectors import ListVotePosition, ListVoteRow, ListVoteView
from .nomination import nomination_field

_COUNT = {"min_value": 0, "max_value": 10_000_000}


class ListVoteResultSerializer(serializers.Serializer):
    nomination = nomination_field(help_text="审查通过的提名 id")
    votes = serializers.IntegerField(**_COUNT, help_text="得票")


class ListVoteSerializer(serializers.Serializer):
    """The meeting's figures and the votes of every approved nominee of each position with more approved
    nominees than the margin allows."""

    held_on = serializers.DateField(allow_null=True, help_text="会议日期，不晚于今天")
    expected = serializers.IntegerField(**_COUNT, help_text="居民代表应到人数")
    present = serializers.IntegerField(**_COUNT, help_text="实到人数：须超过应到人数的一半（选举办法 adoption_attendance_over）")
    ballots = serializers.IntegerField(**_COUNT, help_text="收回选票")
    results = ListVoteResultSerializer(many=True, max_length=1000)


def _row(row: ListVoteRow) -> dict[str, Any]:
    n = row.nomination
    return {"nomination": n.pk, "person": n.person_id, "person_name": n.person.name, "votes": row.votes}


def _position(p: ListVotePosition) -> dict[str, Any]:
    return {"position": p.position, "label": p.label, "seats": p.seats, "bound": p.bound, "needed": p.needed,
            "decided": p.decided, "places": p.places, "message": p.message,
            "kept": [_row(r) for r in p.kept], "left": [_row(r) for r in p.left], "tied": [_row(r) for r in p.tied]}


class ListVotePositionSerializer(serializers.Serializer):
    """One position: ``needed`` false — no more approved nominees than ``bound``, all kept without a vote;
    ``decided`` false — equal votes at the cut: ``tied`` compete for ``places`` in a new vote, ``kept`` are
    certainly in and ``left`` certainly out. Rows: nomination, person, person_name, votes."""

    position = serializers.CharField()
    label = serializers.CharField()
    seats = serializers.IntegerField()
    bound = serializers.IntegerField(allow_null=True, help_text="候选人至多人数（应选人数 + margin_plus_max）")
    needed = serializers.BooleanField()
    decided = serializers.BooleanField()
    places = serializers.IntegerField(help_text="末位得票相等时，须重新投票产生的名额")
    message = serializers.CharField()
    kept = serializers.ListField(child=serializers.DictField())
    left = serializers.ListField(child=serializers.DictField())
    tied = serializers.ListField(child=serializers.DictField())


class ListVoteOutcomeSerializer(serializers.Serializer):
    """The recorded vote (``recorded`` false: none yet, the vote fields null) and its outcome; ``needs_vote``:
    the positions with more approved nominees than the margin allows now. ``added`` / ``removed``: the names the
    recording put on or took off the formal list (POST only)."""

    recorded = serializers.BooleanField()
    needs_vote = serializers.ListField(child=serializers.CharField())
    held_on = serializers.DateField(allow_null=True)
    expected = serializers.IntegerField(allow_null=True)
    present = serializers.IntegerField(allow_null=True)
    ballots = serializers.IntegerField(allow_null=True)
    valid = serializers.BooleanField(allow_null=True, help_text="实到人数超过应到人数的一半")
    invalid_message = serializers.CharField(allow_blank=True)
    positions = ListVotePositionSerializer(many=True)
    undecided = serializers.ListField(child=serializers.CharField(), help_text="末位得票相等、须重新投票的职位说明")
    added = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())

    def to_representation(self, state: dict[str, Any]) -> dict[str, Any]:
        view: ListVoteView | None = state["view"]
        vote = view.vote if view is not None else None
        return {
            "recorded": view is not None,
            "needs_vote": list(state["needs_vote"]),
            "held_on": vote.held_on.isoformat() if vote else None,
            "expected": vote.expected if vote else None,
            "present": vote.present if vote else None,
            "ballots": vote.ballots if vote else None,
            "valid": view.valid if view is not None else None,
            "invalid_message": view.invalid_message if view is not None else "",
            "positions": [_position(p) for p in view.positions] if view is not None else [],
            "undecided": [p.message for p in view.undecided] if view is not None else [],
            "added": list(view.added) if view is not None else [],
            "removed": list(view.removed) if view is not None else [],
        }


__all__ = ["ListVoteOutcomeSerializer", "ListVoteResultSerializer", "ListVoteSerializer"]
