from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from elections import rules as election_rules
from elections.forms import DateInput, PlaceFilterForm, translated
from elections.models import Jurisdiction

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


# The API's bounds (candidates/serializers): counts of people, ballots and votes; names of supporters.
MAX_COUNT = 10_000_000
MAX_SUPPORTERS = 5000
MAX_VOTE_DIGITS = 8


def count_field(label: Any, **kwargs: Any) -> forms.IntegerField:
    """A count of people, ballots or votes: 0 … 10 000 000 (beyond it SQLite and PostgreSQL overflow)."""
    return forms.IntegerField(label=label, min_value=0, max_value=MAX_COUNT, **kwargs)


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
    votes = count_field(_("推选得票"), initial=0)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class CommitteeEditForm(forms.Form):
    role = forms.ChoiceField(label=_("职务"), choices=translated(rules.COMMITTEE_ROLES))
    votes = count_field(_("推选得票"))


AUDIT_STATUS_CHOICES = [("", _("全部")), ("pending", _("未完成")),
                        ("missing", _("未审计")), ("unpublished", _("未公布")), ("unhandled", _("问题未处理")),
                        ("done", _("已完成"))]


class IncumbentFilterForm(PlaceFilterForm):
    field_order = ["q", "campaign", "street", "community", "body", "audit_status", "talked"]

    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("姓名或拼音首字母")}))
    body = forms.ChoiceField(label=_("选举对象"), choices=[("", _("全部"))] + translated(election_rules.BODIES),
                             required=False)
    audit_status = forms.ChoiceField(label=_("审计"), choices=AUDIT_STATUS_CHOICES, required=False)
    talked = forms.ChoiceField(label=_("谈心谈话"), choices=[("", _("全部")), ("yes", _("已谈话")),
                                                          ("no", _("未谈话"))], required=False)


# --------------------------------------------------------------------------------------------
# Nomination (提名), 两推一选, 民主测评, the formal list (正式候选人)
# --------------------------------------------------------------------------------------------

LINE_SPLIT = re.compile(r"[\r\n,，、;；]+")
# zero-width and joiner characters, the BOM, and any whitespace: invisible in a name, so not part of it
def split_names(text: str) -> list[str]:
    """Supporters typed one per line (commas and 、 also separate), each normalised (rules.normalise_name); blanks
    dropped, order and repeats kept (the service names the repeats). More than MAX_SUPPORTERS names: refused."""
    names = [name for name in (rules.normalise_name(part) for part in LINE_SPLIT.split(text or "")) if name]
    if len(names) > MAX_SUPPORTERS:
        raise forms.ValidationError(
            gettext("联名人最多 %(max)s 人，现填了 %(n)s 人：请核对名单。") % {"max": MAX_SUPPORTERS, "n": len(names)},
            code="too_many")
    return names


