"""Input forms of the user pages. They check shapes only; the rules live in services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from zones.models import Membership, Region, Unit, Zone

from .models import LoginEvent

Role = Membership.Role
ZONE_ROLE_CHOICES = [(Role.OFFICE.value, Role.OFFICE.label), (Role.LIAISON.value, Role.LIAISON.label)]


class BootstrapForm(forms.Form):
    """Adds Bootstrap 5 classes to every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        for name in self._errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs["class"]:
                    widget.attrs["class"] += " is-invalid"

    def add_service_error(self, exc: ValidationError) -> None:
        """Attach a service's errors to the fields they name (the rest to the form)."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class ZoneMemberCreateForm(BootstrapForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False)
    password = forms.CharField(label=_("初始密码"), strip=False, widget=forms.PasswordInput(render_value=False))
    password_confirm = forms.CharField(label=_("确认密码"), strip=False, widget=forms.PasswordInput(render_value=False))
    role = forms.ChoiceField(label=_("角色"), choices=ZONE_ROLE_CHOICES)
    # The unit is looked up within the zone by the view: another zone's unit is a 404.
    unit = forms.IntegerField(label=_("责任单位"), required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        # Shares a page with ZoneMemberGrantForm: distinct element ids.
        kwargs.setdefault("auto_id", "new_%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_confirm"):
            self.add_error("password_confirm", _("两次输入的密码不一致。"))
        return cleaned


class ZoneMemberGrantForm(BootstrapForm):
    username = forms.CharField(label=_("已有账号的用户名"), max_length=150)
    role = forms.ChoiceField(label=_("角色"), choices=ZONE_ROLE_CHOICES)
    unit = forms.IntegerField(label=_("责任单位"), required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "grant_%s")
        super().__init__(*args, **kwargs)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.zone.name} · {obj.name}"


class GrantForm(BootstrapForm):
    """The security admin's grant: any role, the scope the role needs."""

    username = forms.CharField(label=_("用户名"), max_length=150)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    zone = forms.ModelChoiceField(
        label=_("创建对象"), queryset=Zone.objects.none(), required=False, empty_label=_("（不选）")
    )
    unit = UnitChoiceField(label=_("责任单位"), queryset=Unit.objects.none(), required=False, empty_label=_("（不选）"))
    province = forms.ModelChoiceField(
        label=_("省份"), queryset=Region.objects.none(), required=False, empty_label=_("（不选）")
    )

    def __init__(self, *args, zones, units, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones
        self.fields["unit"].queryset = units
        self.fields["province"].queryset = provinces


class MembershipFilterForm(BootstrapForm):
    username = forms.CharField(label=_("用户名"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=[("", _("全部角色"))] + Role.choices, required=False)


class LoginEventFilterForm(BootstrapForm):
    username = forms.CharField(label=_("用户名"), max_length=150, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=[("", _("全部类型"))] + LoginEvent.Kind.choices, required=False)
    date_from = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return cleaned

    def filters(self) -> dict:
        """The valid filters only (an invalid one is reported and ignored)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class AuditEventFilterForm(LoginEventFilterForm):
    """The audit log's filters: dates (from LoginEventFilterForm), who, what, where, on which object."""

    username = None
    kind = None
    actor = forms.CharField(label=_("操作人"), max_length=150, required=False)
    action = forms.ChoiceField(label=_("操作"), choices=[("", _("全部操作"))] + AuditAction.choices, required=False)
    zone = forms.ModelChoiceField(
        label=_("创建对象"), queryset=Zone.objects.order_by("name"), required=False, empty_label=_("全部创建对象")
    )
    target = forms.CharField(label=_("对象"), max_length=200, required=False)

    def filters(self) -> dict:
        found = super().filters()
        if "zone" in found:
            found["zone_id"] = found.pop("zone").pk
        return found
