"""统一社会信用代码 (GB 32100-2015): structure and check character. Pure Python.

18 characters from the code set 0-9 and the capital letters without I, O, Z, S, V:
position 1 registration authority, 2 organization type, 3–8 administrative division
(digits, GB/T 2260), 9–17 the subject identifier (GB 11714), 18 the check character.

The check character (GB/T 17710's MOD 31-3 style as the standard specifies): each of
the first 17 characters has the value of its position in the code set, weighted by
3^(i-1) mod 31 (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28);
C18 = 31 − (Σ mod 31), where 31 is written as 0.
"""

from __future__ import annotations

import re

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def normalize(code: str) -> str:
    """Upper case, spaces and hyphens removed (as people type or paste it)."""
    return re.sub(r"[\s\-]", "", str(code or "")).upper()


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must be in the code set)."""
    total = sum(CHARSET.index(char) * weight for char, weight in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """A Chinese message saying what is wrong with ``code`` (already normalized), or None."""
    if len(code) != 18:
        return f"统一社会信用代码“{code}”应为18位（现为{len(code)}位）"
    if not PATTERN.match(code):
        return f"统一社会信用代码“{code}”含有不允许的字符（第3–8位为数字，其余为数字或除I、O、Z、S、V外的大写字母）"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码“{code}”校验位错误（第18位应为“{expected}”）"
    return None


def is_valid(code: str) -> bool:
    return credit_code_error(normalize(code)) is None
