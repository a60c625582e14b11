"""Step 2 of ``python -m benchmarks.load``: the province-scale data and the accounts that browse it.

Run in its own process with the benchmark's settings and database (``python -m
benchmarks.load.build OUT.json``): loads the demo (三明市 and an account per role),
grows it to province scale (benchmarks/load/data.py), adds load accounts (office,
liaison of a unit, provincial reviewer) and writes them with the pages each role
browses to OUT.json, for the locustfile. Every page is fetched once here through the
test Client as that role, and a page that does not answer 200 stops the benchmark.
"""

from __future__ import annotations

import json
import os
import sys

import django

# (role, page label, url name, arguments: "zone" / "unit" / none, weight)
PAGES: tuple[tuple[str, str, str, str, int], ...] = (
    ("office", "office 首页", "home", "", 1),
    ("office", "office 驾驶舱", "tasks:dashboard", "zone", 4),
    ("office", "office 督办通报", "tasks:bulletin", "zone", 2),
    ("office", "office 任务列表", "tasks:task-list", "zone", 4),
    ("office", "office 佐证材料", "evidence:list", "zone", 4),
    ("office", "office 审核队列", "evidence:queue", "zone", 3),
    ("office", "office 完整性", "data:completeness", "zone", 2),
    ("office", "office 责任矩阵", "zones:matrix", "zone", 1),
    ("office", "office 创建对象概况", "zones:overview", "zone", 1),
    ("office", "office 通知", "notifications:list", "", 1),
    ("liaison", "liaison 首页", "home", "", 1),
    ("liaison", "liaison 我的任务", "tasks:mine", "", 5),
    ("liaison", "liaison 佐证材料", "evidence:list", "zone", 4),
    ("liaison", "liaison 统计数据", "data:unit", "unit", 2),
    ("liaison", "liaison 通知", "notifications:list", "", 1),
    ("reviewer", "reviewer 首页", "home", "", 1),
    ("reviewer", "reviewer 评审门户", "reports:home", "", 3),
    ("reviewer", "reviewer 创建对象报告", "reports:zone", "zone", 3),
    ("reviewer", "reviewer 得分", "assessments:scores", "zone", 2),
    ("reviewer", "reviewer 创建对象概况", "zones:overview", "zone", 1),
)
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
    from zones.models import Membership, Unit, Zone

    devnull = open(os.devnull, "w")
    call_command("load_demo", verbosity=0, stdout=devnull)
    zone = Zone.objects.select_related("region__parent").get(name="三明市")
    counts = province_scale_grow(zone=zone, factor=1.0)
    print("  data: " + ", ".join(f"{key} {value:,}" for key, value in counts.items()), flush=True)

    template = User(username="load-template")
    template.set_password(PASSWORD)  # hashed once, copied to every load account
    units = list(Unit.objects.filter(zone=zone).order_by("position", "pk"))
    province = zone.region.parent
    users: dict[str, list[str]] = {}
    unit_of: dict[str, int] = {}
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
                memberships.append(Membership(user=user, role=Membership.Role.PROVINCIAL_REVIEWER, province=province))
        Membership.objects.bulk_create(memberships)
        users[role] = [u.username for u in created]

    plan: dict[str, dict] = {role: {"users": [], "pages": []} for role in ACCOUNTS}
    for role, names in users.items():
        for username in names:
            pages = []
            for page_role, label, name, args, weight in PAGES:
                if page_role != role:
                    continue
                arguments = {"zone": [zone.pk], "unit": [zone.pk, unit_of.get(username, 0)], "": []}[args]
                pages.append({"label": label, "url": reverse(name, args=arguments), "weight": weight})
            plan[role]["users"].append({"username": username, "password": PASSWORD, "pages": pages})

    # Each role's pages answer 200 (checked as the first account of the role).
    client = Client(HTTP_HOST="127.0.0.1")
    for role in plan:
        first = plan[role]["users"][0]
        client.force_login(User.objects.get(username=first["username"]))
        for page in first["pages"]:
            response = client.get(page["url"], secure=True)
            if response.status_code != 200:
                sys.exit(f"{page['label']} {page['url']} answered {response.status_code}")
        client.logout()
    # The cache (Redis db of the benchmark) may hold a previous run's pages of the same ids.
    cache.clear()
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(plan, handle, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
