from django.conf import settings
from django.db import models
from django.db.models import Q


class DataValue(models.Model):
    """A zone's figure for one metric and year.

    For growth metrics the office may enter the officially published growth
    rate (可比口径); when present it is used instead of the ratio of totals.
    """

    zone = models.ForeignKey(
        "zones.Zone", verbose_name="创建对象", on_delete=models.CASCADE, related_name="data_values"
    )
    metric = models.ForeignKey("indicators.Metric", verbose_name="统计指标", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("数值", max_digits=18, decimal_places=4, null=True, blank=True)
    published_growth = models.DecimalField(
        "官方公布增速（%）",
        max_digits=9,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="统计部门按可比口径公布的同比增速；填写后优先于按总量计算的增速。",
    )
    source = models.CharField("数据来源", max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("填报时间", auto_now=True)

    class Meta:
        verbose_name = "统计数据"
        verbose_name_plural = "统计数据"
        constraints = [
            models.UniqueConstraint(fields=["zone", "metric", "year"], name="data_value_unique"),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(published_growth__isnull=False), name="data_value_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.year} {self.metric_id}"


class OperatorEntry(models.Model):
    """Item 4's list: a newly large network-trade operator (规模以上网络交易经营者)."""

    zone = models.ForeignKey(
        "zones.Zone", verbose_name="创建对象", on_delete=models.CASCADE, related_name="operator_entries"
    )
    name = models.CharField("经营者名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    year = models.PositiveSmallIntegerField("年度")
    annual_sales = models.DecimalField("年度电子商务销售额（万元）", max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = "规模以上网络交易经营者"
        verbose_name_plural = "规模以上网络交易经营者"
        constraints = [
            models.UniqueConstraint(fields=["zone", "credit_code", "year"], name="operator_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}）"


class OutcomeEntry(models.Model):
    """Item 34's list: an institutional or standard outcome (制度化、标准化成果)."""

    class Kind(models.TextChoices):
        LAW = "law", "法规"
        RULE = "rule", "规章"
        NORMATIVE = "normative", "规范性文件"
        STANDARD = "standard", "标准"

    zone = models.ForeignKey(
        "zones.Zone", verbose_name="创建对象", on_delete=models.CASCADE, related_name="outcome_entries"
    )
    title = models.CharField("成果名称", max_length=200)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    issued_on = models.DateField("发布日期")

    class Meta:
        verbose_name = "制度化标准化成果"
        verbose_name_plural = "制度化标准化成果"

    def __str__(self) -> str:
        return self.title


from .models_data import *  # noqa: E402, F401, F403
from .models_files import *  # noqa: E402, F403
