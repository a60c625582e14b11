import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from indicators.models import IndicatorSystem
from indicators.selectors import indicator_system_to_data
from indicators.services import benchmarks_load, indicator_system_create_from_data

STANDARDS_DIR = Path(__file__).resolve().parents[2] / "standards"


def _comparable(data: dict) -> dict:
    """A system dict without the parts that don't define the system itself."""
    return {k: v for k, v in json.loads(json.dumps(data)).items() if k != "metrics"}


class Command(BaseCommand):
    help = "载入仓库内置的指标体系（如全国 41 项指标）和对比基准；可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(STANDARDS_DIR), help="指标体系 JSON 文件所在目录")

    def handle(self, *args, **options):
        directory = Path(options["dir"])
        files = sorted(directory.glob("*.json"))
        if not files:
            raise CommandError(f"目录 {directory} 中没有指标体系文件。")
        for path in files:
            data = json.loads(path.read_text(encoding="utf-8"))
            existing = IndicatorSystem.objects.filter(code=data.get("code")).first()
            if existing is not None:
                if _comparable(indicator_system_to_data(system=existing)) == _comparable(data):
                    self.stdout.write(f"{existing.code}：已是最新，未改动。")
                else:
                    self.stdout.write(
                        self.style.WARNING(
                            f"{existing.code}：数据库中的版本与文件 {path.name} 不同；已发布的体系不可修改，"
                            "请在文件中使用新的编码与版本号。"
                        )
                    )
                continue
            try:
                system = indicator_system_create_from_data(data=data, status=IndicatorSystem.Status.PUBLISHED)
            except ValidationError as exc:
                raise CommandError(f"{path.name} 无法载入：\n" + "\n".join(exc.messages)) from exc
            count = system.indicators.filter(level=3).count()
            self.stdout.write(self.style.SUCCESS(f"{system.code}：已载入“{system.name}”，三级指标 {count} 项。"))
        for path in sorted((directory / "benchmarks").glob("*.json")):
            rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
            self.stdout.write(f"对比基准 {path.name}：{benchmarks_load(rows=rows)} 条。")
