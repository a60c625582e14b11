"""Password policy (等保三级): at least 8 characters mixing letters, digits and symbols."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 8


def _has_letter(password: str) -> bool:
    return any(ch.isascii() and ch.isalpha() for ch in password)


def _has_digit(password: str) -> bool:
    return any(ch.isascii() and ch.isdigit() for ch in password)


def _has_symbol(password: str) -> bool:
    # Anything printable that is neither a letter, a digit nor a space: !@#%… and
    # full-width punctuation. Chinese characters are letters to str.isalnum(),
    # so they count as neither letters (ASCII only) nor symbols.
    return any(not ch.isalnum() and not ch.isspace() and ch.isprintable() for ch in password)


class PasswordComplexityValidator:
    """Registered in AUTH_PASSWORD_VALIDATORS."""

    def validate(self, password: str, user=None) -> None:
        if len(password) < MIN_LENGTH or not (_has_letter(password) and _has_digit(password) and _has_symbol(password)):
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码至少 8 位，且须同时包含字母、数字和符号。")
