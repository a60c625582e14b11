"""The self-assessment report (自评报告) and the evaluation report (评估报告): one set of templates, WeasyPrint.

templates/reports/pdf/ holds the document (cover, contents, summary, the 41 items,
gaps and rectification, data appendix) and its print stylesheet (A4, the CJK
family the set-up installs, page counters, the 草稿 watermark, bookmarks).
"""

from __future__ import annotations

import gc
import logging
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from assessments.models import AssessmentRound

from ..charts import Series, radar_svg
from ..content import DocumentContent, document_content, plain
from .base import Content, Progress, Rendered, ReportKind, no_progress, register

# WeasyPrint announces its steps at INFO on "weasyprint.progress", three "Step 2 - Fetching and
# parsing CSS" lines already when it is imported: they are progress, not log lines (the runserver
# log and the worker's output filled with them). Quiet below WARNING here; _layout_progress turns
# the layout steps into the report's progress while it renders.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "reports" / "pdf"
STYLESHEET = TEMPLATES / "report.css"
Kind = AssessmentRound.Kind


def dimension_radar(content: DocumentContent, *, size: int = 300) -> str:
    dims = content.dimensions
    return radar_svg(
        axes=[d.name for d in dims],
        maxima=[d.max for d in dims],
        series=[
            Series(f"{content.zone.name} {plain(content.source.result.get('total'))} 分", [d.points for d in dims])
        ],
        size=size,
        title="五个一级指标得分率",
    )


class _LayoutProgress(logging.Handler):
    """WeasyPrint logs "Step 5 - Creating layout - Page N" on ``weasyprint.progress``: turn it into progress."""

    def __init__(self, progress: Progress, expected_pages: int):
        super().__init__(level=logging.INFO)
        self.progress, self.expected = progress, max(expected_pages, 1)
        self.page = 0  # WeasyPrint lays some pages out again (page counters): only forward

    def emit(self, record: logging.LogRecord) -> None:  # exceptions propagate: a lost claim stops the layout
        if record.msg == "Step 5 - Creating layout - Page %d" and record.args:
            page = int(record.args[0])
            if page <= self.page:
                return
            self.page = page
            self.progress(62 + round(26 * min(1.0, page / self.expected)), f"排版第 {page} 页")


@contextmanager
def _layout_progress(progress: Progress, expected_pages: int):
    logger = logging.getLogger("weasyprint.progress")
    handler = _LayoutProgress(progress, expected_pages)
    saved = (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the steps are progress, not log lines
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


@contextmanager
def _fewer_collections():
    """WeasyPrint allocates millions of objects while it lays a report out, and each full run of
    the cyclic collector walks every object of the process again. What the process held before
    the render (Django, the templates, the report's content) is frozen out of those runs for its
    length (``gc.freeze``), then handed back. A process that froze its own long-lived objects
    already (a gunicorn worker, config/gunicorn.py, running the job in-process) is left as it is:
    unfreezing would hand those back to the collector too."""
    if gc.get_freeze_count():
        yield
        return
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class _PdfReport(ReportKind):
    extension = "pdf"
    content_type = "application/pdf"
    # Bump when templates/reports/pdf/ (report.html, _item.html, report.css) or this renderer
    # change (ReportKind.layout_version). 2: the evidence 日期 column falls back to the upload day
    # (and the 逐项评分 intro says so). 3: Chinese brackets in the cover and 差异说明.
    layout_version = 3
    title: str

    def content(self, *, zone, round) -> Content:
        data = document_content(zone=zone, round=round, kind=self.identifier)
        return Content(
            data=data,
            digest=data.digest,
            source_label=data.source.label,
            is_draft=data.source.is_draft,
            snapshot=data.source.snapshot,
        )

    def render(self, content: Content, path: Path, progress: Progress = no_progress) -> Rendered:
        from weasyprint import CSS, HTML  # imported here: loading Pango takes a moment

        data: DocumentContent = content.data
        progress(5, "读取评分与材料")
        items_html = []
        total = len(data.items)
        for number, item in enumerate(data.items, 1):
            items_html.append(
                render_to_string(
                    "reports/pdf/_item.html", {"item": item, "doc": data, "tasks": data.tasks.get(item.code, [])}
                )
            )
            progress(5 + round(55 * number / max(total, 1)), f"编排第 {number}/{total} 项")
        by_code = dict(zip((item.code for item in data.items), items_html))
        for dim in data.dimensions:
            dim.items_html = mark_safe("".join(by_code[item.code] for item in dim.items))  # noqa: S308 (our template)
        html = render_to_string(
            "reports/pdf/report.html",
            {
                "doc": data,
                "title": f"{data.zone.name}{self.title}",
                "report_title": self.title,
                "radar": mark_safe(dimension_radar(data)),  # noqa: S308 (escaped in charts)
            },
        )
        progress(62, "排版分页")
        expected = 8 + len(data.items) * 3 // 4 + data.evidence_count // 6
        with _layout_progress(progress, expected), _fewer_collections():
            document = HTML(string=html, base_url=str(TEMPLATES)).render(stylesheets=[CSS(filename=str(STYLESHEET))])
            pages = len(document.pages)
            progress(90, f"写入 PDF（共 {pages} 页）")
            document.write_pdf(target=str(path))
        return Rendered(pages=pages)


@register
class SelfAssessmentReport(_PdfReport):
    identifier = "self"
    verbose_name = "自评报告"
    title = "网络市场监管与服务示范区创建自评报告"
    description = "封面、目录、得分概况与雷达图、41 项逐项得分与佐证材料、失分与整改、数据附录（PDF）。"
    round_kinds = frozenset({Kind.SELF})
    allows_live = True


@register
class EvaluationReport(_PdfReport):
    identifier = "evaluation"
    verbose_name = "评估报告"
    title = "网络市场监管与服务示范区创建评估报告"
    description = "在自评报告内容基础上，列出各位专家的评分与意见、差异说明，并与以往轮次并列对比（PDF）。"
    round_kinds = frozenset({Kind.PROVINCIAL, Kind.NATIONAL})
    allows_live = False
