"""Forms of the "投票站与委托" tab: stations, the proxy grant (voters picked by ID number, or by name and the last
four characters of the ID number — a roll has thousands, so no select), revocation, the proxy list's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from elections.forms import DateInput, translated

from ..rules import stations as rules


class StationForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=rules.NAME_MAX,
                           widget=forms.TextInput(attrs={"placeholder": _("如：中心会场、第一投票站、流动票箱一")}))
    kind = forms.ChoiceField(label=_("类型"), choices=translated(rules.STATION_KINDS))
    location = forms.CharField(label=_("地点"), max_length=rules.LOCATION_MAX, required=False)
    supervisors = forms.CharField(
        label=_("监票人"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一名，或用顿号、逗号分隔；流动票箱须有 3 名以上监票人同时在场"))
    ballots_planned = forms.IntegerField(label=_("计划发放选票数"), min_value=0, max_value=rules.BALLOTS_MAX,
                                         required=False)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, required=False)

    def clean_supervisors(self) -> list[str]:
        return rules.clean_supervisors(self.cleaned_data.get("supervisors") or "")


def station_initial(station: Any) -> dict[str, Any]:
    return {"name": station.name, "kind": station.kind, "location": station.location,
            "supervisors": "\n".join(station.supervisors or []), "ballots_planned": station.ballots_planned,
            "order": station.order}


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)


class RevokeForm(forms.Form):
    # the service says what a missing reason should name
    reason = forms.CharField(label=_("撤销原因"), max_length=200, required=False)


_SIDES = {"voter": _("委托人"), "holder": _("受托人")}


class ProxyForm(forms.Form):
    """Each side by the full ID number, or by name and the ID number's last four characters."""

    voter_id_number = forms.CharField(label=_("委托人身份证号"), max_length=30, required=False)
    voter_name = forms.CharField(label=_("或：委托人姓名"), max_length=50, required=False)
    voter_last4 = forms.CharField(label=_("委托人身份证后四位"), max_length=4, min_length=4, required=False)
    holder_id_number = forms.CharField(label=_("受托人身份证号"), max_length=30, required=False)
    holder_name = forms.CharField(label=_("或：受托人姓名"), max_length=50, required=False)
    holder_last4 = forms.CharField(label=_("受托人身份证后四位"), max_length=4, min_length=4, required=False)
    written_on = forms.DateField(label=_("书面委托日期"), widget=DateInput)
    reason = forms.CharField(label=_("委托原因"), max_length=rules.REASON_MAX, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("如：外出务工、年老行动不便")}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for side, label in _SIDES.items():
            number = (data.get(f"{side}_id_number") or "").strip()
            name = (data.get(f"{side}_name") or "").strip()
            last4 = (data.get(f"{side}_last4") or "").strip()
            if number or f"{side}_last4" in self.errors:
                continue
            if not name and not last4:
                self.add_error(f"{side}_id_number", _("请填写%(who)s的身份证号，或姓名和身份证后四位。") % {"who": label})
            elif not name:
                self.add_error(f"{side}_name", _("请填写%(who)s姓名。") % {"who": label})
            elif not last4:
                self.add_error(f"{side}_last4", _("按姓名查找时须填写身份证后四位。"))
        return data

    def lookup(self, side: str) -> dict[str, str]:
        """The selector's arguments for one side (``voter`` or ``holder``)."""
        return {"id_number": self.cleaned_data.get(f"{side}_id_number") or "",
                "name": self.cleaned_data.get(f"{side}_name") or "",
                "id_last4": self.cleaned_data.get(f"{side}_last4") or ""}


PROXY_STATUS_CHOICES = [("", _("全部")), *translated(rules.PROXY_STATUSES)]


class ProxyFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("委托人或受托人姓名、身份证后几位")}))
    status = forms.ChoiceField(label=_("状态"), choices=PROXY_STATUS_CHOICES, required=False)
    holder = forms.IntegerField(label=_("受托人"), required=False, widget=forms.HiddenInput)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
