"""Step 2 of ``python -m benchmarks.load``: the province-scale data and the accounts that browse it.

Run in its own process with the benchmark's settings and database (``python -m
benchmarks.load.build OUT.json``): loads the demo (三明市 and an account per role),
grows it to province scale (benchmarks/load/data.py), adding the load accounts (office,
liaison of a unit, provincial reviewer) once the units exist so that they get their share
of notices and sign-ins, and writes them with the pages each role browses to OUT.json, for
the locustfile. Lists are browsed as they open, at a random later page ("{page}" in the
query: 2 to PAGE_MAX) and with filters, so that not everything is served from the cache.
Each liaison also gets the open assignments of its unit, which it reports progress on (a
write that invalidates the zone's cached 驾驶舱 and 督办通报). Every page is fetched once
here through the test Client as that role, and a page that does not answer 200 stops the
benchmark.
"""

from __future__ import annotations

import json
import os
import sys

import django

# (role, page label, url name, arguments: "zone" / "unit" / none, query, weight). "{page}" in the
# query is a page number drawn for each request, 2 to PAGE_MAX.
PAGES: tuple[tuple[str, str, str, str, str, int], ...] = (
    ("office", "office 首页", "home", "", "", 1),
    ("office", "office 驾驶舱", "tasks:dashboard", "zone", "", 4),
    ("office", "office 督办通报", "tasks:bulletin", "zone", "", 2),
    ("office", "office 任务列表", "tasks:task-list", "zone", "", 3),
    ("office", "office 任务列表 翻页", "tasks:task-list", "zone", "?page={page}", 1),
    ("office", "office 任务列表 筛选", "tasks:task-list", "zone", "?status=overdue&sort=deadline", 1),
    ("office", "office 佐证材料", "evidence:list", "zone", "", 3),
    ("office", "office 佐证材料 翻页筛选", "evidence:list", "zone", "?page={page}&status=submitted&sort=newest", 1),
    ("office", "office 审核队列", "evidence:queue", "zone", "", 2),
    ("office", "office 审核队列 翻页", "evidence:queue", "zone", "?page={page}", 1),
    ("office", "office 完整性", "data:completeness", "zone", "", 2),
    ("office", "office 数据变更记录 翻页", "data:history", "zone", "?page={page}", 1),
    ("office", "office 责任矩阵", "zones:matrix", "zone", "", 1),
    ("office", "office 创建对象概况", "zones:overview", "zone", "", 1),
    ("office", "office 通知", "notifications:list", "", "", 1),
    ("liaison", "liaison 首页", "home", "", "", 1),
    ("liaison", "liaison 我的任务", "tasks:mine", "", "", 4),
    ("liaison", "liaison 我的任务 筛选", "tasks:mine", "", "?status=not_started", 1),
    ("liaison", "liaison 佐证材料", "evidence:list", "zone", "", 3),
    ("liaison", "liaison 佐证材料 翻页", "evidence:list", "zone", "?page={page}&sort=newest", 1),
    ("liaison", "liaison 统计数据", "data:unit", "unit", "", 2),
    ("liaison", "liaison 通知", "notifications:list", "", "", 1),
    ("liaison", "liaison 通知 翻页", "notifications:list", "", "?page={page}", 1),
    ("reviewer", "reviewer 首页", "home", "", "", 1),
    ("reviewer", "reviewer 评审门户", "reports:home", "", "", 3),
    ("reviewer", "reviewer 创建对象报告", "reports:zone", "zone", "", 3),
    ("reviewer", "reviewer 得分", "assessments:scores", "zone", "", 2),
    ("reviewer", "reviewer 驾驶舱", "tasks:dashboard", "zone", "", 2),
    ("reviewer", "reviewer 督办通报", "tasks:bulletin", "zone", "", 2),
    ("reviewer", "reviewer 创建对象概况", "zones:overview", "zone", "", 1),
)
PAGE_MAX = 10
ACCOUNTS = {"office": 10, "liaison": 30, "reviewer": 10}
PASSWORD = "Load@2026-bench!"


