"""统一社会信用代码 (GB 32100-2015): the check character and the structure."""

import itertools
import random

import pytest

from evidence.credit_code import CHARSET, WEIGHTS, check_character, credit_code_error, is_valid, normalize

# The example the standard itself works through, and the demo zone's operators.
STANDARD_EXAMPLE = "91350100M000100Y43"
DEMO_CODES = ("91350400MA2Y0001XQ", "91350400MA2Y00028Q", "91350400MA2Y00036K")


def test_weights_are_powers_of_three_mod_31():
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(CHARSET) == 31 and not set("IOZSV") & set(CHARSET)


def test_the_standards_example_is_valid():
    assert check_character(STANDARD_EXAMPLE[:17]) == "3"
    assert credit_code_error(STANDARD_EXAMPLE) is None


@pytest.mark.parametrize("code", DEMO_CODES)
def test_real_shaped_codes_are_valid(code):
    assert is_valid(code)


@pytest.mark.parametrize("wrong", [c for c in CHARSET if c != "3"])
def test_every_other_check_character_is_refused(wrong):
    message = credit_code_error(STANDARD_EXAMPLE[:17] + wrong)
    assert message == f"统一社会信用代码“{STANDARD_EXAMPLE[:17]}{wrong}”校验位错误（第18位应为“3”）"


def test_check_character_31_is_written_0():
    # Find a body whose weighted sum is a multiple of 31: its check character is "0".
    for tail in itertools.product(CHARSET, repeat=2):
        body = "913501000000000" + "".join(tail)
        total = sum(CHARSET.index(c) * w for c, w in zip(body, WEIGHTS))
        if total % 31 == 0:
            assert check_character(body) == "0"
            assert is_valid(body + "0")
            return
    pytest.fail("no body with a sum divisible by 31 found")


def test_any_single_substitution_is_detected():
    rng = random.Random(32100)
    for _ in range(200):
        body = "".join(rng.choice(CHARSET) for _ in range(2)) + "".join(rng.choice("0123456789") for _ in range(6))
        body += "".join(rng.choice(CHARSET) for _ in range(9))
        code = body + check_character(body)
        assert is_valid(code)
        position = rng.randrange(17)
        allowed = "0123456789" if 2 <= position <= 7 else CHARSET
        replacement = rng.choice([c for c in allowed if c != code[position]])
        assert not is_valid(code[:position] + replacement + code[position + 1 :])


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91350100M000100Y4", "应为18位（现为17位）"),
        ("91350100M000100Y433", "应为18位（现为19位）"),
        ("91350100M00010OY43", "含有不允许的字符"),  # O is not in the code set
        ("9135A100M000100Y43", "含有不允许的字符"),  # positions 3–8 are digits
        ("", "应为18位（现为0位）"),
    ],
)
def test_malformed_codes_say_what_is_wrong(code, fragment):
    assert fragment in credit_code_error(code)


def test_normalize_accepts_what_people_paste():
    assert normalize(" 91350100m000-100y43 ") == STANDARD_EXAMPLE
    assert is_valid("91350100m000100y43")
