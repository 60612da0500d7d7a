from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from elections import rules as election_rules
from elections.forms import translated

from ..calculator import REVOTE_OF, ROUNDS

# The preset rulebooks' names (elections.rules.PRESETS, which is Django-free), marked for makemessages.
PRESET_NAMES = [
    gettext_noop("居民委员会换届选举（通用）"),
    gettext_noop("居民委员会补选（居民代表选举）"),
    gettext_noop("社区党组织换届选举（通用）"),
    gettext_noop("居务监督委员会选举（通用）"),
    gettext_noop("社区党总支换届选举（通用）"),
]

_SEPARATORS = re.compile(r"[\t,，;；、]+")
_COUNT = re.compile(r"\d+")


def _position_codes() -> dict[str, str]:
    """Every way a line may name a position: its code, its Chinese label, its label in the page's language."""
    names: dict[str, str] = {}
    for code, label in election_rules.POSITION_LABELS.items():
        names[code] = code
        names[label] = code
        names[gettext(label).lower()] = code
    return names


def _split(line: str) -> list[str]:
    """Fields of a line: separated by tabs or commas (pasted from a spreadsheet) if it has any, else by spaces."""
    if _SEPARATORS.search(line):
        return [part.strip() for part in _SEPARATORS.split(line) if part.strip()]
    return line.split()


class CountLinesField(forms.CharField):
    """A textarea of lines "name position count" (or "position count" with ``with_name=False``), parsed into
    tuples with their line numbers; every bad line is reported with its number."""

    widget = forms.Textarea

    def __init__(self, *, with_name: bool = True, **kwargs: Any) -> None:
        self.with_name = with_name
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6 if with_name else 3, "spellcheck": "false"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[tuple[int, str, str, int]]:  # type: ignore[override]
        text = super().to_python(value)
        rows: list[tuple[int, str, str, int]] = []
        errors: list[str] = []
        codes = _position_codes()
        for number, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            problem, row = self._parse(raw, codes)
            if problem:
                errors.append(gettext("第 %(line)s 行：%(problem)s") % {"line": number, "problem": problem})
            else:
                name, position, count = row
                rows.append((number, name, position, count))
        if errors:
            raise forms.ValidationError(errors)
        return rows

    def _parse(self, raw: str, codes: dict[str, str]) -> tuple[str, tuple[str, str, int]]:
        parts = _split(raw)
        wanted = 3 if self.with_name else 2
        if len(parts) < wanted:
            return (gettext("请按“姓名 职位 票数”填写。") if self.with_name
                    else gettext("请按“职位 名额”填写。")), ("", "", 0)
        count_text, rest = parts[-1], parts[:-1]
        if not _COUNT.fullmatch(count_text):
            return gettext("“%(value)s”不是非负整数。") % {"value": count_text}, ("", "", 0)
        count = int(count_text)
        if self.with_name:
            # the position is the field before the count, or the two before it when they name one ("vice chair")
            for width in (2, 1):
                if len(rest) > width:
                    words = " ".join(rest[-width:])
                    position = codes.get(words) or codes.get(words.lower())
                    if position:
                        return "", (" ".join(rest[:-width]), position, count)
            position_text = rest[-1]
        else:
            position_text = " ".join(rest)
            position = codes.get(position_text) or codes.get(position_text.lower())
            if position:
                return "", ("", position, count)
        labels = gettext("、").join(gettext(label) for label in election_rules.POSITION_LABELS.values())
        return (gettext("未知的职位“%(value)s”；可填：%(labels)s。") % {"value": position_text, "labels": labels},
                ("", "", 0))


class CalculatorForm(forms.Form):
    rulebook = forms.ChoiceField(
        label=_("选举办法"),
        choices=[(code, _(preset["name"])) for code, preset in election_rules.PRESETS.items()],
    )
    round = forms.ChoiceField(label=_("投票轮次"), choices=translated(ROUNDS))
    revote_of = forms.ChoiceField(label=_("平票出自"), choices=translated(REVOTE_OF), initial="first",
                                  required=False,
                                  help_text=_("仅重新投票时适用：决定当选票数标准的那一轮。"))
    registered = forms.IntegerField(label=_("登记选民数／应到党员数"), min_value=0,
                                    help_text=_("居民委员会填登记选民数；党组织填应到会党员数。"))
    present = forms.IntegerField(label=_("实到党员数"), min_value=0, required=False,
                                 help_text=_("党组织选举填写；居民委员会不填。"))
    ballots_issued = forms.IntegerField(label=_("发出选票"), min_value=0)
    ballots_returned = forms.IntegerField(label=_("收回选票"), min_value=0)
    ballots_invalid = forms.IntegerField(label=_("无效票"), min_value=0)
    seats = CountLinesField(label=_("应选名额"), with_name=False,
                            help_text=_("每行一个职位：职位 名额，如“委员 3”。职位可填名称或代码。"))
    votes = CountLinesField(label=_("候选人得票"),
                            help_text=_("每行一人：姓名 职位 票数，如“张三 委员 400”；也可从表格粘贴（以制表符或逗号分隔）。"))
    write_ins = CountLinesField(label=_("另选他人得票"), required=False,
                                help_text=_("格式同上；另选他人与候选人一样计算。"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        rulebook = data.get("rulebook")
        if rulebook not in election_rules.PRESETS:
            return data
        body = election_rules.PRESETS[rulebook]["body"]
        allowed = {code for code, _label in election_rules.POSITIONS_BY_BODY[body]}
        body_label = gettext(election_rules.BODY_LABELS[body])
        for field in ("seats", "votes", "write_ins"):
            seen: dict[tuple[str, str], int] = {}
            for number, name, position, _count in data.get(field) or []:
                label = gettext(election_rules.POSITION_LABELS[position])
                if position not in allowed:
                    self.add_error(field, gettext("第 %(line)s 行：%(body)s没有“%(position)s”这一职位。")
                                   % {"line": number, "body": body_label, "position": label})
                elif (name, position) in seen:
                    self.add_error(field, gettext("第 %(line)s 行：与第 %(first)s 行重复。")
                                   % {"line": number, "first": seen[(name, position)]})
                seen.setdefault((name, position), number)
        return data

    def arguments(self) -> dict[str, Any]:
        """The cleaned form as the keyword arguments of ``ballots.calculator.calculate``."""
        d = self.cleaned_data
        return {
            "rulebook": d["rulebook"],
            "kind": d["round"],
            "revote_of": d.get("revote_of") or "first",
            "registered": d["registered"],
            "present": d.get("present"),
            "seats": [(position, count) for _n, _name, position, count in d["seats"]],
            "ballots_issued": d["ballots_issued"],
            "ballots_returned": d["ballots_returned"],
            "ballots_invalid": d["ballots_invalid"],
            "votes": [(name, position, count) for _n, name, position, count in d["votes"]],
            "write_ins": [(name, position, count) for _n, name, position, count in d.get("write_ins") or []],
        }
