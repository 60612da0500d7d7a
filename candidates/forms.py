from __future__ import annotations

from typing import Any

from django import forms

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
