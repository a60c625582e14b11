from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.excel import system_data_to_workbook
from indicators.models import IndicatorSystem
from indicators.selectors import indicator_system_to_data


class Command(BaseCommand):
    help = "把指标体系导出为 Excel(.xlsx)，列与政府原表一致，另含评分规则和统计指标表。"

    def add_arguments(self, parser):
        parser.add_argument("--system", required=True, help="指标体系编码，如 CN-2024")
        parser.add_argument("--output", required=True, help="输出文件，如 指标体系.xlsx")

    def handle(self, *args, **options):
        system = IndicatorSystem.objects.filter(code=options["system"]).first()
        if system is None:
            raise CommandError(f"指标体系“{options['system']}”不存在。")
        output = Path(options["output"])
        workbook = system_data_to_workbook(indicator_system_to_data(system=system))
        try:
            workbook.save(output)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror or exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"已将“{system}”导出到 {output}。"))
