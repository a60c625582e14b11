"""Forms: validate the request, nothing more (access and rules live in selectors/services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, ScoringItem
from zones.models import Zone

from .models import EvidenceStatus
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


CONTROL_CLASS, SELECT_CLASS = "form-control form-control-sm", "form-select form-select-sm"

SORT_CHOICES = [
    ("indicator", _("按指标")),
    ("newest", _("最新上传在前")),
    ("oldest", _("最早上传在前")),
    ("title", _("按材料名称")),
]


class EvidenceFilterForm(forms.Form):
    """The evidence list's and the review queue's filters, search and sort (GET, kept in the URL).
    ``with_status``: the list filters by status; the queue shows submitted evidence only."""

    q = forms.CharField(required=False, max_length=100, label=_("搜索"), strip=True)
    status = forms.ChoiceField(required=False, label=_("状态"))
    unit = forms.ModelChoiceField(queryset=None, required=False, label=_("责任单位"), empty_label=_("全部单位"))
    dimension = forms.ModelChoiceField(queryset=None, required=False, label=_("一级指标"), empty_label=_("全部维度"))
    indicator = forms.ModelChoiceField(queryset=None, required=False, label=_("三级指标"), empty_label=_("全部指标"))
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label=_("排序"))

    def __init__(self, *args, choices: dict, with_status: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("unit", "dimension", "indicator"):
            self.fields[name].queryset = choices[f"{name}s"]
        if with_status:
            self.fields["status"].choices = [("", _("全部状态")), *EvidenceStatus.choices]
        else:
            del self.fields["status"]
        self.fields["q"].widget.attrs.update({"placeholder": _("材料名称或指标编号"), "type": "search"})
        self.fields["q"].error_messages["max_length"] = _("搜索词不能超过 %(limit_value)d 个字。")
        for name, field in self.fields.items():
            field.widget.attrs["class"] = CONTROL_CLASS if name == "q" else SELECT_CLASS

    def controls(self) -> list[dict]:
        """The fields as plain values for templates/evidence/_filter.html, which draws the selects
        itself: Django's widgets render every <option> through a template of its own, which for a
        province's units and items costs more than the page's rows."""
        out = []
        for bound in self:
            current = "" if bound.value() is None else str(bound.value())
            options = None
            if isinstance(bound.field, forms.ChoiceField):
                options = [(str(value), str(label), str(value) == current) for value, label in bound.field.choices]
            out.append(
                {
                    "name": bound.name,
                    "id": bound.auto_id,
                    "label": bound.label,
                    "value": current,
                    "options": options,
                    "errors": bound.errors,
                    "attrs": bound.field.widget.attrs,
                }
            )
        return out

    def filters(self) -> dict:
        """Keyword arguments for ``selectors.evidence_list``: only the fields that are valid."""
        data = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data then holds the valid fields only
            data = self.cleaned_data
        return {
            "status": data.get("status") or None,
            "unit_id": getattr(data.get("unit"), "pk", None),
            "indicator_id": getattr(data.get("indicator"), "pk", None),
            "dimension_id": getattr(data.get("dimension"), "pk", None),
            "search": data.get("q") or "",
            "sort": data.get("sort") or "indicator",
        }
