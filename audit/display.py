"""The audit log as a person reads it: the actor's display name, the object as a Chinese model name
and a readable label, and before/after as a table of Chinese field names and values.

The rows themselves stay as stored (plain values, canonical JSON, see models.py); this module only
reads them. It imports no other app: model and field names come from Django's app registry at
run time (a row's ``target_type`` is a model label such as ``zones.zone``), choice values through
the field's choices, numbers through ``common.numbers.num``; keys no model names use the table
below, and a key nobody knows is shown as it is stored, marked as a stored key.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.numbers import num

# Keys written by audit_record callers that are not a field of the row's model.
KEY_LABELS = {
    "after": gettext_lazy("之后"),
    "action": gettext_lazy("操作"),
    "back": gettext_lazy("退回"),
    "before": gettext_lazy("之前"),
    "changes": gettext_lazy("变更记录"),
    "conclusion": gettext_lazy("结论"),
    "date_from": gettext_lazy("开始日期"),
    "date_to": gettext_lazy("结束日期"),
    "disposition": gettext_lazy("文件"),
    "evaluator": gettext_lazy("评审专家"),
    "fields": gettext_lazy("项数"),
    "indicator": gettext_lazy("指标"),
    "kind": gettext_lazy("类型"),
    "max": gettext_lazy("满分"),
    "method": gettext_lazy("请求方式"),
    "n": gettext_lazy("序号"),
    "path": gettext_lazy("地址"),
    "remaining": gettext_lazy("剩余"),
    "role": gettext_lazy("角色"),
    "scope": gettext_lazy("范围"),
    "status": gettext_lazy("状态"),
    "target": gettext_lazy("对象"),
    "total": gettext_lazy("总分"),
    "unit": gettext_lazy("责任单位"),
    "via": gettext_lazy("来源"),
    "actor": gettext_lazy("操作人"),
    "zone_id": gettext_lazy("创建对象"),
    "username": gettext_lazy("登录名"),
}

# Keys whose values are choices of a model field that is not the row's own model.
KEY_CHOICES = {"role": ("zones", "membership", "role")}

# Objects that are pages rather than rows (downloads and refusals record the URL's name).
ROUTE_LABELS = {
    "admin": gettext_lazy("管理后台页面"),
    "evidence": gettext_lazy("佐证材料文件"),
    "inspections": gettext_lazy("自查考评附件"),
    "reports": gettext_lazy("报告文件"),
    "tasks": gettext_lazy("任务文件"),
    "data": gettext_lazy("统计数据文件"),
    "assessments": gettext_lazy("评估文件"),
    "accounts": gettext_lazy("账号页面"),
    "zones": gettext_lazy("创建对象文件"),
}

_FILENAME_STAR = re.compile(r"filename\*=UTF-8''([^;]+)", re.IGNORECASE)
_FILENAME = re.compile(r'filename="([^"]*)"', re.IGNORECASE)
LIST_SHOWN = 10


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str
    known: bool = True


def _model(target_type: str):
    if target_type.count(".") != 1 or ":" in target_type:
        return None
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def target_type_label(target_type: str) -> str:
    """``zones.zone`` → 创建对象; ``evidence:file-inline`` → 佐证材料文件; "" → ""."""
    if not target_type:
        return ""
    model = _model(target_type)
    if model is not None:
        return str(model._meta.verbose_name)
    if target_type == "url":
        return _("页面")
    namespace = target_type.split(":", 1)[0]
    return str(ROUTE_LABELS.get(namespace, _("页面")))


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def key_label(key: str, model=None) -> tuple[str, bool]:
    field = _field(model, key)
    if field is not None and getattr(field, "verbose_name", None):
        return str(field.verbose_name), True
    if key.endswith("_name") and _field(model, key.removesuffix("_name")) is not None:
        return _("%(field)s名称") % {"field": key_label(key.removesuffix("_name"), model)[0]}, True
    if key in KEY_LABELS:
        return str(KEY_LABELS[key]), True
    return key, False


def _choices_for(key: str, model) -> dict[str, str]:
    field = _field(model, key)
    if field is None and key in KEY_CHOICES:
        app_label, model_name, field_name = KEY_CHOICES[key]
        try:
            field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
        except (LookupError, FieldDoesNotExist):
            field = None
    if field is None or not getattr(field, "choices", None):
        return {}
    return {str(value): str(label) for value, label in field.flatchoices}


def _filename(disposition: str) -> str:
    star = _FILENAME_STAR.search(disposition)
    if star:
        return unquote(star.group(1))
    plain = _FILENAME.search(disposition)
    return plain.group(1) if plain else disposition


def value_text(key: str, value: Any, model=None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if key == "disposition" and isinstance(value, str):
        return _filename(value)
    if isinstance(value, list):
        shown = "、".join(value_text(key, item, model) for item in value[:LIST_SHOWN])
        if len(value) > LIST_SHOWN:
            shown += _("等 %(count)s 项") % {"count": len(value)}
        return shown or "—"
    if isinstance(value, dict):
        parts = [f"{key_label(k, model)[0]}：{value_text(k, v, model)}" for k, v in value.items()]
        return "；".join(parts) or "—"
    choices = _choices_for(key, model)
    if str(value) in choices:
        return choices[str(value)]
    if isinstance(value, (int, float)) or (isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value)):
        if key in ("n", "indicator", "unit", "region", "system") or key.endswith("_id"):
            return str(value)
        return str(num(value))
    return str(value)


def _loads(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def change_rows(event) -> list[ChangeRow]:
    """Before and after side by side, one row per key (stored order: sorted keys)."""
    model = _model(event.target_type)
    before, after = _loads(event.before), _loads(event.after)
    if not isinstance(before, dict) and not isinstance(after, dict):
        if before is None and after is None:
            return []
        label = _("内容")
        return [ChangeRow(label, value_text("", before, model), value_text("", after, model))]
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    rows = []
    for key in list(before) + [k for k in after if k not in before]:
        label, known = key_label(key, model)
        rows.append(
            ChangeRow(
                label,
                value_text(key, before[key], model) if key in before else "",
                value_text(key, after[key], model) if key in after else "",
                known,
            )
        )
    return rows


def user_names(ids) -> dict[int, str]:
    """Display names (姓名, else the login) of the users with these ids, in one query."""
    ids = {int(i) for i in ids if i not in (None, "") and str(i).isdigit()}
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids).only("pk", "username", "full_name")
    return {user.pk: str(user) for user in users}


def page_target(event) -> str:
    """A download's file name (from the stored Content-Disposition), else the stored label."""
    if ":" in event.target_type or event.target_type == "url":
        after = _loads(event.after)
        if isinstance(after, dict) and after.get("disposition"):
            return _filename(after["disposition"])
    return event.target_label


@dataclass(frozen=True)
class EventView:
    event: Any
    actor: str
    target_type: str
    target: str
    changes: list[ChangeRow]


def event_views(events) -> list[EventView]:
    """The rows of one page, ready to show (one extra query for the people named)."""
    events = list(events)
    user_label = get_user_model()._meta.label_lower
    people = user_names([e.actor_id for e in events] + [e.target_id for e in events if e.target_type == user_label])
    views = []
    for event in events:
        actor = people.get(event.actor_id, event.actor_username) if event.actor_id else event.actor_username
        target = event.target_label
        if event.target_type == user_label and event.target_id.isdigit():
            target = people.get(int(event.target_id), target)
        else:
            target = page_target(event)
        views.append(EventView(event, actor or "", target_type_label(event.target_type), target, change_rows(event)))
    return views
