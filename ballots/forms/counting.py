"""Forms of the counting tab: one station's tally entry (figures, one input per name on the ballot grouped by
position, write-in lines "姓名 票数" per position), a reason (reopen, vacancy), the announcement date."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from elections.errors import ApplicationError

from ..rules import tally as tally_rules

_INT_ERRORS = {"required": _("请填写（没有填 0）。"), "invalid": _("须为整数。")}
_SPLIT = re.compile(r"[\s,，;；、:：]+")


def _count_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, error_messages=_INT_ERRORS,
                              widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}))


def parse_write_in_lines(text: str) -> tuple[list[tuple[str, int]], list[str]]:
    """Lines "姓名 票数" (blank, comma or colon between): (name, count) pairs and the problems of bad lines."""
    rows: list[tuple[str, int]] = []
    problems: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [p for p in _SPLIT.split(line) if p]
        if len(parts) < 2 or not parts[-1].isdigit():
            problems.append(gettext("第 %(line)s 行：请按“姓名 票数”填写（如：王五 12）。") % {"line": number})
            continue
        rows.append(("".join(parts[:-1]), int(parts[-1])))
    return rows, problems


class TallyEntryForm(forms.Form):
    """One entry of one station's tally in one round. Field names: ``ballots_issued``, ``ballots_returned``,
    ``ballots_invalid``, ``present`` (party), ``vote_<candidate id>``, ``write_ins_<position>`` (lines) or, in a
    revote, ``write_in_<position>_<n>`` for each tied write-in; ``version`` when correcting one's own entry."""

    ballots_issued = _count_field(_("发出选票"))
    ballots_returned = _count_field(_("收回选票"))
    ballots_invalid = _count_field(_("无效选票"))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, ballot: tally_rules.Ballot, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ballot = ballot
        if ballot.needs_present:
            self.fields["present"] = _count_field(_("实到人数"))
        labels = ballot.labels()
        self.groups: list[dict[str, Any]] = []
        for position in tally_rules.ordered_positions(ballot.seats):
            group: dict[str, Any] = {"position": position, "seats": ballot.seats[position], "votes": [],
                                     "write_ins": [], "carried": []}
            for c in ballot.candidates:
                if c.position == position:
                    name = f"vote_{c.key}"
                    self.fields[name] = _count_field(labels[c.key])
                    group["votes"].append(name)
            if ballot.write_ins is None:
                name = f"write_ins_{position}"
                self.fields[name] = forms.CharField(
                    label=_("另选他人（每行：姓名 票数）"), required=False,
                    widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false", "placeholder": "王五 3"}))
                group["write_ins"].append(name)
            else:
                for i, written in enumerate(ballot.write_ins.get(position, ())):
                    name = f"write_in_{position}_{i}"
                    self.fields[name] = _count_field(gettext("另选他人：%(name)s") % {"name": written})
                    group["carried"].append((name, written))
            self.groups.append(group)

    def bound_groups(self) -> list[dict[str, Any]]:
        """The per-position groups with bound fields, for the template."""
        return [{"position": g["position"], "label": tally_rules.position_label(g["position"]), "seats": g["seats"],
                 "votes": [self[n] for n in g["votes"]],
                 "fields": [self[n] for n in g["write_ins"]] + [self[n] for n, _w in g["carried"]]}
                for g in self.groups]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for group in self.groups:
            for name in group["write_ins"]:
                rows, problems = parse_write_in_lines(data.get(name) or "")
                for problem in problems:
                    self.add_error(name, problem)
                data[f"{name}__rows"] = rows
        return data

    def figures(self) -> tally_rules.Figures:
        d = self.cleaned_data
        write_ins: list[tally_rules.WriteIn] = []
        for group in self.groups:
            for name in group["write_ins"]:
                write_ins += [tally_rules.WriteIn(n, group["position"], c) for n, c in d.get(f"{name}__rows", [])]
            for name, written in group["carried"]:
                write_ins.append(tally_rules.WriteIn(written, group["position"], d[name]))
        return tally_rules.Figures(
            ballots_issued=d["ballots_issued"], ballots_returned=d["ballots_returned"],
            ballots_invalid=d["ballots_invalid"], present=d.get("present"),
            votes=tuple((c.key, d[f"vote_{c.key}"]) for c in self.ballot.candidates),
            write_ins=tuple(write_ins))

    def service_error(self, exc: ApplicationError) -> ApplicationError:
        """The service's errors keyed by this form's fields: ``votes.<key>`` → ``vote_<key>``, ``write_ins`` → the
        first write-in field of the ballot (others to the top of the form)."""
        write_in_field = next((n for g in self.groups for n in g["write_ins"] + [c for c, _w in g["carried"]]), None)
        mapped: dict[str, list[str]] = {}
        for key, messages in exc.errors.items():
            if key.startswith("votes.") and f"vote_{key[6:]}" in self.fields:
                target = f"vote_{key[6:]}"
            elif key == "write_ins" and write_in_field:
                target = write_in_field
            elif key in self.fields:
                target = key
            else:
                target = "__all__"
            mapped.setdefault(target, []).extend(messages)
        return type(exc)(exc.message, mapped)

    @staticmethod
    def initial_from(stored: dict[str, Any], ballot: tally_rules.Ballot, version: int) -> dict[str, Any]:
        """A stored entry as the form's initial values (to correct it)."""
        initial: dict[str, Any] = {key: stored.get(key) for key in ("ballots_issued", "ballots_returned",
                                                                     "ballots_invalid", "present")}
        initial["version"] = version
        for key, count in (stored.get("votes") or {}).items():
            initial[f"vote_{key}"] = count
        for position in ballot.seats:
            rows = [w for w in stored.get("write_ins") or [] if w["position"] == position]
            if ballot.write_ins is None:
                initial[f"write_ins_{position}"] = "\n".join(f"{w['name']} {w['count']}" for w in rows)
            else:
                counts = {w["name"]: w["count"] for w in rows}
                for i, written in enumerate(ballot.write_ins.get(position, ())):
                    initial[f"write_in_{position}_{i}"] = counts.get(written, 0)
        return initial


class CountingReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=300,
                             error_messages={"required": _("请说明理由。"), "max_length": _("至多 300 字。")},
                             widget=forms.Textarea(attrs={"rows": 2}))


class AnnounceForm(forms.Form):
    announced_on = forms.DateField(label=_("公布日期"), error_messages={"required": _("请填写公布日期。"),
                                                                    "invalid": _("日期格式须为 YYYY-MM-DD。")},
                                   widget=forms.DateInput(attrs={"type": "date"}))
