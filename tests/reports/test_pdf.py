"""The self-assessment and evaluation reports of the demo zone, read back with poppler.

The demo (load_demo) has a submitted 自评 and a 省级评估 in progress. Three PDFs are
rendered once for the module: the live self-assessment report (a draft), the
submitted 自评's report (final) and the 省级评估's evaluation report (a draft).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from assessments.models import AssessmentRound
from evidence.models import Evidence, EvidenceFile
from indicators.models import Indicator
from reports.kinds import kind_get
from tests.reports.report_helpers import pdf_info, pdf_outline, pdf_pages, watermarked
from zones.models import Zone

pytestmark = pytest.mark.django_db


def _render(kind: str, zone, round, path: Path):
    report_kind = kind_get(kind)
    stages: list[tuple[int, str]] = []
    rendered = report_kind.render(report_kind.content(zone=zone, round=round), path, lambda p, s: stages.append((p, s)))
    return rendered, stages


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo zone's three reports and what they must say; the database is rolled back afterwards."""
    out = tmp_path_factory.mktemp("reports")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(out / "media")), transaction.atomic():
        call_command("load_standard", verbosity=0, stdout=io.StringIO())
        call_command("load_demo", stdout=io.StringIO())
        zone = Zone.objects.select_related("region__parent__parent", "system__scope").get(name="三明市")
        printed = io.StringIO()
        call_command("score_zone", zone="三明市", stdout=printed)
        self_round = AssessmentRound.objects.get(zone=zone, kind="self", status="submitted")
        provincial = AssessmentRound.objects.get(zone=zone, kind="provincial")
        files = {}
        for name, kind, round in (
            ("live", "self", None),
            ("final", "self", self_round),
            ("evaluation", "evaluation", provincial),
        ):
            path = out / f"{name}.pdf"
            rendered, stages = _render(kind, zone, round, path)
            files[name] = {"path": path, "pages": pdf_pages(path), "count": rendered.pages, "stages": stages}
        data = {
            "files": files,
            "score_zone_total": re.search(r"总分 ([\d.]+) / 100", printed.getvalue()).group(1),
            "items": list(
                Indicator.objects.filter(system=zone.system, level=3).order_by("position").values_list("code", "name")
            ),
            "dimensions": list(
                Indicator.objects.filter(system=zone.system, level=1)
                .order_by("position")
                .values_list("name", flat=True)
            ),
            "accepted_sha": list(
                EvidenceFile.objects.filter(evidence__zone=zone, evidence__status="accepted").values_list(
                    "sha256", flat=True
                )
            ),
            "draft_titles": list(Evidence.objects.filter(zone=zone, status="draft").values_list("title", flat=True)),
            "evaluators": sorted(
                {str(j.judged_by) for j in provincial.judgements.select_related("judged_by") if j.judged_by}
            ),
        }
        transaction.set_rollback(True)
    return data


def _text(pages: list[str]) -> str:
    return re.sub(r"\s+", "", "".join(pages))


def test_every_item_code_and_name_is_in_the_report(demo):
    text = _text(demo["files"]["live"]["pages"])
    assert len(demo["items"]) == 41
    for code, name in demo["items"]:
        assert re.sub(r"\s+", "", f"{code}{name}") in text, (code, name)


def test_the_total_is_what_score_zone_prints(demo):
    summary = next(p for p in demo["files"]["live"]["pages"] if "一、得分概况" in p and "总分" in p)
    total = re.search(r"总分\s*([\d.]+)\s*/\s*100", summary).group(1)
    assert total == demo["score_zone_total"] == "83.5"


def test_page_x_of_y_on_every_page(demo):
    for name, file in demo["files"].items():
        pages, n = file["pages"], file["count"]
        assert len(pages) == n and n > 20, name
        assert f"第 1 页 共 {n} 页" in pages[0], name
        assert f"第 {n} 页 共 {n} 页" in pages[-1], name
        for number, page in enumerate(pages, 1):
            assert f"第 {number} 页 共 {n} 页" in page, (name, number)
            assert "三明市" in page  # the zone's name in the header


