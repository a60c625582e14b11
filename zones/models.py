from django.conf import settings
from django.db import models
from django.db.models import Q

from .regions import RegionCategory


class Region(models.Model):
    """An administrative division: province → city → county."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        CITY = "city", "地市级"
        COUNTY = "county", "县级"

    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    category = models.CharField(
        "东中西部", max_length=10, choices=RegionCategory.choices, help_text="默认按所在省份的传统三大地带划分。"
    )

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent"),
            models.CheckConstraint(
                condition=Q(level="province", parent__isnull=True) | (~Q(level="province") & Q(parent__isnull=False)),
                name="region_only_provinces_are_roots",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The category defaults from the province by the traditional division;
        # cities and counties inherit it. It stays editable.
        if not self.category:
            from .regions import category_for_province

            if self.parent_id is None:
                self.category = category_for_province(self.name) or ""
            else:
                self.category = self.parent.category
        super().save(*args, **kwargs)

    @property
    def province(self) -> "Region":
        region = self
        while region.parent_id is not None:
            region = region.parent
        return region


def _default_reference_year_1() -> int:
    return _latest_full_year() - 1


def _default_reference_year_2() -> int:
    return _latest_full_year()


def _latest_full_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year - 1


class Zone(models.Model):
    """A 创建对象: a city or county creating a demonstration zone."""

    class Tier(models.TextChoices):
        NATIONAL = "national", "全国"
        PROVINCIAL = "provincial", "省级"

    name = models.CharField("名称", max_length=100, unique=True)
    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="zones")
    tier = models.CharField("示范区级别", max_length=12, choices=Tier.choices, default=Tier.NATIONAL)
    system = models.ForeignKey(
        "indicators.IndicatorSystem", verbose_name="评估指标体系", on_delete=models.PROTECT, related_name="zones"
    )
    region_category = models.CharField(
        "东中西部", max_length=10, choices=RegionCategory.choices, blank=True, help_text="留空则取所在省份的划分。"
    )
    reference_year_1 = models.PositiveSmallIntegerField("参考年度一", default=_default_reference_year_1)
    reference_year_2 = models.PositiveSmallIntegerField(
        "参考年度二", default=_default_reference_year_2, help_text="默认为最近两个完整年度。"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "创建对象"
        verbose_name_plural = "创建对象"
        constraints = [
            models.CheckConstraint(
                condition=Q(reference_year_2__gt=models.F("reference_year_1")), name="zone_reference_years_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.region_category:
            self.region_category = self.region.category
        super().save(*args, **kwargs)

    @property
    def reference_years(self) -> tuple[int, int]:
        return (self.reference_year_1, self.reference_year_2)


class Unit(models.Model):
    """A 责任单位 of a zone (city department, county government, agency)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "市直部门"
        COUNTY_GOVERNMENT = "county_government", "县(市、区)人民政府"
        VERTICAL = "vertical", "垂直管理单位"
        OTHER = "other", "其他"

    zone = models.ForeignKey(Zone, verbose_name="创建对象", on_delete=models.CASCADE, related_name="units")
    name = models.CharField("单位全称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("单位类型", max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)

    class Meta:
        verbose_name = "责任单位"
        verbose_name_plural = "责任单位"
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="unit_unique_name_in_zone")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A role held by a user in a zone, a unit of a zone, or a province."""

    class Role(models.TextChoices):
        OFFICE = "office", "办公室工作人员"
        LIAISON = "liaison", "责任单位联络员"
        EVALUATOR = "evaluator", "评审专家"
        PROVINCIAL_REVIEWER = "provincial_reviewer", "省级评审人员"
        SYSTEM_ADMIN = "system_admin", "系统管理员"
        SECURITY_ADMIN = "security_admin", "安全管理员"
        AUDIT_ADMIN = "audit_admin", "审计管理员"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("角色", max_length=30, choices=Role.choices)
    zone = models.ForeignKey(Zone, verbose_name="创建对象", null=True, blank=True, on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, verbose_name="责任单位", null=True, blank=True, on_delete=models.CASCADE)
    province = models.ForeignKey(
        Region, verbose_name="省份", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=["office", "evaluator"], zone__isnull=False, unit__isnull=True, province__isnull=True)
                    | Q(role="liaison", zone__isnull=False, unit__isnull=False, province__isnull=True)
                    | Q(role="provincial_reviewer", zone__isnull=True, unit__isnull=True, province__isnull=False)
                    | Q(
                        role__in=["system_admin", "security_admin", "audit_admin"],
                        zone__isnull=True,
                        unit__isnull=True,
                        province__isnull=True,
                    )
                ),
                name="membership_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit or self.zone or self.province or "全局"
        return f"{self.get_role_display()} · {scope}"
