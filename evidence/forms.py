"""Forms: validate the request, nothing more (access and rules live in selectors/services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, ScoringItem
from zones.models import Zone

from .services import MAX_REASON_LENGTH


class EvidenceUploadForm(forms.Form):
    """One file of the upload page (the page posts each file on its own)."""

    indicator = forms.ModelChoiceField(queryset=Indicator.objects.none(), label=_("三级指标"))
    scoring_item = forms.ModelChoiceField(queryset=ScoringItem.objects.none(), required=False, label=_("评分细则"))
    title = forms.CharField(max_length=200, required=False, label=_("材料名称"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("说明"))
    effective_date = forms.DateField(
        required=False, label=_("材料所属日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    file = forms.FileField(
        label=_("文件"), allow_empty_file=True, error_messages={"required": _("请选择要上传的文件。")}
    )

    def __init__(self, *args, zone: Zone, **kwargs):
        super().__init__(*args, **kwargs)
        # Any level-3 indicator of the zone's system: whether the user's unit answers
        # for it is a permission question (403), not a form error.
        indicators = Indicator.objects.filter(system_id=zone.system_id, level=3)
        self.fields["indicator"].queryset = indicators
        self.fields["scoring_item"].queryset = ScoringItem.objects.filter(indicator__in=indicators)

    def clean(self):
        data = super().clean()
        item, indicator = data.get("scoring_item"), data.get("indicator")
        if item is not None and indicator is not None and item.indicator_id != indicator.pk:
            self.add_error("scoring_item", _("所选评分细则不属于该指标。"))
        return data


class EvidenceVersionForm(forms.Form):
    file = forms.FileField(
        label=_("文件"), allow_empty_file=True, error_messages={"required": _("请选择要上传的文件。")}
    )


class EvidenceReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回原因"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("退回材料时必须填写退回原因。")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("退回材料时必须填写退回原因。"))
        return reason


class EvidenceFilterForm(forms.Form):
    """The review queue's filters (GET)."""

    unit = forms.ModelChoiceField(queryset=None, required=False, label=_("责任单位"), empty_label=_("全部单位"))
    dimension = forms.ModelChoiceField(queryset=None, required=False, label=_("一级指标"), empty_label=_("全部维度"))
    indicator = forms.ModelChoiceField(queryset=None, required=False, label=_("三级指标"), empty_label=_("全部指标"))

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("unit", "dimension", "indicator"):
            self.fields[name].queryset = choices[f"{name}s"]
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
