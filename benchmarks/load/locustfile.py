"""Locust users of ``python -m benchmarks.load``: office, liaison and provincial reviewer.

Each simulated person takes the next load account of its role (from LOAD_PLAN, written by
benchmarks/load/build.py), logs in once through the login form, then browses the role's
pages (weighted) with 1–3 s of think time; a page whose query holds "{page}" is asked for at a
random page (2 to its page_max), so paged lists are not all served from the cache. Liaisons
also write, about one action in twenty: they open the progress-report page of one of their
unit's open assignments and send the form with the CSRF token it carries (a progress report,
which invalidates the zone's cached 驾驶舱 and 督办通报); the page and the POST are rows of their
own in the report. Requests carry ``X-Forwarded-Proto: https``, as
the TLS-terminating proxy in front of gunicorn sends it, so the production settings (SSL
redirect, secure cookies, CSRF's referer check) stay as they are; the client sends the
secure cookies back itself over the plain-http hop to gunicorn.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import HttpUser, between, events, task

from benchmarks.load.forms import csrf_token_in, progress_report_form

with open(os.environ["LOAD_PLAN"], encoding="utf-8") as handle:
    PLAN = json.load(handle)
NEXT = {role: itertools.cycle(data["users"]) for role, data in PLAN.items()}

# Every response time in ms, by request name, written to LOAD_TIMES when locust quits: its CSV
# rounds times over 100 ms to 10 ms, and the benchmark computes each median and p95 exactly.
TIMES: dict[str, list[float]] = {}


@events.request.add_listener
def _record(name, response_time, **kwargs):
    TIMES.setdefault(name, []).append(response_time)


@events.quitting.add_listener
def _write_times(**kwargs):
    if os.environ.get("LOAD_TIMES"):
        with open(os.environ["LOAD_TIMES"], "w", encoding="utf-8") as handle:
            json.dump(TIMES, handle, ensure_ascii=False)


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
        referer = self._https("/accounts/login/")
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

    def _https(self, path: str) -> str:
        """The address the browser saw (the Referer CSRF checks under https)."""
        return f"https://{self.host.split('://', 1)[1].rstrip('/')}{path}"

    def _send_cookies(self):
        """requests keeps the Secure cookies but sends them only over https: send them by hand."""
        self.client.headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in self.client.cookies)

    @task(20)
    def browse(self):
        page = random.choices(self.pages, weights=self.weights)[0]
        url = page["url"]
        if "page_max" in page:
            url = url.replace("{page}", str(random.randint(2, page["page_max"])))
        with self.client.get(url, name=page["label"], allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{url} answered {response.status_code}")


class Office(PortalUser):
    role = "office"
    weight = 2


class Liaison(PortalUser):
    role = "liaison"
    weight = 2

    @task(1)
    def report_progress(self):
        """A progress report on one of the unit's open assignments, through its page's form."""
        if not self.account.get("reports"):
            return
        target = random.choice(self.account["reports"])
        with self.client.get(
            target["url"], name="liaison 填报进展页", allow_redirects=False, catch_response=True
        ) as response:
            token = csrf_token_in(response.text)
            if response.status_code != 200 or token is None:
                response.failure(f"{target['url']} answered {response.status_code} without the form's token")
                return
        self._send_cookies()
        data = progress_report_form(token=token, percent=target["percent"])
        with self.client.post(
            target["url"],
            data=data,
            headers={"Referer": self._https(target["url"])},
            name="liaison 填报进展 POST",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:  # saved: back to 我的任务; refused: the page again (400)
                response.failure(f"progress report answered {response.status_code}")
        self._send_cookies()  # the success message's cookie


class Reviewer(PortalUser):
    role = "reviewer"
    weight = 1
