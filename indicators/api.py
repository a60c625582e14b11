"""API: one view per operation, nested serializers, access via zones.access."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from zones.access import ZoneAction, indicator_systems_visible_to, zone_get_for_user

from .models import IndicatorSystem, ScoreSnapshot
from .selectors import score_snapshot_latest
from .services import score_snapshot_request


class SystemListApi(APIView):
    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = IndicatorSystem
            fields = ("id", "code", "name", "version", "issuer", "status", "published_at")

    @extend_schema(responses=OutputSerializer(many=True), summary="指标体系列表")
    def get(self, request):
        systems = indicator_systems_visible_to(request.user).order_by("code")
        return Response(self.OutputSerializer(systems, many=True).data)


class SnapshotOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoreSnapshot
        fields = ("id", "status", "total", "max_total", "requested_at", "computed_at", "result")


class ZoneScoreApi(APIView):
    @extend_schema(responses=SnapshotOutputSerializer, summary="创建对象最近一次评分")
    def get(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id)
        snapshot = score_snapshot_latest(zone=zone)
        if snapshot is None:
            return Response({"message": "尚未计算评分。", "extra": {}}, status=status.HTTP_404_NOT_FOUND)
        return Response(SnapshotOutputSerializer(snapshot).data)

    @extend_schema(request=None, responses={202: SnapshotOutputSerializer}, summary="重新计算创建对象评分")
    def post(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.RECOMPUTE_SCORES)
        snapshot = score_snapshot_request(zone=zone, user=request.user)
        return Response(SnapshotOutputSerializer(snapshot).data, status=status.HTTP_202_ACCEPTED)
