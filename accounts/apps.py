from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        # The login log: user_logged_in / user_login_failed / user_logged_out and
        # django-axes' user_locked_out write accounts.LoginEvent rows.
        from . import checks, signals  # noqa: F401  (checks: TWO_FACTOR_ENFORCED off in production)
