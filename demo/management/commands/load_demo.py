from django.core.management.base import BaseCommand, CommandError

from assessments.services import score_snapshot_request
from demo.assessments import (
    demo_evaluator_profiles_load,
    demo_judgements_load,
    demo_rounds_load,
    demo_rounds_reset,
)
from demo.inspections import demo_inspections_load
from evidence.demo import demo_evidence_load
from indicators.models import IndicatorSystem
from tasks.demo import demo_tasks_load
from zones.demo.loader import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "载入演示数据:三明市创建全国示范区(演示数据)及每种角色的演示账号;可重复执行。"

    def handle(self, *args, **options):
        if not IndicatorSystem.objects.filter(code="CN-2024").exists():
            raise CommandError("请先运行 python manage.py load_standard 载入全国指标体系。")
        zone = demo_load()
        demo_rounds_reset(zone=zone)
        demo_judgements_load(zone=zone)
        demo_evaluator_profiles_load()
        demo_tasks_load(zone=zone)
        demo_evidence_load(zone=zone)
        demo_rounds_load(zone=zone)
        demo_inspections_load(zone=zone)  # after the rounds: expert and expert2 then hold a role on the zone
        tasks = zone.tasks.count()
        score_snapshot_request(zone=zone)
        self.stdout.write(self.style.SUCCESS(f"已载入演示创建对象“{zone.name}”(ID {zone.pk}),工作任务 {tasks} 项。"))
        self.stdout.write(f"演示账号(仅供本机使用,密码均为 {DEMO_PASSWORD}):")
        for username, display, _role, _unit in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<10} {display}")
