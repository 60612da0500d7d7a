"""Nomination, 两推一选, margins, the formal list and its structure; the gates of nomination, vetting and
publicity that the candidates app owns. Pure: plain functions over plain data."""

from __future__ import annotations

NOMINATION_STATUSES: list[tuple[str, str]] = [
    ("reviewing", "审查中"),
    ("held", "待街道决定"),
    ("approved", "审查通过"),
    ("rejected", "未通过"),
    ("withdrawn", "已撤回"),
]
NOMINATION_STATUS_LABELS = dict(NOMINATION_STATUSES)
LIVE_STATUSES = frozenset({"reviewing", "held", "approved"})

# Vetting levels, bottom up: 初审 (community) → 全面审查 (street) → 联审 (district departments).
REVIEW_LEVELS: list[tuple[str, str]] = [
    ("community", "社区初审"),
    ("street", "街道全面审查"),
    ("district", "区级联审"),
]
REVIEW_LEVEL_LABELS = dict(REVIEW_LEVELS)
REVIEW_LEVEL_ORDER = [code for code, _ in REVIEW_LEVELS]

RECOMMENDATION_KINDS: list[tuple[str, str]] = [
    ("party_members", "党员推荐会议"),
    ("representatives", "居民代表推荐会议"),
]
RECOMMENDATION_KIND_LABELS = dict(RECOMMENDATION_KINDS)

LIST_APPROVAL_STATUSES: list[tuple[str, str]] = [
    ("submitted", "已报送"),
    ("approved", "已批复同意"),
    ("returned", "已退回"),
]
