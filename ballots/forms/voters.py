"""Forms of the "选民登记" tab: the roll's settings, publication, one voter's registration, correction and
removal, objections and their decisions, the list's filters. Services judge; these only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from elections.forms import DateInput, translated

from ..models import CATEGORIES, REGISTRATION_MODES, ROLL_OBJECTION_KINDS

MAX_RESIDENTS = 10_000_000
STATUS_CHOICES = [("active", _("已登记")), ("removed", _("已除名")), ("all", _("全部"))]


class RollSettingsForm(forms.Form):
    mode = forms.ChoiceField(label=_("登记方式"), choices=translated(REGISTRATION_MODES))
    residents_total = forms.IntegerField(label=_("居民总数"), required=False, min_value=1, max_value=MAX_RESIDENTS,
                                         help_text=_("自愿登记时必填：登记人数不得少于居民总数的规定比例"))

    def __init__(self, *args: Any, body: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if body == "party_committee":  # the members are the electors: no voluntary registration
            self.fields["mode"].choices = [c for c in self.fields["mode"].choices if c[0] == "all"]


class VoterPublishForm(forms.Form):
    published_on = forms.DateField(label=_("公布日期"), widget=DateInput)


class VoterAddForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=100)
    id_number = forms.CharField(label=_("身份证号码"), max_length=40)
    group = forms.CharField(label=_("居民小组"), max_length=100)
    category = forms.ChoiceField(label=_("户籍类别"), choices=translated(CATEGORIES), initial="resident")
    reason = forms.CharField(label=_("登记说明"), max_length=200, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("如：补登、新迁入")}))


class VoterEditForm(forms.Form):
    group = forms.CharField(label=_("居民小组"), max_length=100)
    category = forms.ChoiceField(label=_("户籍类别"), choices=translated(CATEGORIES))
    reason = forms.CharField(label=_("更正原因"), max_length=200, required=False)


class VoterRemoveForm(forms.Form):
    # the service says what a missing reason should name
    reason = forms.CharField(label=_("除名原因"), max_length=200, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("如：重复登记、已迁出、已去世")}))


class VoterFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("姓名、拼音首字母（如 zs）或身份证后几位")}))
    group = forms.ChoiceField(label=_("居民小组"), required=False)
    category = forms.ChoiceField(label=_("户籍类别"), required=False,
                                 choices=[("", _("全部"))] + translated(CATEGORIES))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args: Any, groups: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("全部"))] + [(g, g) for g in groups]

    def filters(self) -> dict[str, Any]:
        """The selector's filters; the list shows registered voters unless asked otherwise."""
        if not self.is_bound or not self.is_valid():
            return {"status": "active"}
        data = dict(self.cleaned_data)
        status = data.get("status") or "active"
        data["status"] = "" if status == "all" else status
        return data


class ObjectionRaiseForm(forms.Form):
    raised_on = forms.DateField(label=_("提出日期"), widget=DateInput)
    raised_by = forms.CharField(label=_("提出人"), max_length=100)
    contact = forms.CharField(label=_("联系方式"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("异议类型"), choices=translated(ROLL_OBJECTION_KINDS))
    subject_name = forms.CharField(label=_("涉及人员"), max_length=100, required=False,
                                   help_text=_("漏登的，填写应登记人员的姓名"))
    voter_id_number = forms.CharField(label=_("涉及选民的身份证号"), max_length=40, required=False,
                                      help_text=_("错登、重登的，填写名单中该选民的身份证号"))
    content = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


DECISIONS = [("upheld", _("异议成立")), ("dismissed", _("异议不成立"))]


class ObjectionDecideForm(forms.Form):
    """The decision; an upheld 漏登 registers the person (name, ID number, group, category asked for here), an
    upheld 错登/重登 removes the voter (asked for when the objection did not name one)."""

    decision = forms.ChoiceField(label=_("处理结果"), widget=forms.RadioSelect, choices=DECISIONS)
    decision_text = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    decided_on = forms.DateField(label=_("处理日期"), widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, kind: str, named: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind == "omitted":
            self.fields["name"] = forms.CharField(label=_("姓名（异议成立时补登）"), max_length=100, required=False)
            self.fields["id_number"] = forms.CharField(label=_("身份证号码"), max_length=40, required=False)
            self.fields["group"] = forms.CharField(label=_("居民小组"), max_length=100, required=False)
            self.fields["category"] = forms.ChoiceField(label=_("户籍类别"), choices=translated(CATEGORIES),
                                                        initial="resident", required=False)
        elif kind in {"wrong", "duplicate"} and not named:
            self.fields["voter_id_number"] = forms.CharField(
                label=_("应除名选民的身份证号（异议成立时）"), max_length=40, required=False)
