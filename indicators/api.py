"""API: one view per operation, nested serializers."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .access import indicator_systems_visible_to
from .models import IndicatorSystem


class SystemListApi(APIView):
    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = IndicatorSystem
            fields = ("id", "code", "name", "version", "issuer", "status", "published_at")

    @extend_schema(responses=OutputSerializer(many=True), summary="指标体系列表")
    def get(self, request):
        systems = indicator_systems_visible_to(request.user).order_by("code")
        return Response(self.OutputSerializer(systems, many=True).data)
