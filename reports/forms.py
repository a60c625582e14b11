"""Forms of the report pages: choices come from the registry and from what the user may see."""

from __future__ import annotations

from django import forms

from .content import round_choice_label
from .kinds import kinds_in_order
from .models import ReviewOpinion

LIVE = "live"


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label="报告类型", widget=forms.Select(attrs={"class": "form-select"}))
    subject = forms.ChoiceField(label="评分来源", widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, rounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.identifier, k.verbose_name) for k in kinds_in_order()]
        self.fields["subject"].choices = [(LIVE, "实时得分")] + [(str(r.pk), round_choice_label(r)) for r in rounds]


class OpinionForm(forms.Form):
    round = forms.ChoiceField(label="评估轮次", widget=forms.Select(attrs={"class": "form-select"}))
    # No conclusion is preselected: a reviewer who forgets to choose is asked to, not taken for 通过.
    conclusion = forms.ChoiceField(
        label="评审结论",
        choices=[("", "请选择")] + list(ReviewOpinion.Conclusion.choices),
        widget=forms.Select(attrs={"class": "form-select", "required": True}),
        error_messages={"required": "请选择评审结论。", "invalid_choice": "请选择评审结论：通过、整改后复核或不通过。"},
    )
    text = forms.CharField(
        label="评审意见", widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}), max_length=5000
    )

    def __init__(self, *args, rounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [(str(r.pk), round_choice_label(r)) for r in rounds]
