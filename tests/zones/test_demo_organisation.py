"""The demo's organisation: 附件1's leading group by title only, five stages, status 创建中.

The names of the officials in 附件1 must never reach the database. The test holds only
their SHA-256 digests (so the repository does not carry the names either) and hashes
every 2- and 3-character window of every text stored by every model.
"""

import hashlib
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from zones.lifecycle import ZoneStatus
from zones.models import LeadingGroupMember, Stage, ZoneTransition
from zones.templates_data import add_months

pytestmark = pytest.mark.django_db

SEED_001 = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "001_eff2be00138ec3ad.txt"

# sha256 of each of the 36 names of 附件1 (组长, 副组长 ×2, 成员 ×33), written without spaces.
NAME_DIGESTS = frozenset({
    "07cdec7d865960f367df65ebbe5ca4767df6ab6e2081813e51df4795e2e81064",
    "0a6b095ba4cc3c908e804994779571c0f7cffb8f75794ff458b1b2da215099f0",
    "0c90007ac15dee582e4c91c08de47a44947eaee3917d0d3706b036da3d3e10ea",
    "109d889f7c42ccba47d43ef2befd3ac05a049cd2c58662fd25dfa4b5ff4e18bb",
    "116f2797eaf0187535e142c753f88c5cf3a1d2a09de9124b7a96776f0ae4f50f",
    "1a853d6f41e830482d0e0b94b1bf2e4b95bb8708513bbb3f6f4302c94c525299",
    "1daf60cdedff3f6fc2fe166e863d432196a2e20a06d8987e6def2c46333caf31",
    "2e468be3fdd4ebaf5fd5a37f1a5ea3b5abfec08ac7094f5d64a15d0913f2833d",
    "32b595e9b2396b9d11b09fee80c8c88e4e37d089e14442e3d116a8f6d0be1c65",
    "3c7296eda53c86424587832450303a7161d90396554c8f497e9ab02b5dc2195c",
    "3ed5a26bf65e2d1e140053ce56f8cfa5ac2ff13a9f8180d2b18e86015364384a",
    "447e16c2bda3d84d8a3dce51b33784c07a5479bcf33f4396f592fb7cbbbe4dac",
    "4cc0986f19a8509a94c124d7638ac0fcc91793eed7c4d0217d6714054d3d00e1",
    "510bdce06978b0c4b95bd93bfeea56b45f35255e30e984ef8e2bfea620ffe54e",
    "530492ca63515476ccf44fcc7068e0fdf74d7d9ad5f58979addfd6206abb803c",
    "652bcf8069299a43214e10c46d45588776cf8f31d33cb7a990c48bfc7c177111",
    "7028c1a32d8999567a49fd4c9d4cb64479430392db225dac44c3c1ef9a6becd1",
    "71e0aa8eac1fdcf258289b26774c1f15a947d35b34b8a9def76e1aa9f6d5aee4",
    "723b96c7f13062b06fb7d058282eea7e2c112c740d35ff2b05689d400963a4c8",
    "7822a0a792c924e72707487f7ec45099d24a0c40c8e04be60fa109528636447f",
    "85a3437106ee2bf4d47dd81a6c75b0591e8b60011203e9f130d8088f48e09e96",
    "91d5c1d952e7780a8894920f4856421dada0788af70ea6362f2e98ba7b827943",
    "94972ae5fdb792228f4bb20638c038ec449e9acab7e5ed5f3c13b08437c31617",
    "9d179e73494ce78539f7f7f2de493b817e8991b755c0391e68755557d8d30644",
    "9d901101b1292e9c06bb59d8ff165172bad2cee5f120e3a63ed55f836a512818",
    "a59014afacb7efc91ebdfa7bcef9788741207baae595ef088ac64df082c8363e",
    "a5f70f715b70d963fceae457da03f30e681c691cbc85ec4aa90df9a9ec1d79da",
    "a73c6fc53fb638987ce7bccb15b0f7e1569fd335002946c87fabcc3cc4203426",
    "b263389584e69ad39ad71f8b41c0b5ad79c9b904cf918e7663e3fef08f685af0",
    "b79852c3d90e85dc0d36b89a2c4f27adf36da18b1b5b5757e8e8cf233378c6eb",
    "bdae3e33c2bc0aa83a06c756998e95c28e124ced7065a55fb3f306dbf3850404",
    "c077cbc85b1a41434cf00768836078a20f9740c5ad6a2b83439d35e892ceb45b",
    "d8098e1c8d6ce0991012e5b566a3b049e1d19694eb35ba0a5ca5ccb654c759c5",
    "dd59f8c2956c011c5dfaac405bd2f14cb73bb94fce4a46440a60d6a15f387635",
    "e3fec1dfc8a6ee666364e8148d7685bbe6065e256bcc3de4a2056b7c073822cd",
    "ea6f39e87084050a2736a2f2ec41b4afc69eacf7e1222b15e12d8e4fe0905fa7",
})  # fmt: skip


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def names_in_seed() -> list[str]:
    """The person names of 附件1: the first token after 组长/副组长/成员 (e.g. "钱 锋" → 钱锋)."""
    assert SEED_001.is_file(), f"seed file missing: {SEED_001}"
    lines = SEED_001.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "附件1")
    end = next(i for i, line in enumerate(lines) if line.startswith("领导小组负责统筹"))
    names = []
    for line in lines[start + 1 : end]:
        entry = line.split(":", 1)[-1].strip()
        spaced = re.match(r"^(\S) (\S) ", entry)  # two-character names are padded: "钱 锋 市人社局…"
        if spaced:
            names.append(spaced.group(1) + spaced.group(2))
        elif " " in entry and entry.split()[1].startswith(("市", "三明", "人行", "国家", "三元", "沙县", "永安",
                                                            "明溪", "清流", "宁化", "建宁", "泰宁", "将乐", "尤溪",
                                                            "大田")):  # fmt: skip
            names.append(entry.split()[0])
    return names


