"""Evidence API: one view per operation, the same access checks, selectors and services as the pages."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from common.files import upload_limit_install
from common.pagination import ApiPagination
from common.params import query_int
from zones.access import ZoneAction, zone_get_for_user

from . import selectors, services
from .models import Evidence, EvidenceFile, EvidenceStatus
from .views import evidence_file_serve


class FileOutputSerializer(serializers.ModelSerializer):
    duplicate = serializers.BooleanField(source="duplicate_of_id", read_only=True)

    class Meta:
        model = EvidenceFile
        fields = ("id", "version", "original_name", "size", "sha256", "content_type", "duplicate", "uploaded_at")


class EvidenceOutputSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    scoring_item_code = serializers.CharField(source="scoring_item.code", read_only=True, default=None)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    latest_version = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = Evidence
        fields = (
            "id",
            "indicator",
            "indicator_code",
            "scoring_item",
            "scoring_item_code",
            "unit",
            "unit_name",
            "title",
            "description",
            "effective_date",
            "status",
            "return_reason",
            "latest_version",
            "created_at",
            "reviewed_at",
        )


def _error(message: str, code: int) -> Response:
    return Response({"message": message, "extra": {}}, status=code)


class _LimitedUploadApi(APIView):
    """Multipart uploads with the size limit installed before DRF parses (or CSRF-checks) the body."""

    parser_classes = [MultiPartParser]
    # The limit for whatever reads the body first (common.files.UploadLimitHandler).
    upload_max_bytes = staticmethod(services.evidence_max_upload_bytes)

    def initial(self, request, *args, **kwargs):
        self.upload_limiter = upload_limit_install(request._request, services.evidence_max_upload_bytes())
        super().initial(request, *args, **kwargs)

    def refused_response(self) -> Response | None:
        if self.upload_limiter.refused:
            return _error(services.too_large_message(self.upload_limiter.refused[0]), 413)
        return None


class EvidenceListApi(ListAPIView):
    """A page of a zone's evidence (``count``, ``next``, ``previous``, ``results``; ``page``, ``page_size`` ≤ 200)."""

    serializer_class = EvidenceOutputSerializer
    pagination_class = ApiPagination
    filter_backends: list = []

    @extend_schema(
        summary="佐证材料列表（分页）",
        parameters=[
            OpenApiParameter("status", str, enum=EvidenceStatus.values, description="按状态筛选"),
            OpenApiParameter("unit", int, description="责任单位 id"),
            OpenApiParameter("indicator", int, description="三级指标 id"),
            OpenApiParameter("q", str, description="材料名称包含的文字，或指标编号"),
            OpenApiParameter("sort", str, enum=list(selectors.EVIDENCE_SORTS), description="排序，默认按指标"),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        zone = zone_get_for_user(self.request.user, self.kwargs["zone_id"])
        params = self.request.query_params
        status_ = params.get("status")
        return selectors.evidence_list(
            user=self.request.user,
            zone=zone,
            status=status_ if status_ in EvidenceStatus.values else None,
            unit_id=query_int(params, "unit"),
            indicator_id=query_int(params, "indicator"),
            search=params.get("q", "")[:100],
            sort=params.get("sort", "indicator"),
        )


class UploadOutputSerializer(serializers.Serializer):
    evidence = EvidenceOutputSerializer()
    file = FileOutputSerializer()
    warning = serializers.CharField()


def _upload_output(evidence: Evidence, file: EvidenceFile) -> dict:
    warning = ""
    if file.duplicate_of_id:
        warning = f"该文件与本指标下已上传的“{file.duplicate_of.original_name}”内容完全相同。"
    evidence.latest_version = file.version
    return UploadOutputSerializer({"evidence": evidence, "file": file, "warning": warning}).data


class EvidenceUploadApi(_LimitedUploadApi):
    @extend_schema_serializer(component_name="EvidenceUploadInput")
    class InputSerializer(serializers.Serializer):
        indicator = serializers.IntegerField(help_text="三级指标 id（须为本单位负责的指标）")
        scoring_item = serializers.IntegerField(required=False, allow_null=True, help_text="评分细则 id")
        title = serializers.CharField(max_length=200, required=False, allow_blank=True)
        description = serializers.CharField(required=False, allow_blank=True)
        effective_date = serializers.DateField(required=False, allow_null=True)
        file = serializers.FileField(allow_empty_file=True)

    @extend_schema(
        summary="上传佐证材料（新建，第 1 版）",
        request={"multipart/form-data": InputSerializer},
        responses={201: UploadOutputSerializer},
    )
    def post(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.SUBMIT_EVIDENCE)
        # The indicator first: whether the user's unit answers for it is a 403, before any other error.
        indicator = selectors.evidence_upload_indicator(zone=zone, indicator_id=str(request.data.get("indicator", "")))
        if indicator is None:
            return _error("请选择本创建对象指标体系中的三级指标。", 400)
        unit = selectors.evidence_upload_unit(user=request.user, zone=zone, indicator=indicator)
        refused = self.refused_response()
        if refused:
            return refused
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        scoring_item = None
        if data.get("scoring_item"):
            item_id = data["scoring_item"]
            scoring_item = selectors.evidence_scoring_item_get(indicator=indicator, scoring_item_id=item_id)
            if scoring_item is None:
                return _error("所选评分细则不属于该指标。", 400)
        evidence = services.evidence_create(
            zone=zone,
            indicator=indicator,
            unit=unit,
            user=request.user,
            file=data["file"],
            title=data.get("title", ""),
            scoring_item=scoring_item,
            description=data.get("description", ""),
            effective_date=data.get("effective_date"),
        )
        file = selectors.evidence_file_version(evidence=evidence, version=1)
        return Response(_upload_output(evidence, file), status=status.HTTP_201_CREATED)


class EvidenceVersionApi(_LimitedUploadApi):
    @extend_schema_serializer(component_name="EvidenceVersionInput")
    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(allow_empty_file=True)

    @extend_schema(
        summary="上传佐证材料的新版本（草稿或退回状态）",
        request={"multipart/form-data": InputSerializer},
        responses={201: UploadOutputSerializer},
    )
    def post(self, request, zone_id: int, evidence_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.SUBMIT_EVIDENCE)
        evidence = selectors.evidence_get(user=request.user, zone=zone, evidence_id=evidence_id)
        selectors.evidence_upload_check(user=request.user, evidence=evidence)
        refused = self.refused_response()
        if refused:
            return refused
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        file = services.evidence_file_add(evidence=evidence, user=request.user, file=serializer.validated_data["file"])
        return Response(_upload_output(evidence, file), status=status.HTTP_201_CREATED)


class EvidenceSubmitApi(APIView):
    @extend_schema(summary="提交佐证材料（草稿/退回 → 已提交）", request=None, responses=EvidenceOutputSerializer)
    def post(self, request, zone_id: int, evidence_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.SUBMIT_EVIDENCE)
        evidence = selectors.evidence_get(user=request.user, zone=zone, evidence_id=evidence_id)
        selectors.evidence_upload_check(user=request.user, evidence=evidence)
        services.evidence_submit(evidence=evidence, user=request.user)
        return Response(EvidenceOutputSerializer(evidence).data)


class EvidenceReviewApi(APIView):
    @extend_schema_serializer(component_name="EvidenceReviewInput")
    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=[("accept", "采纳"), ("return", "退回")])
        reason = serializers.CharField(required=False, allow_blank=True, max_length=services.MAX_REASON_LENGTH)

    @extend_schema(
        summary="审核佐证材料（采纳，或填写原因退回）", request=InputSerializer, responses=EvidenceOutputSerializer
    )
    def post(self, request, zone_id: int, evidence_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.REVIEW_EVIDENCE)
        evidence = selectors.evidence_get(user=request.user, zone=zone, evidence_id=evidence_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["decision"] == "accept":
            services.evidence_accept(evidence=evidence, user=request.user)
        else:
            services.evidence_return(evidence=evidence, user=request.user, reason=data.get("reason", ""))
        return Response(EvidenceOutputSerializer(evidence).data)


class EvidenceFileDownloadApi(APIView):
    @extend_schema(
        summary="下载佐证材料文件",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="文件内容")},
    )
    def get(self, request, zone_id: int, file_id: int):
        zone = zone_get_for_user(request.user, zone_id)
        file = selectors.evidence_file_get(user=request.user, zone=zone, file_id=file_id)
        return evidence_file_serve(request, file, inline=False)