class ObjectChoiceField(forms.TypedChoiceField):
    """A <select> over objects the view already holds (no queryset): cleans to the object itself."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)
        self.objects: dict[int, Any] = {}

    def set_objects(self, objects: Any, label: Any, empty_label: Any = None) -> None:
        self.objects = {o.pk: o for o in objects}
        choices = [("", empty_label or "—")] + [(o.pk, label(o)) for o in objects]
        self.choices = choices

    def clean(self, value: Any) -> Any:
        pk = super().clean(value)
        return None if pk is None else self.objects[pk]


def channel_choice_label(channel: str, threshold: int) -> str:
    label = gettext(election_rules.NOMINATION_CHANNELS.get(channel, channel))
    if channel == "self":
        if threshold > 1:
            return gettext("%(label)s（含本人 %(n)s 人以上）") % {"label": label, "n": threshold}
        return label
    if threshold > 0:
        return gettext("%(label)s（%(n)s 人以上联名）") % {"label": label, "n": threshold}
    return label


class NominationForm(forms.Form):
    person = PersonChoiceField(label=_("被提名人"), queryset=None, empty_label=_("— 选择人员 —"))
    position = forms.ChoiceField(label=_("提名职位"), choices=[])
    channel = forms.ChoiceField(label=_("提名方式"), choices=[])
    supporters = forms.CharField(
        label=_("联名人（每行一人）"), required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("张三\n李四\n……")}),
        help_text=_("联名提名、自荐时填写；组织推荐、会议推荐无须填写。"))
    basis = forms.CharField(label=_("提名依据"), max_length=200, required=False,
                            help_text=_("如推荐会议、居民小组会议的名称和日期"))
    replaces = ObjectChoiceField(label=_("递补对象"), required=False,
                                 help_text=_("为未通过或已撤回的人选递补时选择"))

    def __init__(self, *args: Any, people: Any, positions: list[tuple[str, Any]],
                 channels: list[tuple[str, int]], replaceable: list[Any], replacement_only: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.replacement_only = replacement_only
        self.fields["person"].queryset = people
        self.fields["position"].choices = positions
        self.fields["channel"].choices = [(c, channel_choice_label(c, n)) for c, n in channels]
        self.fields["replaces"].set_objects(
            replaceable, lambda n: f"{n.person.name}（{gettext(n.get_position_display())}，"
                                   f"{gettext(n.get_status_display())}）", _("— 不是递补 —"))
        if replacement_only:
            self.fields["replaces"].required = True
            self.fields["replaces"].error_messages["required"] = _("本阶段只受理递补提名：请选择被递补的人选。")

    def clean_supporters(self) -> list[str]:
        return split_names(self.cleaned_data.get("supporters", ""))


class NominationEditForm(forms.Form):
    """Correct a nomination still at the community's 初审: supporters, basis, position (with the version seen)."""

    position = forms.ChoiceField(label=_("提名职位"), choices=[])
    supporters = forms.CharField(label=_("联名人（每行一人）"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    basis = forms.CharField(label=_("提名依据"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, positions: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = positions

    def clean_supporters(self) -> list[str]:
        return split_names(self.cleaned_data.get("supporters", ""))


class NominationFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部")), ("live", _("在审及通过"))] + translated(rules.NOMINATION_STATUSES))
    position = forms.ChoiceField(label=_("职位"), required=False, choices=[])
    channel = forms.ChoiceField(label=_("提名方式"), required=False, choices=[])

    def __init__(self, *args: Any, positions: list[tuple[str, Any]], channels: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = [("", _("全部")), *positions]
        self.fields["channel"].choices = [("", _("全部"))] + [
            (c, _(election_rules.NOMINATION_CHANNELS.get(c, c))) for c in channels]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = {k: v for k, v in self.cleaned_data.items() if v}
        if data.get("status") == "live":
            data.pop("status")
            data["live"] = True
        return data


class NominationListFilterForm(NominationFilterForm):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("姓名或拼音首字母")}))
    street = forms.ModelChoiceField(label=_("街道"), queryset=Jurisdiction.objects.none(), required=False,
                                    empty_label=_("全部"))
    community = forms.ModelChoiceField(label=_("社区"), queryset=Jurisdiction.objects.none(), required=False,
                                       empty_label=_("全部"))
    body = forms.ChoiceField(label=_("选举对象"), choices=[("", _("全部"))] + translated(election_rules.BODIES),
                             required=False)
    field_order = ["q", "street", "community", "body", "status", "position", "channel"]

    def __init__(self, *args: Any, streets: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, positions=translated(list(election_rules.POSITION_LABELS.items())),
                         channels=list(election_rules.NOMINATION_CHANNELS), **kwargs)
        self.fields["street"].queryset = streets
        self.fields["community"].queryset = communities

    def filters(self) -> dict[str, Any]:
        data = super().filters()
        for key in ("street", "community"):
            if data.get(key):
                data[key] = data[key].pk
        return data


RESULT_LINE = re.compile(r"^(?P<name>.+?)[\s,，:：]+(?P<votes>-?\d+)\s*票?$")
ID_TAIL = re.compile(r"^(?P<name>.+?)\s*[（(]\s*(?P<tail>[0-9Xx]{4})\s*[)）]$")


def parse_results(text: str, people: Any) -> tuple[list[tuple[Any, int]], list[str]]:
    """"姓名 票数" lines matched against the community's people by name (a name shared by several people
    takes the last four digits of the ID number: "张伟（1234） 30"). (results, line-numbered errors)."""
    by_name: dict[str, list[Any]] = {}
    for person in people:
        by_name.setdefault(person.name, []).append(person)
    results: list[tuple[Any, int]] = []
    errors: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = RESULT_LINE.match(line)
        if match is None:
            errors.append(gettext("第 %(n)s 行“%(line)s”：请按“姓名 票数”填写。") % {"n": number, "line": line})
            continue
        if match["votes"].startswith("-"):
            errors.append(gettext("第 %(n)s 行“%(line)s”：票数不能为负数。") % {"n": number, "line": line})
            continue
        # checked before int(): a number of thousands of digits would not even convert
        digits = match["votes"].lstrip("0")
        if len(digits) > MAX_VOTE_DIGITS or int(digits or "0") > MAX_COUNT:
            errors.append(gettext("第 %(n)s 行：票数过大（不超过 %(max)s 票），请核对。") % {"n": number, "max": MAX_COUNT})
            continue
        name, votes = match["name"].strip(), int(digits or "0")
        tail = ""
        with_tail = ID_TAIL.match(name)
        if with_tail:
            name, tail = with_tail["name"].strip(), with_tail["tail"].upper()
        found = [p for p in by_name.get(name, []) if not tail or p.id_number.upper().endswith(tail)]
        if not found:
            errors.append(gettext("第 %(n)s 行：本社区人员中没有“%(name)s”，请核对姓名或先登记人员。")
                          % {"n": number, "name": name + (f"（{tail}）" if tail else "")})
        elif len(found) > 1:
            errors.append(gettext("第 %(n)s 行：本社区有 %(count)s 人名为“%(name)s”，请在姓名后注明身份证后四位，"
                                  "如“%(name)s（1234） %(votes)s”。")
                          % {"n": number, "count": len(found), "name": name, "votes": votes})
        else:
            results.append((found[0], votes))
    return results, errors


class RecommendationMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("召开日期"), required=False, widget=DateInput)
    expected = count_field(_("应到人数"))
    present = count_field(_("实到人数"))
    ballots = count_field(_("收回推荐票"))
    results = forms.CharField(
        label=_("推荐结果（每行“姓名 票数”）"), required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("王五 38\n李四 35")}),
        help_text=_("姓名须与人员库一致；同名的在姓名后注明身份证后四位，如“张伟（1234） 30”。"))

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people

    def clean_results(self) -> list[tuple[Any, int]]:
        results, errors = parse_results(self.cleaned_data.get("results", ""), self.people or [])
        if errors:
            raise forms.ValidationError(errors)
        return results


