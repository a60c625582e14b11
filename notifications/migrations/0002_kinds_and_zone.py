from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="zone_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="创建对象编号"),
        ),
        migrations.AddField(
            model_name="notification",
            name="zone_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="创建对象"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("reminder", "到期提醒"),
                    ("overdue", "逾期提醒"),
                    ("sent_back", "退回"),
                    ("evidence_returned", "材料退回"),
                    ("info", "通知"),
                    ("evidence_submitted", "材料待审核"),
                    ("progress_completed", "进展待确认"),
                    ("assigned", "新任务"),
                    ("due_changed", "时限调整"),
                    ("evidence_accepted", "材料已采纳"),
                    ("round_assigned", "评审分工"),
                    ("zone_replied", "创建对象答复"),
                    ("doubt_raised", "数据存疑"),
                ],
                default="info",
                max_length=20,
                verbose_name="类型",
            ),
        ),
    ]
