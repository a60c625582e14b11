"""Locust users of ``python -m benchmarks.load``: office, liaison and provincial reviewer.

Each simulated person takes the next load account of its role (from LOAD_PLAN, written by
benchmarks/load/build.py), logs in once through the login form, then browses the role's
pages (weighted) with 1–3 s of think time. Requests carry ``X-Forwarded-Proto: https``, as
the TLS-terminating proxy in front of gunicorn sends it, so the production settings (SSL
redirect, secure cookies, CSRF's referer check) stay as they are; the client sends the
secure cookies back itself over the plain-http hop to gunicorn.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import HttpUser, between, task

with open(os.environ["LOAD_PLAN"], encoding="utf-8") as handle:
    PLAN = json.load(handle)
NEXT = {role: itertools.cycle(data["users"]) for role, data in PLAN.items()}


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""

    def on_start(self):
        self.account = next(NEXT[self.role])
        self.pages = self.account["pages"]
        self.weights = [page["weight"] for page in self.pages]
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.client.get("/accounts/login/", name="login GET")
        self._send_cookies()
        data = {
            "username": self.account["username"],
            "password": self.account["password"],
            "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
        }
        referer = f"https://{self.host.split('://', 1)[1].rstrip('/')}/accounts/login/"
        with self.client.post(
            "/accounts/login/",
            data=data,
            headers={"Referer": referer},
            name="login POST",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")
        self._send_cookies()

    def _send_cookies(self):
        """requests keeps the Secure cookies but sends them only over https: send them by hand."""
        self.client.headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in self.client.cookies)

    @task
    def browse(self):
        page = random.choices(self.pages, weights=self.weights)[0]
        with self.client.get(page["url"], name=page["label"], allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{page['url']} answered {response.status_code}")


class Office(PortalUser):
    role = "office"
    weight = 2


class Liaison(PortalUser):
    role = "liaison"
    weight = 2


class Reviewer(PortalUser):
    role = "reviewer"
    weight = 1
