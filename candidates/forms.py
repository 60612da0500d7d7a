from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from elections import rules as election_rules
from elections.forms import DateInput, translated
from elections.models import Campaign, Jurisdiction

from . import rules


class PersonFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False,
                        widget=forms.TextInput(attrs={"placeholder": "姓名、拼音首字母（如 zs）或身份证后几位"}))
    community = forms.ModelChoiceField(label="社区", queryset=Jurisdiction.objects.none(), required=False)
    sex = forms.ChoiceField(label="性别", choices=[("", "全部")] + rules.SEXES, required=False)
    education = forms.ChoiceField(label="学历", choices=[("", "全部")] + rules.EDUCATION, required=False)
    party_member = forms.ChoiceField(label="党员", choices=[("", "全部"), ("true", "是"), ("false", "否")],
                                     required=False)

    def __init__(self, *args: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        data["community"] = data["community"].pk if data.get("community") else None
        return data


class PersonForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号码", max_length=30)
    community = forms.ModelChoiceField(label="所在社区", queryset=Jurisdiction.objects.none())
    education = forms.ChoiceField(label="学历", choices=[("", "—")] + rules.EDUCATION, required=False)
    party_member = forms.BooleanField(label="中共党员", required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)

    def __init__(self, *args: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class RelativeForm(forms.Form):
    relative = forms.ModelChoiceField(label="亲属", queryset=None)
    relation = forms.ChoiceField(label="是本人的", choices=rules.RELATIONS)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["relative"].queryset = people
        self.fields["relative"].label_from_instance = lambda p: f"{p.name}（{p.masked_id}，{p.community.name}）"


# --------------------------------------------------------------------------------------------
# Preparation: incumbents, audits, talks, the residents' election committee
# --------------------------------------------------------------------------------------------


class PersonSelect(forms.Select):
    """A plain <select>; each option carries the name's pinyin and initials so the page's filter box
    (static/js/app.js) narrows it as the clerk types 张, zhang or zs."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"data-filterable": "1", **(attrs or {})})

    def create_option(self, name: str, value: Any, label: Any, selected: Any, index: int,
                      subindex: int | None = None, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        person = getattr(value, "instance", None)
        if person is not None:
            option["attrs"]["data-search"] = f"{person.name} {person.name_pinyin} {person.name_initials}"
        return option


class PersonChoiceField(forms.ModelChoiceField):
    widget = PersonSelect

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.masked_id}）"


class IncumbentForm(forms.Form):
    person = PersonChoiceField(label=_("人员"), queryset=None, empty_label=_("— 选择人员 —"))
    position = forms.ChoiceField(label=_("现任职务"), choices=[])
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, body: str, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["position"].choices = translated(election_rules.POSITIONS_BY_BODY[body])


class AuditForm(forms.Form):
    auditor = forms.CharField(label=_("审计单位"), max_length=100)
    conclusion = forms.CharField(label=_("审计结论"), widget=forms.Textarea(attrs={"rows": 2}))
    findings = forms.CharField(label=_("发现的问题"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    handling = forms.CharField(label=_("问题处理情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    audited_on = forms.DateField(label=_("审计日期"), required=False, widget=DateInput)
    published_on = forms.DateField(label=_("结果公布日期"), required=False, widget=DateInput,
                                   help_text=_("向居民公布审计结果后填写"))


class TalkForm(forms.Form):
    held_on = forms.DateField(label=_("谈话日期"), widget=DateInput)
    interviewers = forms.CharField(label=_("谈话人"), max_length=200,
                                   widget=forms.TextInput(attrs={"placeholder": _("如：街道党工委书记 王某")}))
    note = forms.CharField(label=_("谈话情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    # the services say what a missing reason should name ("录入错误、已不在任" …)
    reason = forms.CharField(label=_("理由"), max_length=200, required=False)


class CommitteeMemberForm(forms.Form):
    person = PersonChoiceField(label=_("人员"), queryset=None, empty_label=_("— 选择人员 —"))
    role = forms.ChoiceField(label=_("职务"), choices=translated(rules.COMMITTEE_ROLES))
    votes = forms.IntegerField(label=_("推选得票"), min_value=0, initial=0)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class CommitteeEditForm(forms.Form):
    role = forms.ChoiceField(label=_("职务"), choices=translated(rules.COMMITTEE_ROLES))
    votes = forms.IntegerField(label=_("推选得票"), min_value=0)


AUDIT_STATUS_CHOICES = [("", _("全部")), ("pending", _("未完成")),
                        ("missing", _("未审计")), ("unpublished", _("未公布")), ("unhandled", _("问题未处理")),
                        ("done", _("已完成"))]


class IncumbentFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("姓名或拼音首字母")}))
    campaign = forms.ModelChoiceField(label=_("换届工作"), queryset=Campaign.objects.none(), required=False)
    street = forms.ModelChoiceField(label=_("街道"), queryset=Jurisdiction.objects.none(), required=False)
    community = forms.ModelChoiceField(label=_("社区"), queryset=Jurisdiction.objects.none(), required=False)
    body = forms.ChoiceField(label=_("选举对象"), choices=[("", _("全部"))] + translated(election_rules.BODIES),
                             required=False)
    audit_status = forms.ChoiceField(label=_("审计"), choices=AUDIT_STATUS_CHOICES, required=False)
    talked = forms.ChoiceField(label=_("谈心谈话"), choices=[("", _("全部")), ("yes", _("已谈话")),
                                                          ("no", _("未谈话"))], required=False)

    def __init__(self, *args: Any, campaigns: Any, streets: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["street"].queryset = streets
        self.fields["community"].queryset = communities

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        for key in ("campaign", "street", "community"):
            data[key] = data[key].pk if data.get(key) else None
        return data
