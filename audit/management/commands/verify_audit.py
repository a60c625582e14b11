from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.services import audit_verify


class Command(BaseCommand):
    help = "逐条核对审计日志的哈希链，报告第一处断裂（记录被修改、删除、插入或调换）。"

    def handle(self, *args, **options):
        result = audit_verify()
        if result.broken is None and not result.problem:
            self.stdout.write(f"审计日志完整：已核对 {result.checked} 条记录，哈希链无断裂。")
            return
        row = result.broken
        if row is None:  # no row left at all, though the head names one
            raise CommandError(f"审计日志哈希链断裂：{result.problem}。")
        when = timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S")
        raise CommandError(
            f"审计日志哈希链在第 {row.pk} 条记录处断裂（{when}，{row.get_action_display()}）：{result.problem}。"
            f"此前 {result.checked} 条记录完整。"
        )
