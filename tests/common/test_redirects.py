"""common.redirects: a form's ``next`` is followed only when it is a path on this site."""

import pytest
from django.test import RequestFactory

from common.redirects import redirect_next, safe_next


@pytest.mark.parametrize(
    "target",
    ["abc", "tasks:mine", "//evil.example/x", "https://evil.example/", "javascript:alert(1)", "", None, " ", "/\\evil"],
)
def test_what_is_no_path_on_this_site_is_not_followed(target):
    request = RequestFactory().post("/", {"next": target or ""})
    assert safe_next(request, target) is None
    assert redirect_next(request, "/home/")["Location"] == "/home/"


@pytest.mark.parametrize("target", ["/tasks/mine/?card=3", "/assessments/rounds/2/review/7/#s2"])
def test_a_path_on_this_site_is_followed(target):
    request = RequestFactory().post("/", {"next": target})
    assert safe_next(request, target) == target
    assert redirect_next(request, "/home/")["Location"] == target
