"""Django's admin in Chinese, through the project's catalogue.

Django 5.2's own zh_Hans catalogue lacks a few strings that its admin shows (the app list's
column captions, the user-add help, the filter_horizontal widget's buttons). They are named
here with gettext_noop so that makemessages puts them into locale/zh_Hans/LC_MESSAGES/django.po,
and scripts/fill_catalogue.py gives them their hand-made translations (ADMIN_TRANSLATIONS there);
the widget's JavaScript strings go to djangojs.po the same way (ADMIN_JS_TRANSLATIONS).

Two things the admin prints without gettext are replaced by ``install()`` (called once, from
accounts/admin.py): a boolean cell's icon has alt="True"/"False", and a read-only foreign key
links to the related object's admin page even when the reader may not open it (a dead end:
the office reading a task would be sent to the user admin, which refuses it). The icon gets
a Chinese alt, the read-only relation is shown as text. A decimal field is shown as the
portal shows numbers (``|num``: 83.5, not 83.50). Page titles read as Chinese sentences
(「选择要修改的用户」, 「修改用户」), not Django's "选择 用户 来修改" with a space either side of the
model's name: the change list's and the change form's titles are set here.
"""

from django.contrib.admin import ModelAdmin, helpers
from django.contrib.admin import utils as admin_utils
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.numbers import num

ADMIN_MSGIDS = (
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Model name"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    # Django's zh_Hans keeps the ASCII colon: a form label's suffix and the sorted column's caption.
    gettext_noop(":"),
    gettext_noop("Sorting priority: %(priority_number)s"),
)

BOOLEAN_ICONS = {True: ("yes", "是"), False: ("no", "否"), None: ("unknown", "未知")}


def boolean_icon(field_val):
    icon, label = BOOLEAN_ICONS[field_val]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), _(label))


def readonly_relation(self, remote_field, remote_obj):
    return str(remote_obj)


_django_display_for_field = admin_utils.display_for_field


def display_for_field(value, field, empty_value_display, *args, **kwargs):
    if isinstance(field, models.DecimalField) and value is not None and not field.choices:
        return num(value)
    return _django_display_for_field(value, field, empty_value_display, *args, **kwargs)


def changelist_title(changelist) -> str:
    name = changelist.opts.verbose_name
    if changelist.is_popup:
        return _("选择%(name)s") % {"name": name}
    if changelist.model_admin.has_change_permission(changelist.model_admin_request):
        return _("选择要修改的%(name)s") % {"name": name}
    return _("选择要查看的%(name)s") % {"name": name}


def changeform_title(model_admin, request, *, add: bool, obj=None) -> str:
    name = model_admin.opts.verbose_name
    if add:
        return _("新增%(name)s") % {"name": name}
    if model_admin.has_change_permission(request, obj):
        return _("修改%(name)s") % {"name": name}
    return _("查看%(name)s") % {"name": name}


_django_changelist_init = ChangeList.__init__
_django_render_change_form = ModelAdmin.render_change_form


def _changelist_init(self, request, *args, **kwargs):
    self.model_admin_request = request
    _django_changelist_init(self, request, *args, **kwargs)
    self.title = changelist_title(self)


def _render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
    context["title"] = changeform_title(self, request, add=add, obj=obj)
    return _django_render_change_form(self, request, context, add=add, change=change, form_url=form_url, obj=obj)


def install() -> None:
    if ChangeList.__init__ is not _changelist_init:
        ChangeList.__init__ = _changelist_init
        ModelAdmin.render_change_form = _render_change_form
    admin_list._boolean_icon = boolean_icon
    helpers.AdminReadonlyField.get_admin_url = readonly_relation
    # admin_list and helpers imported display_for_field by name: replace it where it is read.
    admin_list.display_for_field = helpers.display_for_field = display_for_field
