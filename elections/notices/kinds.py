"""The notice-kind registry: which documents an election can generate, and how their data is built.

Like the stage gates and the election tabs, documents that need data of the later apps (the formal list,
the voter roll, the results) are registered by those apps in ``AppConfig.ready()``, so ``elections`` never
imports them. A kind's ``build(election)`` returns plain data for the template:

* ``template``: the template to render (default ``elections/notices/notice.html``);
* ``title``, ``issuer``, ``date`` and whatever else the template shows.

Public notices carry names only: ``check_public`` refuses any text holding a resident ID number (whole or
masked) or a mobile phone number, and the generating service runs it over every document's HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

DEFAULT_TEMPLATE = "elections/notices/notice.html"

# Every kind of the API contract (API.md, "After the vote"), in the order of the election.
KIND_LABELS: dict[str, str] = {
    "committee_announcement": "选举委员会公告",
    "rulebook": "选举办法",
    "voter_list": "选民榜",
    "objection_decision": "异议处理决定",
    "publicity": "候选人公示",
    "candidate_list": "正式候选人名单",
    "ballot": "选票",
    "proxy_certificate": "委托投票证",
    "results_announcement": "选举结果公告",
    "certificate": "当选证书",
    "results_report": "选举结果报告单",
    "pledge": "承诺书",
    "handover_list": "移交清单",
}
KINDS = list(KIND_LABELS.items())


@dataclass(frozen=True)
class NoticeKind:
    kind: str
    label: str
    build: Callable[[Any], dict[str, Any]]
    bodies: frozenset[str] | None = None

    def applies(self, election: Any) -> bool:
        return self.bodies is None or election.body in self.bodies


_REGISTRY: dict[str, NoticeKind] = {}


def register(kind: str, label: str, build: Callable[[Any], dict[str, Any]], *,
             bodies: Iterable[str] | None = None) -> NoticeKind:
    if kind not in KIND_LABELS:
        raise ValueError(f"unknown notice kind {kind!r}")
    spec = NoticeKind(kind, label, build, frozenset(bodies) if bodies is not None else None)
    _REGISTRY[kind] = spec
    return spec


def cn_date(day: Any) -> str:
    """``2026年5月16日``: the date under a notice's issuer."""
    return f"{day.year}年{day.month}月{day.day}日"


def get(kind: str) -> NoticeKind | None:
    return _REGISTRY.get(kind)


def available(election: Any) -> list[NoticeKind]:
    """The kinds this election can generate, in the contract's order."""
    order = list(KIND_LABELS)
    return sorted((k for k in _REGISTRY.values() if k.applies(election)), key=lambda k: order.index(k.kind))


# An 18-character ID (or the old 15-digit one), a masked ID (1101**********002X) and a mainland mobile
# number, each not part of a longer run of digits.
_PERSONAL_NUMBERS = re.compile(
    r"(?<![0-9])(?:"
    r"[0-9]{17}[0-9Xx]|[0-9]{15}"
    r"|[0-9]{2,6}[*＊]{4,}[0-9]{3}[0-9Xx*]"
    r"|1[3-9][0-9]{9}|1[3-9][0-9][*＊]{4}[0-9]{4}"
    r")(?![0-9])"
)


class PersonalDataInNotice(RuntimeError):
    """A public notice would print an ID or phone number: a defect of its builder, never printed."""


def personal_numbers(text: str) -> list[str]:
    return _PERSONAL_NUMBERS.findall(text or "")


def check_public(text: str) -> None:
    found = personal_numbers(text)
    if found:
        raise PersonalDataInNotice(f"公开文书不得含有身份证号码或电话号码（发现 {len(found)} 处）。")