class PreliminaryForm(forms.Form):
    """The position of each person of the preliminary list not yet nominated (default 委员)."""

    def __init__(self, *args: Any, people: list[Any], positions: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for person in people:
            self.fields[f"position-{person.pk}"] = forms.ChoiceField(
                label=person.name, choices=positions, initial="member", required=False)

    def positions(self) -> dict[int, str]:
        return {int(key.split("-", 1)[1]): value for key, value in self.cleaned_data.items() if value}


class AppraisalForm(forms.Form):
    person = ObjectChoiceField(label=_("测评对象（现任成员）"))
    ballots = count_field(_("测评票数"))
    excellent = count_field(_("优秀"), initial=0)
    competent = count_field(_("称职"), initial=0)
    basic = count_field(_("基本称职"), initial=0)
    incompetent = count_field(_("不称职"), initial=0)
    held_on = forms.DateField(label=_("测评日期"), required=False, widget=DateInput)

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].set_objects(people, lambda p: p.name, _("— 选择现任成员 —"))


class PledgeForm(forms.Form):
    signed_on = forms.DateField(label=_("签订日期"), widget=DateInput)


class PublishForm(forms.Form):
    published_on = forms.DateField(label=_("公布日期"), widget=DateInput)


class CandidateAddForm(forms.Form):
    nomination = ObjectChoiceField(label=_("审查通过的人选"))

    def __init__(self, *args: Any, nominations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nomination"].set_objects(
            nominations, lambda n: f"{n.person.name}（{gettext(n.get_position_display())}）", _("— 选择人选 —"))


class ListDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("批复"), widget=forms.RadioSelect,
                                 choices=[("approve", _("同意")), ("return", _("退回"))])
    reply = forms.CharField(label=_("批复意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("退回时须写明理由和调整要求"))


class ListVoteForm(forms.Form):
    """The residents' representatives' meeting (居民代表会议) that votes the formal candidates: its figures and one
    count per approved nominee of each position with more nominees than the margin allows. ``positions``:
    (position label, the most candidates, nominations) per position voted on."""

    held_on = forms.DateField(label=_("会议日期"), widget=DateInput)
    expected = count_field(_("应到人数"), help_text=_("居民代表会议应到会人数"))
    present = count_field(_("实到人数"), help_text=_("须超过应到人数的一半，会议方为有效"))
    ballots = count_field(_("收回选票"))

    def __init__(self, *args: Any, positions: list[tuple[Any, int | None, list[Any]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.positions = positions
        for _label, _bound, nominations in positions:
            for n in nominations:
                self.fields[f"votes-{n.pk}"] = count_field(n.person.name)

    def meeting_fields(self) -> list[Any]:
        return [self[name] for name in ("held_on", "expected", "present", "ballots")]

    def groups(self) -> list[dict[str, Any]]:
        return [{"label": label, "bound": bound, "fields": [self[f"votes-{n.pk}"] for n in nominations]}
                for label, bound, nominations in self.positions]

    def results(self) -> list[tuple[Any, int]]:
        return [(n, self.cleaned_data[f"votes-{n.pk}"]) for _label, _bound, nominations in self.positions
                for n in nominations]
