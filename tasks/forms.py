"""Forms only parse input; the rules (and their Chinese messages) live in tasks.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator
from zones.models import Zone

from .models import Task
from .uploads import ACCEPT_ATTR


class TaskForm(forms.Form):
    number = forms.CharField(label=_("序号"), max_length=20, required=False)
    title = forms.CharField(label=_("任务"), max_length=200)
    description = forms.CharField(label=_("工作内容"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    category = forms.CharField(label=_("任务类别"), max_length=100, required=False)
    priority = forms.ChoiceField(label=_("优先级"), choices=Task.Priority.choices, initial=Task.Priority.MEDIUM)
    deadline = forms.DateField(label=_("完成时限"), widget=forms.DateInput(attrs={"type": "date"}))
    stage = forms.ModelChoiceField(
        label=_("实施阶段"),
        queryset=None,
        required=False,
        empty_label=_("按完成时限自动归入"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    units = forms.ModelMultipleChoiceField(label=_("责任单位"), queryset=None, required=False)
    lead_units = forms.ModelMultipleChoiceField(label=_("牵头单位"), queryset=None, required=False)
    indicators = forms.ModelMultipleChoiceField(label=_("关联指标"), queryset=None, required=False)

    def __init__(self, *args, zone: Zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        units = zone.units.order_by("position", "pk")
        self.fields["units"].queryset = units
        self.fields["lead_units"].queryset = units
        self.fields["stage"].queryset = zone.stages.order_by("position", "start")
        self.fields["indicators"].queryset = Indicator.objects.filter(system_id=zone.system_id, level=3).order_by(
            "position"
        )
        self.fields["indicators"].label_from_instance = lambda i: f"{i.code} {i.name}"

    @classmethod
    def initial_for(cls, task: Task) -> dict:
        assignments = list(task.assignments.all())
        return {
            "number": task.number,
            "title": task.title,
            "description": task.description,
            "category": task.category,
            "priority": task.priority,
            "deadline": task.deadline,
            "stage": task.stage_id,
            "units": [a.unit_id for a in assignments],
            "lead_units": [a.unit_id for a in assignments if a.is_lead],
            "indicators": list(task.indicators.values_list("pk", flat=True)),
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "number": data["number"],
            "title": data["title"],
            "description": data["description"],
            "category": data["category"],
            "priority": data["priority"],
            "deadline": data["deadline"],
            "stage": data["stage"],
            "unit_ids": [u.pk for u in data["units"]],
            "lead_unit_ids": [u.pk for u in data["lead_units"]],
            "indicator_ids": [i.pk for i in data["indicators"]],
        }


class ProgressReportForm(forms.Form):
    # Bounds are checked by the service (one rule, one message); the widget only hints them.
    percent = forms.IntegerField(label=_("进度（%）"), widget=forms.NumberInput(attrs={"min": 0, "max": 100}))
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("进度下调原因"), max_length=500, required=False)
    attachment = forms.FileField(
        label=_("附件"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
        help_text=_("可选；PDF、DOCX、XLSX、JPG、PNG，不超过 20 MB。"),
    )
    # On a phone: straight to the camera. A field of its own (as on the evidence upload), so the
    # attachment field still offers documents; the photo is checked by content like any attachment.
    photo = forms.FileField(
        label=_("拍照上传"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("attachment") and data.get("photo"):
            raise forms.ValidationError(_("附件和照片只能提交一个：请只选择文件或只拍照。"))
        data["attachment"] = data.get("attachment") or data.get("photo")
        return data


class SendBackForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class TaskImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
