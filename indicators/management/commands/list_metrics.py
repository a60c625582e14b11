from django.core.management.base import BaseCommand, CommandError

from indicators.models import IndicatorSystem
from indicators.selectors import metric_usage


class Command(BaseCommand):
    help = "列出全部统计指标：键、中文名称、计量单位及使用它的三级指标编号。"

    def add_arguments(self, parser):
        parser.add_argument("--system", help="只统计该指标体系（编码）中的使用情况")

    def handle(self, *args, **options):
        system = None
        if options.get("system"):
            system = IndicatorSystem.objects.filter(code=options["system"]).first()
            if system is None:
                raise CommandError(f"指标体系“{options['system']}”不存在。")
        rows = metric_usage(system=system)
        if not rows:
            raise CommandError("尚无统计指标，请先运行 python manage.py load_standard。")
        width = max(len(m.key) for m, _ in rows)
        self.stdout.write(f"{'键'.ljust(width)}  名称 | 单位 | 类别 | 使用指标")
        for metric, codes in rows:
            used = "、".join(codes) if codes else "（未使用）"
            self.stdout.write(
                f"{metric.key.ljust(width)}  {metric.name} | {metric.unit} | {metric.get_kind_display()} | {used}"
            )
