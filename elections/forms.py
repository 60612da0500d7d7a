from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Campaign, Jurisdiction, Rulebook


class DateInput(forms.DateInput):
    """An HTML date input: its value must be ISO (YYYY-MM-DD) whatever the language's date format,
    or the browser shows a prefilled date as empty and a correction form loses it."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:  # noqa: A002
        super().__init__(attrs, format or "%Y-%m-%d")


def translated(choices: list[tuple[str, str]]) -> list[tuple[str, Any]]:
    """Code-table choices, translated when shown (makemessages finds the labels in label_catalog.py)."""
    return [(code, _(label)) for code, label in choices]


class ElectionFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    campaign = forms.ModelChoiceField(label=_("换届工作"), queryset=Campaign.objects.none(), required=False)
    street = forms.ModelChoiceField(label=_("街道"), queryset=Jurisdiction.objects.none(), required=False)
    body = forms.ChoiceField(label=_("选举对象"), choices=[("", _("全部"))] + translated(rules.BODIES), required=False)
    stage = forms.ChoiceField(label=_("阶段"), choices=[("", _("全部"))] + translated(rules.STAGES), required=False)

    def __init__(self, *args: Any, campaigns: Any, streets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["street"].queryset = streets

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data.get("q"),
            "campaign": data["campaign"].pk if data.get("campaign") else None,
            "street": data["street"].pk if data.get("street") else None,
            "body": data.get("body"),
            "stage": data.get("stage"),
        }


class ElectionCreateForm(forms.Form):
    campaign = forms.ModelChoiceField(label="换届工作", queryset=Campaign.objects.none())
    community = forms.ModelChoiceField(label="社区", queryset=Jurisdiction.objects.none())
    body = forms.ChoiceField(label="选举对象", choices=rules.BODIES)
    kind = forms.ChoiceField(label="类型", choices=rules.KINDS)
    rulebook = forms.ModelChoiceField(label="选举办法", queryset=Rulebook.objects.none(), to_field_name="code")
    election_day = forms.DateField(label="选举日", required=False, widget=DateInput)

    def __init__(self, *args: Any, campaigns: Any, communities: Any, rulebooks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["community"].queryset = communities
        self.fields["rulebook"].queryset = rulebooks


class ElectionEditForm(forms.Form):
    election_day = forms.DateField(label="选举日", required=False, widget=DateInput)
    rule_overrides = forms.CharField(
        label="规则调整（JSON）", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text='例如 {"proxy_limit": 2, "preliminary_margin": "30%"}',
    )

    def clean_rule_overrides(self) -> dict[str, Any]:
        raw = (self.cleaned_data.get("rule_overrides") or "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列。") from exc
        if not isinstance(value, dict):
            raise forms.ValidationError("规则调整须为 {“参数”: 值} 形式的对象。")
        return value


class SeatPlanForm(forms.Form):
    def __init__(self, *args: Any, body: str, current: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in rules.POSITIONS_BY_BODY[body]:
            self.fields[code] = forms.IntegerField(label=label, min_value=0, max_value=50,
                                                   initial=current.get(code, 0))

    def seats(self) -> list[dict[str, Any]]:
        return [{"position": k, "count": v} for k, v in self.cleaned_data.items() if v]


class ReopenForm(forms.Form):
    stage = forms.ChoiceField(label="退回到", choices=[])
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(c, lbl) for c, lbl in rules.STAGES if rules.can_reopen_to(current, c)]


class CampaignForm(forms.Form):
    name = forms.CharField(label="名称", max_length=200)
    jurisdiction = forms.ModelChoiceField(label="组织单位", queryset=Jurisdiction.objects.none())
    milestones = forms.CharField(
        label="工作节点", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一个：节点名称, 完成日期（YYYY-MM-DD）[, party_committee 或 residents_committee]",
    )

    def __init__(self, *args: Any, jurisdictions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions

    def clean_milestones(self) -> list[dict[str, Any]]:
        import datetime as dt

        items = []
        for number, line in enumerate((self.cleaned_data.get("milestones") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if len(parts) < 2:
                raise forms.ValidationError(f"第 {number} 行应为“名称, 日期”。")
            try:
                due = dt.date.fromisoformat(parts[1])
            except ValueError as exc:
                raise forms.ValidationError(f"第 {number} 行的日期“{parts[1]}”无效，应为 YYYY-MM-DD。") from exc
            body = parts[2] if len(parts) > 2 else ""
            if body and body not in rules.BODY_LABELS:
                raise forms.ValidationError(f"第 {number} 行的适用选举“{body}”无效。")
            items.append({"name": parts[0], "due": due, "body": body})
        return items


# --------------------------------------------------------------------------------------------
# Preparation: rulebook adoption, party request and reply, rectification
# --------------------------------------------------------------------------------------------


class AdoptionForm(forms.Form):
    meeting = forms.ChoiceField(label=_("会议形式"), choices=translated(rules.ADOPTION_MEETINGS))
    held_on = forms.DateField(label=_("会议日期"), widget=DateInput)
    expected = forms.IntegerField(label=_("应到人数"), min_value=0)
    present = forms.IntegerField(label=_("实到人数"), min_value=0)
    votes_for = forms.IntegerField(label=_("赞成票"), min_value=0)
    votes_against = forms.IntegerField(label=_("反对票"), min_value=0, initial=0)
    abstentions = forms.IntegerField(label=_("弃权票"), min_value=0, initial=0)
    published_on = forms.DateField(label=_("公布日期"), required=False, widget=DateInput,
                                   help_text=_("张榜公布后填写"))


class PartyRequestForm(forms.Form):
    meeting_kind = forms.ChoiceField(label=_("会议形式"), choices=translated(rules.PARTY_MEETING_KINDS))
    recommendation_method = forms.CharField(
        label=_("候选人预备人选推荐产生办法"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text=_("委员、书记、副书记候选人预备人选如何推荐产生（如“两推一选”：党员推荐、群众推荐、街道党工委推荐）"),
    )
    submitted_on = forms.DateField(label=_("报送日期"), required=False, widget=DateInput,
                                   help_text=_("不填即为今天"))
    note = forms.CharField(label=_("其他说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PartyDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("批复"), choices=[("approve", _("同意")), ("return", _("退回"))])
    reply = forms.CharField(label=_("批复意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("退回时须写明理由"))
    decided_on = forms.DateField(label=_("批复日期"), required=False, widget=DateInput,
                                 help_text=_("不填即为今天"))


class PlaceFilterForm(forms.Form):
    """The campaign / street / community choosers of a list page (the view passes what the user may see);
    ``filters()`` gives the cleaned data with those three as ids, for elections.selectors.place_filter."""

    campaign = forms.ModelChoiceField(label=_("换届工作"), queryset=Campaign.objects.none(), required=False)
    street = forms.ModelChoiceField(label=_("街道"), queryset=Jurisdiction.objects.none(), required=False)
    community = forms.ModelChoiceField(label=_("社区"), queryset=Jurisdiction.objects.none(), required=False)

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


class RectificationFilterForm(PlaceFilterForm):
    category = forms.ChoiceField(label=_("类别"), choices=[("", _("全部"))] + translated(rules.RECTIFICATION_CATEGORIES),
                                 required=False)
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), ("open", _("整顿中")),
                                                        ("done", _("已完成"))], required=False)


class RectificationFlagForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("换届工作"), queryset=Campaign.objects.none())
    community = forms.ModelChoiceField(label=_("社区"), queryset=Jurisdiction.objects.none())
    category = forms.ChoiceField(label=_("类别"), choices=translated(rules.RECTIFICATION_CATEGORIES))
    # the text fields are checked by the service, whose messages say what to write
    problems = forms.CharField(label=_("主要问题"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    plan = forms.CharField(label=_("整顿方案"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           help_text=_("措施、责任人、时限"))
    responsible = forms.CharField(label=_("包联责任人"), max_length=100, required=False)
    flagged_on = forms.DateField(label=_("列入日期"), required=False, widget=DateInput,
                                 help_text=_("不填即为今天"))

    def __init__(self, *args: Any, campaigns: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["community"].queryset = communities


class RectificationCompleteForm(forms.Form):
    note = forms.CharField(label=_("整顿情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           help_text=_("解决了哪些问题"))
    completed_on = forms.DateField(label=_("完成日期"), required=False, widget=DateInput,
                                   help_text=_("不填即为今天"))


# --------------------------------------------------------------------------------------------
# Handover (工作移交)
# --------------------------------------------------------------------------------------------


class TookOfficeForm(forms.Form):
    took_office_on = forms.DateField(label=_("新一届委员会就职日期"), required=False, widget=DateInput,
                                     help_text=_("一般为选举结果公布之日"))


class HandoverItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=translated(rules.HANDOVER_KINDS))
    # the text fields are checked by the service, whose messages say what to write
    description = forms.CharField(label=_("移交内容"), max_length=300, required=False,
                                  help_text=_("如印章名称、档案册数、台账名称、场所地址"))
    handed_by = forms.CharField(label=_("移交人（原班子）"), max_length=100, required=False)
    received_by = forms.CharField(label=_("接收人（新班子）"), max_length=100, required=False)
    witness = forms.CharField(label=_("监交人（街道）"), max_length=100, required=False)
    done_on = forms.DateField(label=_("移交日期"), required=False, widget=DateInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class HandoverDeleteForm(forms.Form):
    reason = forms.CharField(label=_("删除理由"), max_length=200, required=False)


class HandoverDelayForm(forms.Form):
    delay_note = forms.CharField(label=_("逾期情况说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                 help_text=_("逾期的原因和处理情况"))


class NoticeGenerateForm(forms.Form):
    kind = forms.CharField(label=_("文书"), max_length=32)
