from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .lifecycle import ZoneStatus
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

    Status = ZoneStatus

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
    status = models.CharField(
        "创建状态",
        max_length=20,
        choices=ZoneStatus.choices,
        default=ZoneStatus.APPLICATION,
        help_text="只能通过状态变更（记录变更人、时间与理由）修改。",
    )
    creation_start = models.DateField("创建周期开始", null=True, blank=True)
    creation_end = models.DateField("创建周期结束", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "创建对象"
        verbose_name_plural = "创建对象"
        constraints = [
            models.CheckConstraint(
                condition=Q(reference_year_2__gt=models.F("reference_year_1")), name="zone_reference_years_ordered"
            ),
            models.CheckConstraint(
                condition=Q(creation_start__isnull=True)
                | Q(creation_end__isnull=True)
                | Q(creation_end__gt=models.F("creation_start")),
                name="zone_creation_period_ordered",
                violation_error_message="创建周期的结束日期必须晚于开始日期。",
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
    aliases = models.JSONField(
        "别称", default=list, blank=True, help_text="指标责任单位文本中出现的其他写法，如“市场监管局”“市市场监管局”。"
    )
    position = models.PositiveIntegerField("排序", default=0)

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
        NATIONAL_REVIEWER = "national_reviewer", "总局评审人员"
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
                    # a province's pool of evaluators (they see a zone once assigned in one of its rounds)
                    | Q(
                        role__in=["provincial_reviewer", "evaluator"],
                        zone__isnull=True,
                        unit__isnull=True,
                        province__isnull=False,
                    )
                    | Q(
                        role__in=["system_admin", "security_admin", "audit_admin", "national_reviewer"],
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


class ZoneTransition(models.Model):
    """An event: a zone's status changed from one step to the next (or back), by whom, when, why."""

    zone = models.ForeignKey(Zone, verbose_name="创建对象", on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("原状态", max_length=20, choices=ZoneStatus.choices)
    to_status = models.CharField("新状态", max_length=20, choices=ZoneStatus.choices)
    is_back = models.BooleanField("退回", default=False)
    reason = models.TextField("理由", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "状态变更记录"
        verbose_name_plural = "状态变更记录"
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_status=models.F("to_status")), name="transition_changes_status"),
            models.CheckConstraint(
                condition=Q(is_back=False) | ~Q(reason=""),
                name="transition_back_has_reason",
                violation_error_message="退回必须填写理由。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.get_from_status_display()} → {self.get_to_status_display()}"


class ZoneScopeChange(models.Model):
    """An event: a zone's region or tier changed (which province reviews it, which system of
    assessment it follows), or what its score is computed against (indicator system, 东中西部
    benchmarks, reference years) or its name — by whom, when, why. Only the system admin
    changes them, in the admin (zones.services.zone_scope_change)."""

    class Field(models.TextChoices):
        REGION = "region", "行政区划"
        TIER = "tier", "示范区级别"
        NAME = "name", "名称"
        SYSTEM = "system", "评估指标体系"
        CATEGORY = "category", "东中西部"
        YEAR_1 = "year_1", "参考年度一"
        YEAR_2 = "year_2", "参考年度二"

    zone = models.ForeignKey(Zone, verbose_name="创建对象", on_delete=models.CASCADE, related_name="scope_changes")
    field = models.CharField("变更项", max_length=10, choices=Field.choices)
    old_value = models.CharField("原值", max_length=200)
    new_value = models.CharField("新值", max_length=200)
    reason = models.TextField("理由")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "区划与级别变更记录"
        verbose_name_plural = "区划与级别变更记录"
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="scope_change_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.get_field_display()}:{self.old_value} → {self.new_value}"


class KeyPark(models.Model):
    """A 重点园区 of a zone (e-commerce parks, live-streaming bases …)."""

    zone = models.ForeignKey(Zone, verbose_name="创建对象", on_delete=models.CASCADE, related_name="key_parks")
    name = models.CharField("名称", max_length=100)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "重点园区"
        verbose_name_plural = "重点园区"
        ordering = ["zone", "name"]
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="key_park_unique_name_in_zone")]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    """A dated phase of the creation (实施步骤), e.g. 启动部署 2024-01 – 2024-03."""

    zone = models.ForeignKey(Zone, verbose_name="创建对象", on_delete=models.CASCADE, related_name="stages")
    name = models.CharField("阶段名称", max_length=60)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "实施阶段"
        verbose_name_plural = "实施阶段"
        ordering = ["zone", "position", "start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="stage_end_not_before_start",
                violation_error_message="阶段的结束日期不能早于开始日期。",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StageStep(models.Model):
    """A sub-step of a stage (e.g. 组织实施 → 细化方案 / 落实推进 / 加强督导)."""

    stage = models.ForeignKey(Stage, verbose_name="实施阶段", on_delete=models.CASCADE, related_name="steps")
    title = models.CharField("步骤", max_length=100)
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "阶段步骤"
        verbose_name_plural = "阶段步骤"
        ordering = ["stage", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class LeadingGroupMember(models.Model):
    """A seat in the zone's 领导小组 — a title and a unit; the person (user) is optional.

    Demo data fill titles and units only, never the names of real people.
    """

    class Role(models.TextChoices):
        LEADER = "leader", "组长"
        DEPUTY = "deputy", "副组长"
        MEMBER = "member", "成员"
        OFFICE_DIRECTOR = "office_director", "办公室主任"
        LIAISON = "liaison", "联络员"

    zone = models.ForeignKey(Zone, verbose_name="创建对象", on_delete=models.CASCADE, related_name="leading_group")
    role = models.CharField("职务", max_length=20, choices=Role.choices)
    title = models.CharField("职务名称", max_length=100, help_text="如“市政府副市长”“市市场监管局局长”。")
    unit = models.ForeignKey(
        Unit, verbose_name="所在单位", null=True, blank=True, on_delete=models.PROTECT, related_name="leading_seats"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leading_seats",
    )
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "领导小组成员"
        verbose_name_plural = "领导小组成员"
        ordering = ["zone", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.title}"


class IndicatorResponsibility(models.Model):
    """A cell of the responsibility matrix: ``unit`` answers for a level-3 ``indicator`` in ``zone``.

    ``source`` says whether the row was parsed from the indicator's 责任单位 text or
    set by hand; a rebuild only touches parsed rows. A hand-cleared cell is kept as a
    ``removed`` row so a rebuild does not bring it back.
    """

    class Source(models.TextChoices):
        PARSED = "parsed", "按指标体系生成"
        MANUAL = "manual", "手工调整"

    zone = models.ForeignKey(Zone, verbose_name="创建对象", on_delete=models.CASCADE, related_name="responsibilities")
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name="三级指标", on_delete=models.CASCADE, related_name="responsibilities"
    )
    unit = models.ForeignKey(Unit, verbose_name="责任单位", on_delete=models.CASCADE, related_name="responsibilities")
    is_lead = models.BooleanField("牵头", default=False)
    removed = models.BooleanField("已手工移除", default=False)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.PARSED)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "指标责任分工"
        verbose_name_plural = "指标责任分工"
        constraints = [
            models.UniqueConstraint(fields=["zone", "indicator", "unit"], name="responsibility_unique_cell"),
            models.CheckConstraint(
                condition=Q(removed=False) | Q(is_lead=False), name="responsibility_removed_not_lead"
            ),
            models.CheckConstraint(
                condition=Q(removed=False) | Q(source="manual"), name="responsibility_removed_is_manual"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.unit}"


class UnmatchedUnitName(models.Model):
    """A name in an indicator's 责任单位 text that matched no unit of the zone.

    Shown to the office until mapped by hand to a unit (which creates the
    responsibility and records the name as an alias of the unit) — never dropped.
    """

    zone = models.ForeignKey(Zone, verbose_name="创建对象", on_delete=models.CASCADE, related_name="unmatched_names")
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name="三级指标", on_delete=models.CASCADE, related_name="+"
    )
    raw_name = models.CharField("原文单位名称", max_length=100)
    is_lead = models.BooleanField("原文为牵头单位", default=False)
    resolved_unit = models.ForeignKey(
        Unit, verbose_name="对应单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "未匹配的单位名称"
        verbose_name_plural = "未匹配的单位名称"
        ordering = ["zone", "raw_name", "indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "indicator", "raw_name"], name="unmatched_unique_name_per_item"),
        ]

    def __str__(self) -> str:
        return self.raw_name
