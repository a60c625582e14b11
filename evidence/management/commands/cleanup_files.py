"""List (and with --delete remove) the files under MEDIA_ROOT that no row refers to.

What a rolled-back upload, a crash between writing a file and committing its row, or a
deletion before the on-commit removal existed leaves behind. Rows are found through
``common.storage`` (every FileField and every "存储路径" field of every app), so the command
covers evidence, progress-report attachments, findings, self-checks and reports alike.
Files younger than ``--min-age`` minutes (default 60) are left alone: their rows may not be
committed yet.
"""

from django.core.management.base import BaseCommand

from common.files import human_size
from common.storage import media_path, orphan_files


class Command(BaseCommand):
    help = "列出（加 --delete 则删除）MEDIA_ROOT 中没有任何记录引用的文件。"

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="删除列出的文件")
        parser.add_argument("--min-age", type=int, default=60, help="只处理至少这么多分钟前的文件（默认 60）")

    def handle(self, *args, delete: bool, min_age: int, **options):
        orphans = orphan_files(min_age_seconds=max(min_age, 0) * 60)
        for orphan in orphans:
            self.stdout.write(f"{orphan.name}\t{human_size(orphan.size)}\t{orphan.age_seconds / 3600:.1f} 小时前")
        total = sum(orphan.size for orphan in orphans)
        if not orphans:
            self.stdout.write("没有无人引用的文件。")
            return
        if delete:
            for orphan in orphans:
                path = media_path(orphan.name)
                if path is not None:
                    path.unlink(missing_ok=True)
            self.stdout.write(f"已删除 {len(orphans)} 个无人引用的文件，共 {human_size(total)}。")
        else:
            self.stdout.write(f"共 {len(orphans)} 个无人引用的文件，{human_size(total)}；加 --delete 删除。")
