from django.db import models
from django.db.models import Q


class IndicatorSystem(models.Model):
    """A versioned indicator system (e.g. the national 41-item system).

    Published systems never change: a revision is a new draft version.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    code = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=200)
    version = models.CharField("版本", max_length=40)
    issuer = models.CharField("发布机构", max_length=100, blank=True)
    scope = models.ForeignKey(
        "zones.Region",
        verbose_name="适用省份",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="为空表示全国体系；省级体系与本省数据对比。",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    based_on = models.ForeignKey(
        "self", verbose_name="修订自", null=True, blank=True, on_delete=models.SET_NULL, related_name="revisions"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "指标体系"
        verbose_name_plural = "指标体系"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.version}）"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Indicator(models.Model):
    """One node of the three-level tree: level 1 (一级), 2 (二级) or 3 (三级)."""

    class Nature(models.TextChoices):
        QUANTITATIVE = "quantitative", "定量"
        QUALITATIVE = "qualitative", "定性"
        QUANT_QUAL = "quant_qual", "定量+定性"
        QUAL_QUANT = "qual_quant", "定性+定量"

    system = models.ForeignKey(
        IndicatorSystem, verbose_name="指标体系", on_delete=models.CASCADE, related_name="indicators"
    )
    parent = models.ForeignKey(
        "self", verbose_name="上级指标", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.PositiveSmallIntegerField("层级", choices=[(1, "一级"), (2, "二级"), (3, "三级")])
    code = models.CharField("编号", max_length=20)
    name = models.CharField("名称", max_length=200)
    max_points = models.DecimalField("分值", max_digits=6, decimal_places=2)
    nature = models.CharField("变量性质", max_length=20, choices=Nature.choices, blank=True)
    criteria = models.TextField("指标说明及打分标准", blank=True)
    methods = models.TextField("评估方式", blank=True)
    data_sources = models.TextField("数据或资料来源", blank=True)
    responsible_units = models.TextField("责任单位", blank=True)
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["system", "position"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="indicator_unique_code_in_system"),
            models.CheckConstraint(condition=Q(level__in=[1, 2, 3]), name="indicator_level_1_to_3"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="indicator_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RuleType(models.TextChoices):
    YEARLY_VS_BENCHMARK = "yearly_vs_benchmark", "逐年对比基准值"
    YEARLY_VS_SERIES = "yearly_vs_series", "逐年对比本地指标"
    RATIO_BANDS = "ratio_bands", "比值区间"
    QUALIFYING_COUNT = "qualifying_count", "达标主体计数"
    CAPPED_COUNT = "capped_count", "逐项计分（封顶）"
    THRESHOLD = "threshold", "阈值"
    VS_BENCHMARK = "vs_benchmark", "对比全国（全省）平均"
    CHECKLIST = "checklist", "逐项评审"
    ANY_ONE = "any_one", "符合一项即可"
    EXPERT = "expert", "专家评分"


JUDGED_RULE_TYPES = frozenset({RuleType.CHECKLIST, RuleType.ANY_ONE, RuleType.EXPERT})


class ScoringItem(models.Model):
    """A sub-criterion of a third-level indicator, scored by one rule."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="三级指标", on_delete=models.CASCADE, related_name="scoring_items"
    )
    code = models.CharField("编号", max_length=20, help_text="如 11.1；只有一个评分项的指标与指标编号相同。")
    label = models.TextField("评分标准")
    points = models.DecimalField("分值", max_digits=6, decimal_places=2)
    rule_type = models.CharField("评分规则", max_length=30, choices=RuleType.choices)
    params = models.JSONField("规则参数", default=dict, blank=True)
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "评分项"
        verbose_name_plural = "评分项"
        ordering = ["indicator__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "code"], name="scoring_item_unique_code"),
            models.CheckConstraint(condition=Q(points__gt=0), name="scoring_item_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label[:30]}"

    @property
    def is_judged(self) -> bool:
        return self.rule_type in JUDGED_RULE_TYPES

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .scoring.params import validate_params

        errors = validate_params(self.rule_type, self.params)
        if errors:
            raise ValidationError({"params": errors})


class Metric(models.Model):
    """A statistic that a rule needs (entered by zones, or a benchmark figure)."""

    class Kind(models.TextChoices):
        INPUT = "input", "创建对象填报"
        BENCHMARK = "benchmark", "对比基准"

    class ValueType(models.TextChoices):
        AMOUNT = "amount", "金额/数量"
        COUNT = "count", "计数"
        PERCENT = "percent", "百分比"

    key = models.SlugField("指标键", max_length=60, unique=True)
    name = models.CharField("名称", max_length=100)
    unit = models.CharField("计量单位", max_length=20)
    period = models.CharField("统计周期", max_length=20, default="年度")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.INPUT)
    value_type = models.CharField("数值类型", max_length=10, choices=ValueType.choices, default=ValueType.AMOUNT)
    supports_growth = models.BooleanField(
        "可填官方增速", default=False, help_text="可填报统计部门按可比口径公布的同比增速，填写后优先采用。"
    )
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "统计指标"
        verbose_name_plural = "统计指标"
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class Benchmark(models.Model):
    """A comparison figure: national (region empty) or one province's."""

    region = models.ForeignKey(
        "zones.Region",
        verbose_name="范围（省份）",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="为空表示全国。",
    )
    metric = models.ForeignKey(Metric, verbose_name="统计指标", on_delete=models.CASCADE, related_name="benchmarks")
    year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("数值", max_digits=18, decimal_places=4)
    source = models.CharField("来源", max_length=200, blank=True)

    class Meta:
        verbose_name = "对比基准"
        verbose_name_plural = "对比基准"
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "year"], condition=Q(region__isnull=True), name="benchmark_unique_national"
            ),
            models.UniqueConstraint(
                fields=["region", "metric", "year"], condition=Q(region__isnull=False), name="benchmark_unique_province"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region or '全国'} {self.year} {self.metric.name}"

    @property
    def scope_label(self) -> str:
        return self.region.name if self.region_id else "全国"
