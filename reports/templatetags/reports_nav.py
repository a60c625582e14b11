"""The navbar's 报告 and 下载记录 links (templates/base.html), answered by reports.access."""

from django import template

from ..access import user_has_reports, user_sees_download_log

register = template.Library()


@register.filter
def has_reports(user) -> bool:
    return user_has_reports(user)


@register.filter
def sees_download_log(user) -> bool:
    return user_sees_download_log(user)
