import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.models import IndicatorSystem
from indicators.scoring import ScoreResult, score
from indicators.scoring.facts_json import facts_from_json
from indicators.scoring.spec import SpecError
from indicators.selectors import system_spec_for, zone_score
from zones.models import Zone


class Command(BaseCommand):
    help = "按指标体系为一个创建对象评分:--zone 取数据库中的创建对象,--input 读取描述创建对象的 JSON 文件。"

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--zone", help="创建对象的 ID 或名称")
        source.add_argument("--input", help="描述创建对象的 JSON 文件(格式见 README)")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, **options):
        if options["zone"]:
            result = zone_score(zone=self._zone(options["zone"]))
        else:
            result = self._from_file(Path(options["input"]))
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            self._print(result)

    def _zone(self, ref: str) -> Zone:
        query = Zone.objects.select_related("system__scope")
        zone = query.filter(pk=int(ref)).first() if ref.isdigit() else query.filter(name=ref).first()
        if zone is None:
            raise CommandError(f"创建对象“{ref}”不存在。")
        return zone

    def _from_file(self, path: Path) -> ScoreResult:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise CommandError(f"文件 {path} 不存在。") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"文件 {path} 不是有效的 UTF-8 JSON:{exc}") from exc
        try:
            code, facts = facts_from_json(data)
        except SpecError as exc:
            raise CommandError("输入文件有误:\n" + "\n".join(exc.messages)) from exc
        system = IndicatorSystem.objects.filter(code=code).first()
        if system is None:
            raise CommandError(f"指标体系“{code}”不存在,请先运行 python manage.py load_standard。")
        return score(system_spec_for(system=system), facts)

    def _print(self, result: ScoreResult) -> None:
        data = result.to_dict()
        items = {item["code"]: item for item in data["items"]}
        self.stdout.write(self.style.SUCCESS(f"总分 {data['total']} / {data['max']}"))
        for dim in data["dimensions"]:
            self.stdout.write(f"{dim['code']} {dim['name']}  {dim['points']}/{dim['max']}")
            for sub in dim["children"]:
                self.stdout.write(f"  {sub['code']} {sub['name']}  {sub['points']}/{sub['max']}")
                for child in sub["children"]:
                    item = items[child["code"]]
                    self.stdout.write(f"    {item['code']}. {item['name']}  {item['points']}/{item['max']}")
                    self.stdout.write(f"       {item['explanation']}")
                    if item["missing"]:
                        self.stdout.write(self.style.WARNING(f"       缺少:{'、'.join(item['missing'])}"))
