"""The documents of the ballots app, registered with the elections app's notice registry
(``elections.notices.kinds``) from ``BallotsConfig.ready()``: the voter list (选民榜) and the results
announcement (选举结果公告). Names only: no ID number and no phone is ever handed to a template."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from elections.notices import kinds
from elections.rules import BODY_LABELS

from .rules import tally as tally_rules
from .selectors import counting as counting_selectors
from .selectors import voters as voter_selectors

NAME_COLUMNS = 5


def issuer(election: Any) -> str:
    community = election.community.name
    return f"中共{community}委员会" if election.body == "party_committee" else f"{community}居民选举委员会"


def _grid(names: list[str], columns: int) -> list[list[str]]:
    rows = [names[i:i + columns] for i in range(0, len(names), columns)]
    if rows and len(rows[-1]) < columns:
        rows[-1] = rows[-1] + [""] * (columns - len(rows[-1]))
    return rows


def voter_list_data(election: Any) -> dict[str, Any]:
    """The active voters' names by residents' group (the groups in their natural order), each group in
    姓氏笔画 order, in a grid."""
    community = election.community.name
    by_group = voter_selectors.voters_by_group(election=election)
    groups = [{"label": g if "组" in g else f"居民小组 {g}", "count": len(names), "rows": _grid(names, NAME_COLUMNS)}
              for g, names in by_group]
    total = sum(g["count"] for g in groups)
    summary = voter_selectors.roll_summary(election=election)
    party = election.body == "party_committee"
    body = BODY_LABELS[election.body]
    if party:
        title = f"{community}党员名单"
        opening = f"参加{community}党组织换届选举的党员共{total}名，按党小组（居民小组）公布如下（按姓氏笔画排序）："
    else:
        title = f"{community}{body}选举选民榜"
        opening = (f"根据《中华人民共和国城市居民委员会组织法》和本社区{body}选举办法，经选民登记，{community}"
                   f"参加{body}选举的选民共{total}名，按居民小组公布如下（按姓氏笔画排序）：")
    signed_by = issuer(election)
    closing = []
    if not party:
        closing.append(f"选民对名单有不同意见的，可自名单公布之日起{summary.objection_days}日内向{signed_by}提出，"
                       f"{signed_by}自收到之日起{summary.decision_days}日内作出处理决定。")
    kinds.check_public(" ".join(n for _g, names in by_group for n in names))
    return {
        "template": "elections/notices/voter_list.html",
        "title": title, "paragraphs": [opening], "groups": groups, "closing": closing, "issuer": signed_by,
        "date": kinds.cn_date(summary.published_on or timezone.localdate()),
    }


def results_announcement_data(election: Any) -> dict[str, Any]:
    """Who was elected to which position with how many votes, after the registered and voted figures."""
    community = election.community.name
    results = counting_selectors.results(election)
    rows = [{"position": tally_rules.position_label(p["position"]), "name": e["name"], "votes": e["votes"]}
            for p in results["positions"] for e in p["elected"]]
    what = {"party_committee": "委员会", "residents_committee": "居民委员会",
            "supervision_committee": "居务监督委员会"}[election.body]
    title = (f"中共{community}{what}选举结果公告" if election.body == "party_committee"
             else f"{community}{what}{election.get_kind_display()}选举结果公告")
    day = election.election_day
    when = f"{kinds.cn_date(day)}，" if day else ""
    paragraphs = []
    registered, voted = results["registered"], results["voted"]
    if registered is not None and voted is not None:
        paragraphs.append(f"{when}{community}{what}选举依法进行。本次选举登记选民（应到）{registered}人，"
                          f"参加投票{voted}人，选举{'有效' if results['valid'] else '无效'}。")
    paragraphs.append("根据选举办法，下列人员当选（按职位排列）：")
    unfilled = [f"{tally_rules.position_label(p['position'])}{p['unfilled']}名" for p in results["positions"]
                if p["unfilled"] > 0]
    closing = ["现予公告。"] if not unfilled else [f"尚有{'、'.join(unfilled)}空缺，另行选举。", "现予公告。"]
    kinds.check_public(" ".join(r["name"] for r in rows))
    return {
        "template": "elections/notices/results_announcement.html",
        "title": title, "paragraphs": paragraphs, "rows": rows, "closing": closing, "issuer": issuer(election),
        "date": kinds.cn_date(results["announced_on"] or timezone.localdate()),
    }


def register_notices() -> None:
    kinds.register("voter_list", kinds.KIND_LABELS["voter_list"], voter_list_data)
    kinds.register("results_announcement", kinds.KIND_LABELS["results_announcement"], results_announcement_data)
