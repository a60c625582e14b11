"""API: a round's gaps, gaps → rectification tasks, and the what-if of a zone's live score.

Access is checked with the pages' permission functions before the body is read,
so a refused user gets 403/404, never 400.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.pagination import ApiPagination
from zones.access import zone_get_for_user

from . import rectification, whatif
from .access import RoundAction, round_get_for_user, score_visibility


class GapUnitOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    is_lead = serializers.BooleanField()


class GapEvidenceOutputSerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class GapOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="评分项编号，如 12.1")
    label = serializers.CharField()
    rule_type = serializers.CharField()
    item_code = serializers.CharField()
    item_name = serializers.CharField()
    dimension_code = serializers.CharField()
    dimension_name = serializers.CharField()
    points = serializers.FloatField()
    max = serializers.FloatField()
    lost = serializers.FloatField(help_text="失分")
    explanation = serializers.CharField(help_text="失分原因（本轮评分说明）")
    missing = serializers.ListField(child=serializers.CharField())
    disputed = serializers.CharField(help_text="存疑理由；未存疑为空")
    units = GapUnitOutputSerializer(many=True, help_text="责任单位（牵头单位在前）")
    evidence = GapEvidenceOutputSerializer(many=True, help_text="佐证材料按状态计数（已采纳在前）")
    task_id = serializers.IntegerField(allow_null=True, help_text="已生成的整改任务")


class RoundGapsApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("dimension", str, description="只看某个一级指标（编号，如 B）")],
        responses=GapOutputSerializer(many=True),
        summary="本轮失分分析",
    )
    def get(self, request, round_id: int):
        round = round_get_for_user(request.user, round_id, RoundAction.VIEW)
        gaps = rectification.round_gaps(round, score_visibility(request.user, round))
        dimension = request.query_params.get("dimension", "")
        if dimension:
            gaps = [g for g in gaps if g.dimension_code == dimension]
        paginator = ApiPagination()
        page = paginator.paginate_queryset(gaps, request, view=self)
        return paginator.get_paginated_response(GapOutputSerializer(page, many=True).data)


class RectificationTaskOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(source="gap_code", help_text="生成该任务的评分项")
    title = serializers.CharField()
    category = serializers.CharField()
    description = serializers.CharField()
    deadline = serializers.DateField()
    indicators = serializers.SerializerMethodField()
    units = serializers.SerializerMethodField()

    def get_indicators(self, task) -> list[str]:
        return [i.code for i in task.indicators.all()]

    def get_units(self, task) -> list[dict]:
        return [
            {"id": a.unit_id, "name": a.unit.name, "is_lead": a.is_lead}
            for a in task.assignments.select_related("unit").order_by("-is_lead", "unit_id")
        ]


class RectificationResultOutputSerializer(serializers.Serializer):
    created = RectificationTaskOutputSerializer(many=True, help_text="本次生成的整改任务")
    existing = serializers.ListField(child=serializers.CharField(), help_text="此前已生成整改任务的评分项")


class RoundGapsTasksApi(APIView):
    class RectificationTasksInputSerializer(serializers.Serializer):
        codes = serializers.ListField(child=serializers.CharField(), required=False, default=list)
        due_date = serializers.DateField(required=False, allow_null=True, help_text="整改完成时限")

    @extend_schema(
        request=RectificationTasksInputSerializer,
        responses={201: RectificationResultOutputSerializer},
        summary="为失分项生成整改任务",
    )
    def post(self, request, round_id: int):
        round = round_get_for_user(request.user, round_id, RoundAction.PLAN_RECTIFICATION)
        data = self.RectificationTasksInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        codes = data.validated_data["codes"]
        created = rectification.rectification_tasks_create(
            round, codes, data.validated_data.get("due_date"), request.user
        )
        made = {t.gap_code for t in created}
        body = {"created": created, "existing": [c for c in dict.fromkeys(codes) if c not in made]}
        return Response(RectificationResultOutputSerializer(body).data, status=status.HTTP_201_CREATED)


class WhatIfFigureInputSerializer(serializers.Serializer):
    metric = serializers.CharField(help_text="统计指标键，如 online_retail_sales")
    year = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=24, decimal_places=6)


class WhatIfJudgementInputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="评分项编号，如 12.1")
    points = serializers.DecimalField(max_digits=8, decimal_places=2)


class WhatIfAddInputSerializer(serializers.Serializer):
    operators = serializers.IntegerField(
        required=False, help_text="符合条件的规模以上网络交易经营者增减数：正数新增，负数减少（最多减少现有数量）"
    )
    outcomes = serializers.IntegerField(
        required=False, help_text="制度化、标准化成果增减数：正数新增，负数减少（最多减少现有数量）"
    )


class WhatIfInputSerializer(serializers.Serializer):
    values = WhatIfFigureInputSerializer(many=True, required=False, help_text="修改的统计数据")
    published_growth = WhatIfFigureInputSerializer(many=True, required=False, help_text="修改的官方公布增速（%）")
    judgements = WhatIfJudgementInputSerializer(many=True, required=False, help_text="修改的评审得分")
    add = WhatIfAddInputSerializer(required=False, help_text="名单中计入评分的条目增减数")


class WhatIfNodeOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    before = serializers.FloatField()
    after = serializers.FloatField()
    delta = serializers.FloatField()
    max = serializers.FloatField()


class WhatIfItemOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    before = serializers.FloatField()
    after = serializers.FloatField()
    delta = serializers.FloatField()


class WhatIfReachOutputSerializer(serializers.Serializer):
    item_code = serializers.CharField()
    sub_code = serializers.CharField()
    text = serializers.CharField()
    gain = serializers.FloatField()
    exact = serializers.BooleanField(help_text="false：补充缺失数据后最多可得的分数")


class WhatIfOutputSerializer(serializers.Serializer):
    total_before = serializers.FloatField(source="diff.total_before")
    total_after = serializers.FloatField(source="diff.total_after")
    total_delta = serializers.FloatField(source="diff.total_delta")
    max = serializers.FloatField(source="after.max")
    dimensions = WhatIfNodeOutputSerializer(many=True)
    items = WhatIfItemOutputSerializer(many=True, source="diff.items", help_text="得分变动的三级指标")
    reach = WhatIfReachOutputSerializer(many=True, source="reach.hints", help_text="模拟后的可提分项")
    changed = serializers.DictField(child=serializers.CharField(), source="changes.changed")


class ZoneWhatIfApi(APIView):
    @extend_schema(request=WhatIfInputSerializer, responses=WhatIfOutputSerializer, summary="模拟测算（不保存）")
    def post(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id)
        data = WhatIfInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = whatif.whatif_run(zone=zone, data=whatif.whatif_data_from_api(data.validated_data), strict=True)
        if run.errors:
            raise ValidationError({name: [message] for name, message in run.errors.items()})
        return Response(WhatIfOutputSerializer(run).data)
