"""Render a report synchronously to a file (for operators and checks), without queuing anything.

    python manage.py render_report --zone 三明市 --kind self --output 自评报告.pdf
    python manage.py render_report --zone 1 --round provincial --kind evaluation --output 评估报告.pdf

Prints pages, size, sha256 and seconds. ``--round KIND`` takes the zone's latest
round of that kind; without it the live score is used.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import AssessmentRound
from common.params import int_param
from zones.models import Zone

from ...kinds import REGISTRY, kind_get


class Command(BaseCommand):
    help = "同步生成报告文件（自评报告、评估报告、得分表、佐证材料包），输出页数、大小、SHA-256 与用时。"

    def add_arguments(self, parser):
        parser.add_argument("--zone", required=True, help="创建对象的 id 或名称")
        parser.add_argument(
            "--round", choices=AssessmentRound.Kind.values, help="评估轮次类型（取该类型最近一轮）；不填为实时得分"
        )
        parser.add_argument("--kind", required=True, choices=sorted(REGISTRY), help="报告类型")
        parser.add_argument("--output", required=True, help="输出文件路径")

    def handle(self, *args, **options):
        zone = self._zone(options["zone"])
        round = None
        if options["round"]:
            round = (
                AssessmentRound.objects.filter(zone=zone, kind=options["round"])
                .select_related("system__scope")
                .order_by("-opened_at", "-pk")
                .first()
            )
            if round is None:
                raise CommandError(f"{zone.name}没有{AssessmentRound.Kind(options['round']).label}轮次。")
        kind = kind_get(options["kind"])
        refusal = kind.refusal(round=round)
        if refusal:
            raise CommandError(refusal)
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".part")
        start = time.perf_counter()
        try:
            content = kind.content(zone=zone, round=round)
            rendered = kind.render(content, partial)
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
        seconds = time.perf_counter() - start
        digest = hashlib.sha256()
        with open(output, "rb") as stream:
            while chunk := stream.read(1024 * 1024):
                digest.update(chunk)
        self.stdout.write(f"{kind.verbose_name}：{output}")
        self.stdout.write(f"  评分来源：{content.source_label}")
        self.stdout.write(f"  页数：{rendered.pages if rendered.pages is not None else '—'}")
        self.stdout.write(f"  大小：{output.stat().st_size} 字节")
        self.stdout.write(f"  SHA-256：{digest.hexdigest()}")
        self.stdout.write(f"  用时：{seconds:.2f} 秒")

    @staticmethod
    def _zone(value: str) -> Zone:
        query = Zone.objects.select_related("region__parent__parent", "system__scope")
        zone_id = int_param(value)  # ASCII digits only: "²" is a name, not an id
        zone = query.filter(pk=zone_id).first() if zone_id is not None else query.filter(name=value.strip()).first()
        if zone is None:
            raise CommandError(f"找不到创建对象：{value}")
        return zone