def database_text() -> str:
    """Every text, char and JSON value of every model, joined."""
    chunks = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            chunks.extend(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in row if v)
    return "\n".join(chunks)


def digests_found(text: str, digests: frozenset[str]) -> set[str]:
    found = set()
    for variant in (text, re.sub(r"\s+", "", text)):
        windows = {variant[i : i + n] for n in (2, 3) for i in range(len(variant) - n + 1)}
        found |= {d for d in map(digest, windows) if d in digests}
    return found


def test_digests_are_the_names_of_the_seed():
    names = names_in_seed()
    assert len(names) == 36
    assert {digest(n) for n in names} == NAME_DIGESTS


def test_no_name_of_the_leading_group_anywhere_in_the_database(sanming):
    text = database_text()
    assert "市政府副市长" in text  # the scan does read the leading group
    assert digests_found(text, frozenset({digest("演示")})), "the scanner finds a known word"
    assert digests_found(text, NAME_DIGESTS) == set()


def test_demo_leading_group_by_roles_and_titles(sanming):
    seats = list(LeadingGroupMember.objects.filter(zone=sanming).select_related("unit").order_by("position"))
    by_role = {}
    for seat in seats:
        by_role.setdefault(seat.role, []).append(seat)
    assert [s.title for s in by_role["leader"]] == ["市政府副市长"]
    assert [s.title for s in by_role["deputy"]] == ["市政府副秘书长", "市市场监管局局长"]
    assert len(by_role["member"]) == 33
    assert len({s.unit_id for s in by_role["member"]}) == 33
    assert by_role["office_director"][0].unit.short_name == "市场监管局"
    assert len(by_role["liaison"]) == 33
    assert any(s.user and s.user.username == "liaison" for s in by_role["liaison"])


def test_demo_stages_status_and_transitions(sanming):
    # 001's 26 months (2024-01 – 2026-02), shifted so that today falls in 组织实施
    today = timezone.localdate()
    assert sanming.creation_start == add_months(today.replace(day=1), -6)
    assert add_months(sanming.creation_start, 26) == sanming.creation_end + timedelta(days=1)
    implementation = Stage.objects.get(zone=sanming, name="组织实施")
    assert implementation.start <= today <= implementation.end
    assert [s.name for s in Stage.objects.filter(zone=sanming).order_by("position")] == [
        "启动部署",
        "组织实施",
        "自评完善",
        "检查评估",
        "巩固提升",
    ]
    assert sanming.status == ZoneStatus.CREATING
    events = ZoneTransition.objects.filter(zone=sanming).order_by("at", "pk")
    assert [(e.from_status, e.to_status) for e in events] == [
        ("application", "approved"),
        ("approved", "creating"),
    ]


def test_demo_reload_is_idempotent(sanming):
    from django.core.management import call_command

    counts = (
        LeadingGroupMember.objects.count(),
        Stage.objects.count(),
        ZoneTransition.objects.count(),
        sanming.responsibilities.count(),
    )
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts == (
        LeadingGroupMember.objects.count(),
        Stage.objects.count(),
        ZoneTransition.objects.count(),
        sanming.responsibilities.count(),
    )
