"""History of a zone's statistics and list inputs, and the evidence that backs a figure.

Every change to a ``DataValue``, an ``OperatorEntry`` or an ``OutcomeEntry`` is one
``DataChange`` row per field (old → new, who, when, through which channel); rows are
never edited. The changed object may be gone (a cleared figure, a removed operator),
so the row keeps its own description of it rather than a foreign key that would vanish.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

__all__ = ["DataChange", "DataEvidenceLink", "FIELD_LABELS"]


class DataChange(models.Model):
    """One field of one figure or list entry changed: old → new, who, when, how."""

    class Target(models.TextChoices):
        VALUE = "value", "统计数据"
        OPERATOR = "operator", "规模以上网络交易经营者"
        OUTCOME = "outcome", "制度化标准化成果"

    class Action(models.TextChoices):
        CREATED = "created", "新增"
        UPDATED = "updated", "修改"
        DELETED = "deleted", "删除"

    class Via(models.TextChoices):
        FORM = "form", "网页填报"
        EXCEL = "excel", "Excel导入"
        API = "api", "接口"
        ADMIN = "admin", "管理后台"

    zone = models.ForeignKey("zones.Zone", verbose_name="创建对象", on_delete=models.CASCADE, related_name="+")
    target = models.CharField("对象类型", max_length=10, choices=Target.choices)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    # For statistics: the figure's metric and year (the DataValue row may be deleted).
    metric = models.ForeignKey(
        "indicators.Metric", verbose_name="统计指标", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    object_id = models.PositiveBigIntegerField("对象编号", null=True, blank=True)
    label = models.CharField("对象", max_length=300, help_text="变更时对象的描述，如“网上零售额 2024年”。")
    field = models.CharField("字段", max_length=40)
    old_value = models.TextField("原值", blank=True)
    new_value = models.TextField("新值", blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField("时间", auto_now_add=True)
    via = models.CharField("途径", max_length=10, choices=Via.choices)

    class Meta:
        verbose_name = "数据变更记录"
        verbose_name_plural = "数据变更记录"
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target="value") | Q(metric__isnull=False, year__isnull=False),
                name="data_change_value_has_metric_year",
            ),
        ]
        indexes = [
            # The history page: a zone's changes, newest first.
            models.Index(fields=["zone", "-changed_at"], name="data_change_zone_latest"),
            # A figure's own history (zone, metric, year).
            models.Index(fields=["zone", "metric", "year"], name="data_change_figure"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.field_label}：{self.old_value} → {self.new_value}"

    @property
    def field_label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


FIELD_LABELS = {
    "value": "数值",
    "published_growth": "官方公布增速（%）",
    "source": "来源",
    "evidence": "佐证材料",
    "name": "经营者名称",
    "credit_code": "统一社会信用代码",
    "year": "年度",
    "annual_sales": "年度电子商务销售额（万元）",
    "title": "成果名称",
    "kind": "类型",
    "issued_on": "发布日期",
}


class DataEvidenceLink(models.Model):
    """The evidence (of the same zone) backing one figure or one item-34 outcome."""

    data_value = models.OneToOneField(
        "evidence.DataValue",
        verbose_name="统计数据",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence_link",
    )
    outcome = models.OneToOneField(
        "evidence.OutcomeEntry",
        verbose_name="制度化标准化成果",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence_link",
    )
    evidence = models.ForeignKey(
        "evidence.Evidence", verbose_name="佐证材料", on_delete=models.CASCADE, related_name="data_links"
    )

    class Meta:
        verbose_name = "数据佐证材料"
        verbose_name_plural = "数据佐证材料"
        constraints = [
            models.CheckConstraint(
                condition=Q(data_value__isnull=False, outcome__isnull=True)
                | Q(data_value__isnull=True, outcome__isnull=False),
                name="data_evidence_link_one_target",
            ),
        ]

    def __str__(self) -> str:
        return str(self.evidence)
