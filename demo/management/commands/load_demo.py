from django.core.management.base import BaseCommand, CommandError

from demo.loader import demo_load_all
from demo.zone import DEMO_ACCOUNTS, DEMO_PASSWORD, SECOND_ZONE
from indicators.models import IndicatorSystem


class Command(BaseCommand):
    help = (
        "载入演示数据：三明市创建全国示范区（演示数据）、同省对比用的南平市（申报省级，部分数据）"
        "及每种角色的演示账号；可重复执行。"
    )

    def handle(self, *args, **options):
        if not IndicatorSystem.objects.filter(code="CN-2024").exists():
            raise CommandError("请先运行 python manage.py load_standard 载入全国指标体系。")
        zone = demo_load_all()
        tasks = zone.tasks.count()
        self.stdout.write(self.style.SUCCESS(f"已载入演示创建对象“{zone.name}”（ID {zone.pk}），工作任务 {tasks} 项。"))
        self.stdout.write(f"另载入同省的“{SECOND_ZONE}”（申报省级示范区，部分统计数据），供省级评审人员对比。")
        self.stdout.write(f"演示账号（仅供本机使用，密码均为 {DEMO_PASSWORD}）：")
        for username, display, _role, _unit in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<10} {display}")
