"""WeasyPrint's progress steps are no log lines: importing and using it prints nothing at INFO."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

SCRIPT = """
import logging, sys
import django
django.setup()
logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(name)s %(message)s", force=True)
from weasyprint import CSS, HTML
HTML(string="<p>报告</p>").render(stylesheets=[CSS(string="p { color: red }")])
print("rendered")
"""


def test_weasyprint_steps_stay_out_of_the_log():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.test")}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "rendered" in out.stdout
    assert "weasyprint.progress" not in out.stdout and "Fetching and parsing CSS" not in out.stdout