def test_contents_lists_every_dimension_with_its_page(demo):
    pages = demo["files"]["live"]["pages"]
    # pdftotext -raw prints the leader's dots one per line: join them back to their entry.
    contents = re.sub(r"\n(?=\.)", "", "\n".join(pages[1:4]))
    for name in demo["dimensions"]:
        entry = re.search(re.escape(name) + r"（[\d.]+/\d+ 分）[ .]+?(\d+)$", contents, re.MULTILINE)
        assert entry, name
        page = int(entry.group(1))
        assert name in pages[page - 1]  # the contents points at the page the dimension starts on


def test_draft_watermark_until_the_round_is_submitted(demo):
    live, final, evaluation = (demo["files"][k]["pages"] for k in ("live", "final", "evaluation"))
    assert all(watermarked(p) for p in live)
    assert all(watermarked(p) for p in evaluation)
    assert not any(watermarked(p) or "草稿" in p for p in final)


def test_evidence_listed_with_sha256_prefix_and_drafts_left_out(demo):
    text = _text(demo["files"]["final"]["pages"])
    assert demo["accepted_sha"]
    for sha in demo["accepted_sha"]:
        assert sha[:16] in text and sha not in text  # the first 16 hex digits only
    for title in demo["draft_titles"]:
        assert re.sub(r"\s+", "", title) not in text


def test_outline_has_the_five_dimensions_and_41_items(demo):
    outline = pdf_outline(demo["files"]["live"]["path"])
    for name in demo["dimensions"]:
        assert any(entry.startswith(name) for entry in outline), name
    for code, name in demo["items"]:
        assert f"{code} {name}" in outline, code
    assert {"一、得分概况", "二、逐项评分", "三、失分项与整改计划", "四、数据附录"} <= set(outline)


def test_metadata_title_and_author(demo):
    info = pdf_info(demo["files"]["final"]["path"])
    assert info["Title"] == "三明市网络市场监管与服务示范区创建自评报告"
    assert info["Author"] == "三明市网络市场监管与服务示范区创建工作领导小组办公室"
    assert info["Page size"].startswith("595.") and "A4" in info["Page size"]
    assert pdf_info(demo["files"]["evaluation"]["path"])["Author"] == "福建省市场监督管理局（省级评估组）"


def test_evaluation_report_has_evaluators_and_the_rounds_side_by_side(demo):
    pages = demo["files"]["evaluation"]["pages"]
    text = _text(pages)
    assert demo["evaluators"]
    for name in demo["evaluators"]:
        assert re.sub(r"\s+", "", name) in text
    assert "各轮次得分对比" in text and "自评（" in text and "（本报告）" in text
    assert "差异说明" in text
    assert "各轮次得分对比" not in _text(demo["files"]["live"]["pages"])


def test_gaps_and_data_appendix(demo):
    text = _text(demo["files"]["live"]["pages"])
    assert "三、失分项与整改计划" in text and "失分原因" in text
    assert "评分所用数据" in text and "演示数据" in text  # the figures' source
    assert "对比基准" in text and "全国" in text


def test_progress_goes_forward_through_items_and_layout(demo):
    stages = demo["files"]["live"]["stages"]
    percents = [p for p, _ in stages]
    assert percents == sorted(percents) and percents[-1] >= 90
    labels = [s for _, s in stages]
    assert "编排第 41/41 项" in labels
    assert any(s.startswith("排版第 ") for s in labels)


def test_the_layout_freezes_only_a_process_that_had_frozen_nothing():
    import gc

    from reports.kinds.pdf import _fewer_collections

    gc.unfreeze()
    with _fewer_collections():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0  # handed back
    gc.freeze()  # a gunicorn worker's own freeze (config/gunicorn.py)
    try:
        before = gc.get_freeze_count()
        with _fewer_collections():
            pass
        assert gc.get_freeze_count() == before  # not undone by the render
    finally:
        gc.unfreeze()
