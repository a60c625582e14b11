"""Production settings pass Django's deployment checklist and need a real secret."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    skip = ("DJANGO_", "DATABASE_URL", "TEST_DATABASE", "TWO_FACTOR_")
    base = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_has_no_warnings():
    secret = "".join(secrets.choice(string.ascii_letters + string.digits + "!@#%^&*(-_=+)") for _ in range(60))
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SECRET_KEY=secret,
        DJANGO_ALLOWED_HOSTS="portal.example.gov.cn",
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output, output


def test_check_deploy_warns_when_two_factor_is_switched_off():
    secret = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60))
    result = run_manage(
        "check", "--deploy", DJANGO_SECRET_KEY=secret, DJANGO_ALLOWED_HOSTS="portal.example.gov.cn",
        TWO_FACTOR_ENFORCED="false",
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert "accounts.W001" in output and "TWO_FACTOR_ENFORCED 已关闭" in output, output


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", DJANGO_ALLOWED_HOSTS="portal.example.gov.cn")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run_manage("check", DJANGO_SECRET_KEY="too-short", DJANGO_ALLOWED_HOSTS="portal.example.gov.cn")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_favicon_is_local_and_every_page_links_it(client, django_user_model):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("/static/img/favicon.svg")
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg"' in page
    admin_login = client.get("/admin/login/").content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg"' in admin_login
