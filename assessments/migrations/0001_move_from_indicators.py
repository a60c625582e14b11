"""Judgement and ScoreSnapshot move from indicators to assessments, data kept.

State only: the tables stay where they are (indicators_judgement,
indicators_scoresnapshot) until 0002 renames them and adds what rounds need."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("indicators", "0002_initial"),
        ("zones", "0003_lifecycle_stages_matrix"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Judgement",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("points", models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name="得分")),
                        ("options", models.JSONField(blank=True, default=list, verbose_name="符合的情形")),
                        ("comment", models.TextField(blank=True, verbose_name="评审意见")),
                        ("judged_at", models.DateTimeField(auto_now=True, verbose_name="评审时间")),
                        ("judged_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="评审人")),
                        ("scoring_item", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="judgements", to="indicators.scoringitem", verbose_name="评分项")),
                        ("zone", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="judgements", to="zones.zone", verbose_name="创建对象")),
                    ],
                    options={
                        "db_table": "indicators_judgement",
                        "constraints": [
                            models.UniqueConstraint(fields=("zone", "scoring_item"), name="judgement_unique_per_item"),
                            models.CheckConstraint(condition=models.Q(("points__gte", 0), ("points__isnull", True), _connector="OR"), name="judgement_points_non_negative"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ScoreSnapshot",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("status", models.CharField(default="queued", max_length=10, verbose_name="状态")),
                        ("total", models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name="总分")),
                        ("max_total", models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name="满分")),
                        ("result", models.JSONField(blank=True, default=dict, verbose_name="评分结果")),
                        ("error", models.TextField(blank=True, verbose_name="错误信息")),
                        ("requested_at", models.DateTimeField(auto_now_add=True, verbose_name="发起时间")),
                        ("computed_at", models.DateTimeField(blank=True, null=True, verbose_name="完成时间")),
                        ("requested_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="发起人")),
                        ("system", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="indicators.indicatorsystem", verbose_name="指标体系")),
                        ("zone", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="score_snapshots", to="zones.zone", verbose_name="创建对象")),
                    ],
                    options={
                        "db_table": "indicators_scoresnapshot",
                        "ordering": ["-requested_at", "-id"],
                        "indexes": [models.Index(fields=["zone", "-requested_at"], name="snapshot_zone_latest")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
