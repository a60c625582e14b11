from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_purge, audit_retention_days


class Command(BaseCommand):
    help = "删除某日期之前的审计日志（至少保留 180 天，网络安全法第二十一条）；清理本身记入审计日志。"

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="删除此日期（YYYY-MM-DD）之前的记录")

    def handle(self, *args, **options):
        try:
            before = date.fromisoformat(options["before"])
        except ValueError:
            raise CommandError(f"日期“{options['before']}”无效，请使用 YYYY-MM-DD 格式。") from None
        try:
            deleted = audit_purge(before=before)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            f"已删除 {before.isoformat()} 之前的审计日志 {deleted} 条（保留期 {audit_retention_days()} 天）；"
            "本次清理已记入审计日志。"
        )
