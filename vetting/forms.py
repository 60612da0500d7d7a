"""Forms of the vetting pages. Text the services check (grounds, reasons, findings, dates) is optional here, so
the services' specific Chinese messages reach the field instead of a generic "required"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates import rules as candidate_rules
from elections import rules as election_rules
from elections.forms import DateInput, translated
from elections.models import Election, Jurisdiction

from . import rules

ALL = [("", _("全部"))]


def _position_choices() -> list[tuple[str, Any]]:
    return translated(list(election_rules.POSITION_LABELS.items()))


# --------------------------------------------------------------------------------------------
# Choosers: nominations with their pinyin, for the filter box of static/js/app.js
# --------------------------------------------------------------------------------------------


class NominationSelect(forms.Select):
    """Each option carries the nominee's name, pinyin and initials, so typing 张, zhang or zs narrows it."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"data-filterable": "1", **(attrs or {})})

    def create_option(self, name: str, value: Any, label: Any, selected: Any, index: int,
                      subindex: int | None = None, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        nomination = getattr(value, "instance", None)
        if nomination is not None:
            person = nomination.person
            option["attrs"]["data-search"] = f"{person.name} {person.name_pinyin} {person.name_initials}"
        return option


class NominationChoiceField(forms.ModelChoiceField):
    widget = NominationSelect

    def __init__(self, *args: Any, with_election: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.with_election = with_election

    def label_from_instance(self, obj: Any) -> str:
        who = f"{obj.person.name}（{obj.get_position_display()}，{obj.get_status_display()}）"
        if self.with_election:
            return f"{obj.election.community.name} {obj.election.get_body_display()} · {who}"
        return who


class ElectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        street = obj.community.parent.name if obj.community.parent else ""
        return f"{street} {obj.community.name} · {obj.get_body_display()}{obj.get_kind_display()}".strip()


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Checkboxes whose codes the service checks (and explains) rather than a generic "invalid choice"."""

    def valid_value(self, value: Any) -> bool:
        return True


# --------------------------------------------------------------------------------------------
# Queue and overview filters
# --------------------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("姓名或拼音首字母（如 zs）"), "size": 22}))
    street = forms.ModelChoiceField(label=_("街道"), queryset=Jurisdiction.objects.none(), required=False,
                                    empty_label=_("全部"))
    community = forms.ModelChoiceField(label=_("社区"), queryset=Jurisdiction.objects.none(), required=False,
                                       empty_label=_("全部"))
    body = forms.ChoiceField(label=_("选举对象"), choices=ALL + translated(election_rules.BODIES), required=False)
    position = forms.ChoiceField(label=_("提名职位"), choices=[], required=False)
    flagged = forms.BooleanField(label=_("只看有提示事项的"), required=False)

    def __init__(self, *args: Any, communities: Any = None, streets: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = ALL + _position_choices()
        # a clerk's one community needs no chooser
        for name, places in (("street", streets), ("community", communities)):
            if places is None:
                del self.fields[name]
            else:
                self.fields[name].queryset = places

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "street": data["street"].pk if data.get("street") else None,
            "community": data["community"].pk if data.get("community") else None,
            "body": data.get("body") or "",
            "position": data.get("position") or "",
            "flagged": bool(data.get("flagged")),
        }


class OverviewFilterForm(QueueFilterForm):
    status = forms.ChoiceField(label=_("状态"), choices=ALL + translated(candidate_rules.NOMINATION_STATUSES),
                               required=False)
    level = forms.ChoiceField(label=_("审查层级"), choices=ALL + translated(candidate_rules.REVIEW_LEVELS),
                              required=False)

    def filters(self) -> dict[str, Any]:
        found = super().filters()
        if found:
            found["status"] = self.cleaned_data.get("status") or ""
            found["level"] = self.cleaned_data.get("level") or ""
        return found


# --------------------------------------------------------------------------------------------
# Reviews and the street's decision on 不宜 rejections
# --------------------------------------------------------------------------------------------


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("审查结论"), choices=translated(rules.DECISIONS), widget=forms.RadioSelect)
    grounds = LenientMultipleChoiceField(label=_("存在的不得、不宜情形"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("审查意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # what the reviewer saw: the level and version of the nomination when the page was shown
    level = forms.CharField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, grounds: list[rules.GroundInfo] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grounds"].choices = [(g.code, g.text) for g in grounds or []]

    def checked(self) -> list[str]:
        value = self["grounds"].value()
        return [str(v) for v in value] if isinstance(value, list | tuple) else []


class HeldDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("街道决定"), choices=translated(rules.STREET_DECISIONS),
                                 widget=forms.RadioSelect)
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("不予采纳或维持，都须写明理由"))
    version = forms.IntegerField(widget=forms.HiddenInput)
    next = forms.CharField(widget=forms.HiddenInput, required=False)


# --------------------------------------------------------------------------------------------
# Configuration: departments and grounds of a district
# --------------------------------------------------------------------------------------------


class DepartmentsForm(forms.Form):
    codes = forms.MultipleChoiceField(label=_("参加区级联审的部门"), required=False,
                                      choices=translated(election_rules.DEPARTMENTS),
                                      widget=forms.CheckboxSelectMultiple)


class GroundForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=translated(rules.GROUND_KINDS))
    department = forms.ChoiceField(label=_("审查部门"), required=False,
                                   choices=[("", _("社区/街道"))] + translated(election_rules.DEPARTMENTS))
    text = forms.CharField(label=_("情形"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(label=_("依据"), max_length=200, required=False)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)


# --------------------------------------------------------------------------------------------
# Publicity and objections
# --------------------------------------------------------------------------------------------


class PublicityForm(forms.Form):
    starts_on = forms.DateField(label=_("公示开始"), required=False, widget=DateInput)
    ends_on = forms.DateField(label=_("公示结束"), required=False, widget=DateInput,
                              help_text=_("首尾两天都计入公示期"))
    place = forms.CharField(label=_("公示地点"), max_length=200, required=False,
                            widget=forms.TextInput(attrs={"placeholder": _("如：社区公示栏、居民小组公示点")}))


class ObjectionForm(forms.Form):
    nomination = NominationChoiceField(label=_("涉及人选"), queryset=None, required=False,
                                       empty_label=_("— 未指明人选 —"))
    objector = forms.CharField(label=_("反映人"), max_length=100, required=False,
                               help_text=_("匿名反映请填“匿名”"))
    contact = forms.CharField(label=_("联系方式"), max_length=50, required=False)
    received_on = forms.DateField(label=_("受理日期"), required=False, widget=DateInput)
    content = forms.CharField(label=_("反映内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, nominations: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = nominations


class ObjectionResolveForm(forms.Form):
    status = forms.ChoiceField(label=_("调查结论"), widget=forms.RadioSelect,
                               choices=translated([(c, lbl) for c, lbl in rules.OBJECTION_STATUSES if c != "open"]))
    finding = forms.CharField(label=_("调查处理结果"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    resolved_on = forms.DateField(label=_("办结日期"), required=False, widget=DateInput,
                                  help_text=_("不填即为今天"))


# --------------------------------------------------------------------------------------------
# Reports (举报)
# --------------------------------------------------------------------------------------------


class ReportFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("被举报人姓名或拼音首字母"), "size": 22}))
    election = ElectionChoiceField(label=_("选举"), queryset=Election.objects.none(), required=False,
                                   empty_label=_("全部"))
    status = forms.ChoiceField(label=_("状态"), choices=ALL + translated(rules.REPORT_STATUSES), required=False)
    overdue = forms.BooleanField(label=_("只看逾期未办结的"), required=False)
    must = forms.BooleanField(label=_("只看必查的"), required=False)

    def __init__(self, *args: Any, elections: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["election"].queryset = elections

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "election": data["election"].pk if data.get("election") else None,
            "status": data.get("status") or "",
            "overdue": bool(data.get("overdue")),
            "must": bool(data.get("must")),
        }


class ReportForm(forms.Form):
    election = ElectionChoiceField(label=_("选举"), queryset=Election.objects.none(), empty_label=_("— 选择选举 —"))
    nomination = NominationChoiceField(label=_("被举报人"), queryset=None, required=False, with_election=True,
                                       empty_label=_("— 未指明被提名人 —"),
                                       help_text=_("须是所选选举的被提名人"))
    reporter = forms.CharField(label=_("举报人"), max_length=100, required=False,
                               help_text=_("匿名举报留空；填写姓名即为实名举报"))
    contact = forms.CharField(label=_("联系方式"), max_length=50, required=False)
    channel = forms.ChoiceField(label=_("举报渠道"), choices=translated(rules.REPORT_CHANNELS))
    categories = LenientMultipleChoiceField(label=_("必查情形"), required=False,
                                            choices=translated(rules.REPORT_CATEGORIES),
                                            widget=forms.CheckboxSelectMultiple,
                                            help_text=_("属于任何一项即须核查办结"))
    received_on = forms.DateField(label=_("受理日期"), required=False, widget=DateInput)
    due_on = forms.DateField(label=_("办结期限"), required=False, widget=DateInput,
                             help_text=_("不填按选举规则的办结时限计算"))
    content = forms.CharField(label=_("举报内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, elections: Any, nominations: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"received_on": timezone.localdate(), "channel": "phone"})
        super().__init__(*args, **kwargs)
        self.fields["election"].queryset = elections
        self.fields["nomination"].queryset = nominations


class ReportCloseForm(forms.Form):
    status = forms.ChoiceField(label=_("核查结论"),
                               choices=translated([(c, lbl) for c, lbl in rules.REPORT_STATUSES if c != "open"]))
    finding = forms.CharField(label=_("核查结果"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    rejects_nominee = forms.BooleanField(label=_("取消被举报人候选资格"), required=False,
                                         help_text=_("仅限查实或部分属实"))
    closed_on = forms.DateField(label=_("办结日期"), required=False, widget=DateInput, help_text=_("不填即为今天"))
