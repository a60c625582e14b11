"""Deployment checks of the accounts app (``manage.py check --deploy``)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def two_factor_enforced_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """TWO_FACTOR_ENFORCED=false is for a quick local look only (README): in production the three
    administrators and everyone with admin access would sign in with a password alone."""
    if settings.DEBUG or getattr(settings, "TWO_FACTOR_ENFORCED", True):
        return []
    return [
        checks.Warning(
            "TWO_FACTOR_ENFORCED 已关闭：管理员和有后台权限的账号仅凭密码即可登录。",
            hint="生产环境请删除 TWO_FACTOR_ENFORCED=false（该开关只供本机演示）。",
            id="accounts.W001",
        )
    ]