def main(out: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.load.settings")
    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from benchmarks.load.data import province_scale_grow
    from tasks.models import Assignment
    from zones.models import Membership, Zone

    devnull = open(os.devnull, "w")
    call_command("load_demo", verbosity=0, stdout=devnull)
    zone = Zone.objects.select_related("region__parent").get(name="三明市")
    users: dict[str, list[str]] = {}
    unit_of: dict[str, int] = {}

    def accounts(units) -> None:
        template = User(username="load-template")
        template.set_password(PASSWORD)  # hashed once, copied to every load account
        province = zone.region.parent
        for role, count in ACCOUNTS.items():
            created = User.objects.bulk_create(
                User(username=f"load-{role}-{i:02d}", full_name=f"压测{role}{i:02d}", password=template.password)
                for i in range(count)
            )
            memberships = []
            for i, user in enumerate(created):
                if role == "office":
                    memberships.append(Membership(user=user, role=Membership.Role.OFFICE, zone=zone))
                elif role == "liaison":
                    unit = units[i % len(units)]
                    unit_of[user.username] = unit.pk
                    memberships.append(Membership(user=user, role=Membership.Role.LIAISON, zone=zone, unit=unit))
                else:
                    role_ = Membership.Role.PROVINCIAL_REVIEWER
                    memberships.append(Membership(user=user, role=role_, province=province))
            Membership.objects.bulk_create(memberships)
            users[role] = [u.username for u in created]

    counts = province_scale_grow(zone=zone, factor=1.0, accounts=accounts)
    print("  data: " + ", ".join(f"{key} {value:,}" for key, value in counts.items()), flush=True)
    # What each liaison reports progress on: its unit's open assignments (not confirmed, not yet 100 %).
    open_ones = (
        Assignment.objects.filter(task__zone=zone, confirmed_at__isnull=True, progress__lt=100)
        .exclude(status=Assignment.Status.COMPLETED)
        .order_by("pk")
    )
    writable: dict[int, list[dict]] = {}
    for a in open_ones.values("pk", "unit_id", "progress"):
        writable.setdefault(a["unit_id"], []).append(
            {"url": reverse("tasks:assignment-report", args=[a["pk"]]), "percent": a["progress"]}
        )

    plan: dict[str, dict] = {role: {"users": [], "pages": []} for role in ACCOUNTS}
    for role, names in users.items():
        for username in names:
            pages = []
            for page_role, label, name, args, query, weight in PAGES:
                if page_role != role:
                    continue
                arguments = {"zone": [zone.pk], "unit": [zone.pk, unit_of.get(username, 0)], "": []}[args]
                page = {"label": label, "url": reverse(name, args=arguments) + query, "weight": weight}
                if "{page}" in query:
                    page["page_max"] = PAGE_MAX
                pages.append(page)
            account = {"username": username, "password": PASSWORD, "pages": pages}
            if role == "liaison":
                account["reports"] = writable.get(unit_of[username], [])[:10]
            plan[role]["users"].append(account)

    # Each role's pages answer 200 (checked as the first account of the role).
    client = Client(HTTP_HOST="127.0.0.1")
    for role in ACCOUNTS:
        first = plan[role]["users"][0]
        client.force_login(User.objects.get(username=first["username"]))
        for page in first["pages"] + [{"label": "report", "url": r["url"]} for r in first.get("reports", [])]:
            url = page["url"].replace("{page}", str(PAGE_MAX))
            response = client.get(url, secure=True)
            if response.status_code != 200:
                sys.exit(f"{page['label']} {url} answered {response.status_code}")
        client.logout()
    if not any(account.get("reports") for account in plan["liaison"]["users"]):
        sys.exit("no liaison has an open assignment to report on")
    # The cache (Redis db of the benchmark) may hold a previous run's pages of the same ids.
    cache.clear()
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(plan, handle, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
