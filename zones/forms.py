"""Forms: input validation only. Views hand ``cleaned_data`` to one service."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .lifecycle import ZoneStatus
from .models import LeadingGroupMember, Unit, Zone
from .regions import RegionCategory
from .selectors import LEAD, NONE, RESPONSIBLE
from .templates_data import DEFAULT_TEMPLATE, TEMPLATES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The largest position a PositiveIntegerField holds on every database (PostgreSQL: 2³¹ − 1).
POSITION_MAX = 2_147_483_647


class PortalForm(forms.Form):
    """Bootstrap classes on every widget, so templates render ``{{ field }}`` as is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form: per field where the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ZoneSettingsForm(PortalForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    region_category = forms.ChoiceField(label=_("东中西部"), choices=RegionCategory.choices)
    reference_year_1 = forms.IntegerField(label=_("参考年度一"), min_value=2000, max_value=2100)
    reference_year_2 = forms.IntegerField(label=_("参考年度二"), min_value=2000, max_value=2100)
    creation_start = forms.DateField(label=_("创建周期开始"), required=False, widget=DATE)
    creation_end = forms.DateField(label=_("创建周期结束"), required=False, widget=DATE)

    @classmethod
    def for_zone(cls, zone: Zone, data=None) -> ZoneSettingsForm:
        initial = {field: getattr(zone, field) for field in cls.base_fields}
        return cls(data, initial=initial)

    def clean(self):
        data = super().clean()
        y1, y2 = data.get("reference_year_1"), data.get("reference_year_2")
        if y1 and y2 and y2 <= y1:
            self.add_error("reference_year_2", _("参考年度二必须晚于参考年度一。"))
        return data


class TransitionForm(PortalForm):
    to_status = forms.ChoiceField(label=_("变更为"), choices=ZoneStatus.choices)
    reason = forms.CharField(label=_("理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class KeyParkForm(PortalForm):
    name = forms.CharField(label=_("园区名称"), max_length=100)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StageForm(PortalForm):
    name = forms.CharField(label=_("阶段名称"), max_length=60)
    start = forms.DateField(label=_("开始日期"), widget=DATE)
    end = forms.DateField(label=_("结束日期"), widget=DATE)
    position = forms.IntegerField(label=_("排序"), required=False, min_value=0, max_value=POSITION_MAX)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data


class StageStepForm(PortalForm):
    title = forms.CharField(label=_("步骤"), max_length=100)
    position = forms.IntegerField(label=_("排序"), required=False, min_value=0, max_value=POSITION_MAX)


class StageTemplateForm(PortalForm):
    template = forms.ChoiceField(
        label=_("阶段模板"), choices=[(code, t.name) for code, t in TEMPLATES.items()], initial=DEFAULT_TEMPLATE
    )
    start = forms.DateField(
        label=_("第一阶段开始日期"), required=False, widget=DATE, help_text=_("留空则取创建周期开始日期。")
    )


class UnitForm(PortalForm):
    name = forms.CharField(label=_("单位全称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("单位类型"), choices=Unit.Kind.choices)
    aliases = forms.CharField(
        label=_("别称"),
        required=False,
        help_text=_("多个别称用逗号或顿号分隔，如：市场监管局、市市场监管局。"),
    )
    position = forms.IntegerField(label=_("排序"), required=False, min_value=0, max_value=POSITION_MAX)

    @classmethod
    def for_unit(cls, unit: Unit, data=None) -> UnitForm:
        initial = {
            "name": unit.name,
            "short_name": unit.short_name,
            "kind": unit.kind,
            "aliases": "、".join(unit.aliases or []),
            "position": unit.position,
        }
        return cls(data, initial=initial)


class LeadingGroupMemberForm(PortalForm):
    role = forms.ChoiceField(label=_("职务"), choices=LeadingGroupMember.Role.choices)
    title = forms.CharField(label=_("职务名称"), max_length=100, help_text=_("如：市政府副市长、市市场监管局局长。"))
    unit = forms.ModelChoiceField(label=_("所在单位"), queryset=Unit.objects.none(), required=False)
    user = forms.ModelChoiceField(label=_("用户"), queryset=None, required=False)
    position = forms.IntegerField(label=_("排序"), required=False, min_value=0, max_value=POSITION_MAX)

    def __init__(self, *args, units, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["user"].queryset = users


class UnmatchedResolveForm(PortalForm):
    raw_name = forms.CharField(max_length=100, widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(label=_("对应单位"), queryset=Unit.objects.none())

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MatrixCellForm(PortalForm):
    indicator = forms.IntegerField()
    unit = forms.IntegerField()
    state = forms.ChoiceField(choices=[(LEAD, _("牵头")), (RESPONSIBLE, _("责任")), (NONE, _("空"))])
