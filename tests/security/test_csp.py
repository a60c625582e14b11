"""Content-Security-Policy (django-csp) on every response, and templates that keep to it.

The policy refuses inline scripts, inline event handlers, <style> elements, eval and
every other site; the templates are read here so that a new inline handler fails at
once, not only in the browser tests (which also fail on any CSP report: tests/browser).
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_the_templates_have_no_inline_script_handler_or_javascript_url():
    offences = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        # application/json data blocks (json_script) are data, not script
        scripts = [m for m in INLINE_SCRIPT.findall(text) if "application/json" not in m]
        for what, found in (
            ("inline <script>", scripts),
            ("inline event handler", EVENT_HANDLER.findall(text)),
            ("javascript: URL", JAVASCRIPT_URL.findall(text)),
        ):
            if found:
                offences.append(f"{path.relative_to(ROOT)}: {what}")
    assert not offences, "\n".join(offences)


def test_pages_shown_in_a_browser_have_no_style_element():
    """<style> is refused (style-src 'self'): page styles live in static/css. Templates that
    WeasyPrint renders into PDFs never reach a browser and may keep theirs."""
    offences = [
        str(path.relative_to(ROOT))
        for path in TEMPLATES
        if '{% extends "base.html" %}' in path.read_text(encoding="utf-8")
        and STYLE_ELEMENT.search(path.read_text(encoding="utf-8"))
    ]
    assert not offences, offences


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/", "/api/schema/"])
def test_every_response_carries_the_policy(client, url):
    policy = directives(client.get(url))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no CDN
    assert policy["style-src"] == ["'self'"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]  # the one decision: style attributes
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert not any("http" in source for sources in policy.values() for source in sources)


@pytest.mark.django_db
def test_the_schema_and_swagger_ui_need_a_signed_in_user(client):
    assert client.get(reverse("api-schema")).status_code == 403
    response = client.get(reverse("api-docs"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("api-docs"), {"script": ""}).status_code == 302


@pytest.mark.django_db
def test_swagger_ui_comes_from_static_files_with_no_inline_script(client):
    client.force_login(UserFactory())
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r"""<(?:script|link)[^>]*(?:src|href)=["']([^"']+)""", html)
    assert any("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in s for s in sources), sources
    assert all(s.startswith("/") for s in sources), sources  # this site only: no CDN
    assert not [m for m in INLINE_SCRIPT.findall(html)], html
    # the start-up script is a file of its own, from the same URL
    script = client.get(reverse("api-docs"), {"script": ""})
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
    schema = client.get(reverse("api-schema"), {"format": "json"})
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "示范区创建管理平台 API"


def test_an_inline_pdf_may_be_drawn_by_the_browsers_pdf_viewer(rf, tmp_path, settings):
    from csp.middleware import CSPMiddleware

    from common.files import file_response

    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4 test")
    request = rf.get("/")
    middleware = CSPMiddleware(lambda r: None)
    shown = middleware.process_response(request, file_response(
        pdf, url_path="x.pdf", filename="x.pdf", fallback="x.pdf", content_type="application/pdf", inline=True
    ))  # fmt: skip
    saved = middleware.process_response(request, file_response(
        pdf, url_path="x.pdf", filename="x.pdf", fallback="x.pdf", content_type="application/pdf"
    ))  # fmt: skip
    assert directives(shown)["object-src"] == ["'self'"]
    assert directives(saved)["object-src"] == ["'none'"]
    assert directives(shown)["script-src"] == ["'self'"]
