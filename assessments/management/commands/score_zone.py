import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import AssessmentRound
from assessments.selectors import round_result_data, zone_score
from indicators.models import IndicatorSystem
from indicators.scoring import ScoreResult, score
from indicators.scoring.facts_json import facts_from_json
from indicators.scoring.spec import SpecError
from indicators.selectors import system_spec_for
from zones.models import Zone

KINDS = {
    "self": "self",
    "自评": "self",
    "provincial": "provincial",
    "省级评估": "provincial",
    "national": "national",
    "总局评估": "national",
}


class Command(BaseCommand):
    help = "按指标体系为一个创建对象评分：--zone 取数据库中的创建对象，--input 读取描述创建对象的 JSON 文件。"

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--zone", help="创建对象的 ID 或名称")
        source.add_argument("--input", help="描述创建对象的 JSON 文件（格式见 README）")
        parser.add_argument(
            "--round",
            help="评估轮次类型（self/自评、provincial/省级评估、national/总局评估）：输出该创建对象最近一轮的汇总得分",
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, **options):
        if options["round"]:
            if not options["zone"]:
                raise CommandError("--round 需要与 --zone 一起使用。")
            data = self._round(self._zone(options["zone"]), options["round"])
        elif options["zone"]:
            data = zone_score(zone=self._zone(options["zone"])).to_dict()
        else:
            data = self._from_file(Path(options["input"])).to_dict()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self._print(data)

    def _round(self, zone: Zone, kind: str) -> dict:
        if kind not in KINDS:
            raise CommandError(f"未知的评估轮次类型“{kind}”，应为 self、provincial 或 national。")
        round = AssessmentRound.objects.filter(zone=zone, kind=KINDS[kind]).order_by("-opened_at", "-pk").first()
        if round is None:
            raise CommandError(f"创建对象“{zone.name}”尚无{AssessmentRound.Kind(KINDS[kind]).label}轮次。")
        data = round_result_data(round=round)
        for item in data.get("items", []):
            for sub in item.get("subs", []):  # a result frozen before every sub-criterion carried them
                sub.setdefault("evaluators", [])
                sub.setdefault("aggregate", None)
        data["round"] = {"id": round.pk, "kind": round.kind, "status": round.status}
        return data

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
            raise CommandError("输入文件有误：\n" + "\n".join(exc.messages)) from exc
        system = IndicatorSystem.objects.filter(code=code).first()
        if system is None:
            raise CommandError(f"指标体系“{code}”不存在，请先运行 python manage.py load_standard。")
        return score(system_spec_for(system=system), facts)

    def _print(self, data: dict) -> None:
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
                    for s in item["subs"]:
                        for e in s.get("evaluators") or []:
                            self.stdout.write(f"       {s['code']} {e['evaluator']}：{e['points']} {e['comment']}")
                    if item["missing"]:
                        self.stdout.write(self.style.WARNING(f"       缺少：{'、'.join(item['missing'])}"))
