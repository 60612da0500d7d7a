"""Forms of the voter-import pages: the upload, and the decision on a held row."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class VoterImportForm(forms.Form):
    file = forms.FileField(
        label=_("选民名单文件"),
        help_text=_(".xlsx 或 .csv 文件，至多 20 MB、20 万行。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class HeldDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("处理"), choices=[("register", _("登记为选民")), ("discard", _("不予登记"))])
    reason = forms.CharField(label=_("处理说明"), max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": _("如：核实为同一人，以本行为准")}))
