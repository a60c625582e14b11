from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from indicators.excel import ExcelImportError, workbook_to_system_data
from indicators.models import IndicatorSystem
from indicators.services import indicator_system_create_from_data


class Command(BaseCommand):
    help = "从 Excel(.xlsx)导入指标体系，建为草稿；有任何错误则逐行列出，不创建任何数据。"

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version here is the system's version: it replaces Django's "show version" flag.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="Excel 文件（.xlsx）")
        parser.add_argument("--code", help="指标体系编码（覆盖文件“说明”表中的编码）")
        parser.add_argument("--name", help="指标体系名称（覆盖文件中的名称）")
        parser.add_argument("--version", dest="system_version", help="版本（覆盖文件中的版本）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            data = workbook_to_system_data(
                path,
                code=options["code"],
                name=options["name"],
                version=options["system_version"],
                max_unpacked_bytes=settings.XLSX_MAX_UNPACKED_BYTES,
            )
            system = indicator_system_create_from_data(data=data, status=IndicatorSystem.Status.DRAFT)
        except ExcelImportError as exc:
            raise CommandError(self._failure(path, exc.messages)) from exc
        except ValidationError as exc:
            raise CommandError(self._failure(path, exc.messages)) from exc
        count = system.indicators.filter(level=3).count()
        self.stdout.write(self.style.SUCCESS(f"已导入“{system}”（编码 {system.code}，草稿），三级指标 {count} 项。"))

    @staticmethod
    def _failure(path: Path, messages: list[str]) -> str:
        return f"{path.name} 未导入，请修改后重试：\n" + "\n".join(messages)
