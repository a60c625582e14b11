"""API for a zone's statistics: list, upsert (same checks and permissions as the form), history.

One view per operation, nested serializers, access via zones.access; errors take the
project's one JSON shape (config/api.py).
"""

from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.pagination import ApiPagination
from common.params import query_int
from zones.access import ZoneAction, zone_get_for_user

from ..models import DataChange, DataValue
from .selectors import data_change_list, data_scope_for, data_values_visible, zone_data_needs
from .services import UNSET, FigureRow, Via, data_values_save


@extend_schema_serializer(component_name="DataValue")
class DataValueOutputSerializer(serializers.Serializer):
    metric = serializers.CharField(source="metric.key")
    metric_name = serializers.CharField(source="metric.name")
    unit = serializers.CharField(source="metric.unit")
    year = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    published_growth = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    source = serializers.CharField()
    evidence = serializers.SerializerMethodField()
    updated_by = serializers.CharField(source="updated_by.username", default=None)
    updated_at = serializers.DateTimeField()

    def get_evidence(self, obj: DataValue) -> int | None:
        link = getattr(obj, "evidence_link", None)
        return link.evidence_id if link else None


def _paginated(view: APIView, request, rows, serializer) -> Response:
    """One page of ``rows`` as ``{count, next, previous, results}`` (common.pagination.ApiPagination).

    ``page`` and ``page_size`` that are not numbers are refused with a Chinese message (400)."""
    query_int(request.query_params, "page")
    query_int(request.query_params, "page_size")
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


class DataValueListApi(APIView):
    pagination_class = ApiPagination

    @extend_schema(responses=DataValueOutputSerializer(many=True), summary="创建对象的统计数据")
    def get(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id)
        # A liaison reads the figures of their own units' items only, as on the data pages.
        rows = data_values_visible(user=request.user, zone=zone)
        return _paginated(self, request, rows, DataValueOutputSerializer)


@extend_schema_serializer(component_name="DataValueUpsertItem")
class DataValueUpsertItemSerializer(serializers.Serializer):
    metric = serializers.CharField(help_text="统计指标键，见 list_metrics")
    year = serializers.IntegerField()
    # Numbers travel as strings or numbers; the service parses and checks them (Chinese messages).
    value = serializers.JSONField(required=False, allow_null=True, help_text="数值；null 表示清空")
    published_growth = serializers.JSONField(
        required=False, allow_null=True, help_text="官方公布增速（%）；null 表示清空"
    )
    source = serializers.CharField(required=False, allow_blank=True, max_length=200)
    evidence = serializers.IntegerField(required=False, allow_null=True, help_text="本创建对象的佐证材料编号")


class DataValueUpsertApi(APIView):
    """Create, change or (both numbers null) clear figures; fields left out keep what is stored."""

    @extend_schema_serializer(component_name="DataValueUpsertInput")
    class InputSerializer(serializers.Serializer):
        values = serializers.ListField(child=DataValueUpsertItemSerializer(), allow_empty=False, max_length=1000)

    @extend_schema_serializer(component_name="DataValueUpsertOutput")
    class OutputSerializer(serializers.Serializer):
        changes = serializers.IntegerField(help_text="修改的字段数")
        values = DataValueOutputSerializer(many=True)

    @extend_schema(
        request=InputSerializer, responses={200: OutputSerializer}, summary="填报统计数据（全部成功或全部不保存）"
    )
    def post(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.SUBMIT_DATA)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        rows = []
        for i, data in enumerate(payload.validated_data["values"], 1):
            rows.append(
                FigureRow(
                    metric=data["metric"],
                    year=data["year"],
                    value=_number_in(data.get("value", UNSET)),
                    published_growth=_number_in(data.get("published_growth", UNSET)),
                    source=data.get("source", UNSET),
                    evidence=data.get("evidence", UNSET),
                    where=f"第{i}条：",
                )
            )
        needs = zone_data_needs(zone=zone)
        scope = data_scope_for(user=request.user, zone=zone, needs=needs)
        changes = data_values_save(
            zone=zone, user=request.user, rows=rows, via=Via.API, allowed_keys=scope.metric_keys, needs=needs
        )
        values = data_values_visible(user=request.user, zone=zone, wanted={(r.metric, r.year) for r in rows})
        return Response(
            {"changes": len(changes), "values": DataValueOutputSerializer(values, many=True).data},
            status=status.HTTP_200_OK,
        )


def _number_in(value):
    """JSON numbers arrive as float; read them through their text so 0.1 stays 0.1."""
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


class DataChangeListApi(APIView):
    pagination_class = ApiPagination

    @extend_schema_serializer(component_name="DataChange")
    class OutputSerializer(serializers.ModelSerializer):
        metric = serializers.CharField(source="metric.key", default=None)
        changed_by = serializers.CharField(source="changed_by.username", default=None)

        class Meta:
            model = DataChange
            fields = (
                "id",
                "target",
                "action",
                "metric",
                "year",
                "object_id",
                "label",
                "field",
                "old_value",
                "new_value",
                "changed_by",
                "changed_at",
                "via",
            )

    @extend_schema(
        parameters=[
            OpenApiParameter("metric", str, description="只看某个统计指标"),
            OpenApiParameter("year", int, description="只看某个年度"),
        ],
        responses=OutputSerializer(many=True),
        summary="统计数据与名单的变更记录",
    )
    def get(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.SUBMIT_DATA)
        needs = zone_data_needs(zone=zone)
        scope = data_scope_for(user=request.user, zone=zone, needs=needs)
        rows = data_change_list(
            zone=zone,
            metric_keys=None if scope.is_office else scope.metric_keys,
            lists=None if scope.is_office else scope.lists,
            metric=request.query_params.get("metric") or None,
            year=query_int(request.query_params, "year"),
        )
        return _paginated(self, request, rows, self.OutputSerializer)
