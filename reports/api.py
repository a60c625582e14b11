"""API: request a report, poll it, download it; download records; opinions. Same permission functions as the pages."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.files import file_response
from common.pagination import ApiPagination

from . import selectors, services
from .access import (
    ReportAction,
    opinion_get_for_user,
    report_get_for_user,
    round_for_report,
    zone_get_for_reports,
)
from .kinds import kinds_in_order
from .models import DownloadRecord, OpinionReply, Report, ReviewOpinion


class ZoneReportOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requested_by = serializers.StringRelatedField()

    class Meta:
        model = Report
        fields = (
            "id",
            "zone",
            "round",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "progress",
            "stage",
            "source_label",
            "snapshot",
            "is_draft",
            "download_name",
            "content_type",
            "size",
            "sha256",
            "pages",
            "error",
            "requested_by",
            "requested_at",
            "finished_at",
        )


class ZoneReportListApi(APIView):
    pagination_class = ApiPagination  # also tells the schema the answer is paged (count, next, results)

    class ReportRequestInputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=[(k.identifier, k.verbose_name) for k in kinds_in_order()])
        round = serializers.IntegerField(required=False, allow_null=True, help_text="为空表示按实时得分生成。")

    class ReportRequestedSerializer(ZoneReportOutputSerializer):
        outcome = serializers.CharField(
            help_text="queued（新排队）、pending（加入正在生成的）、reused（数据未变，直接提供）"
        )

        class Meta(ZoneReportOutputSerializer.Meta):
            fields = (*ZoneReportOutputSerializer.Meta.fields, "outcome")

    @extend_schema(responses=ZoneReportOutputSerializer(many=True), summary="创建对象的报告")
    def get(self, request, zone_id: int):
        zone = zone_get_for_reports(request.user, zone_id)
        reports = Report.objects.filter(zone=zone).select_related("requested_by").order_by("-requested_at", "-pk")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(reports, request, view=self)
        return paginator.get_paginated_response(ZoneReportOutputSerializer(page, many=True).data)

    @extend_schema(
        request=ReportRequestInputSerializer,
        responses={200: ReportRequestedSerializer, 202: ReportRequestedSerializer, 503: OpenApiTypes.OBJECT},
        summary="申请生成报告（自评报告、评估报告、得分表、佐证材料包）",
    )
    def post(self, request, zone_id: int):
        zone = zone_get_for_reports(request.user, zone_id, ReportAction.REQUEST)
        data = self.ReportRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        round = round_for_report(request.user, zone, data.validated_data.get("round"))
        try:
            requested = services.report_request(
                zone=zone, round=round, kind=data.validated_data["kind"], user=request.user
            )
        except services.ReportQueueError as exc:
            return Response({"message": str(exc), "extra": {}}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        body = ZoneReportOutputSerializer(requested.report).data
        body["outcome"] = requested.outcome
        ready = requested.report.status == Report.Status.READY
        return Response(body, status=status.HTTP_200_OK if ready else status.HTTP_202_ACCEPTED)


class ZoneReportDetailApi(APIView):
    @extend_schema(responses=ZoneReportOutputSerializer, summary="报告状态与进度")
    def get(self, request, zone_id: int, zone_report_id: int):
        zone = zone_get_for_reports(request.user, zone_id)
        return Response(ZoneReportOutputSerializer(report_get_for_user(request.user, zone, zone_report_id)).data)


class ZoneReportRetryApi(APIView):
    @extend_schema(request=None, responses={202: ZoneReportOutputSerializer}, summary="重试生成失败的报告")
    def post(self, request, zone_id: int, zone_report_id: int):
        zone = zone_get_for_reports(request.user, zone_id, ReportAction.REQUEST)
        report = report_get_for_user(request.user, zone, zone_report_id)
        try:
            requested = services.report_retry(report=report, user=request.user)
        except services.ReportQueueError as exc:
            return Response({"message": str(exc), "extra": {}}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response(ZoneReportOutputSerializer(requested.report).data, status=status.HTTP_202_ACCEPTED)


class ZoneReportDownloadApi(APIView):
    @extend_schema(
        summary="下载报告文件（仅已完成的报告；每次下载都会记录）",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="文件内容")},
    )
    def get(self, request, zone_id: int, zone_report_id: int):
        zone = zone_get_for_reports(request.user, zone_id, ReportAction.DOWNLOAD)
        report = report_get_for_user(request.user, zone, zone_report_id)
        path = services.report_path(report) if report.status == Report.Status.READY else None
        if path is None:
            raise Http404("报告尚未生成完成。")
        services.download_record_report(request=request, report=report, via=DownloadRecord.Via.API)
        return file_response(
            path,
            url_path=report.stored_name,
            filename=report.download_name,
            fallback=f"report-{report.pk}{path.suffix}",
            content_type=report.content_type,
        )


class DownloadRecordOutputSerializer(serializers.ModelSerializer):
    via_label = serializers.CharField(source="get_via_display", read_only=True)

    class Meta:
        model = DownloadRecord
        fields = (
            "id",
            "username",
            "zone",
            "report",
            "evidence_file",
            "what",
            "file_name",
            "size",
            "sha256",
            "via",
            "via_label",
            "sendfile",
            "ip_address",
            "at",
        )


class ZoneDownloadListApi(APIView):
    pagination_class = ApiPagination  # also tells the schema the answer is paged (count, next, results)

    @extend_schema(responses=DownloadRecordOutputSerializer(many=True), summary="创建对象的下载记录（报告与佐证材料）")
    def get(self, request, zone_id: int):
        zone = zone_get_for_reports(request.user, zone_id, ReportAction.VIEW_DOWNLOADS)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.download_list(zone=zone), request, view=self)
        return paginator.get_paginated_response(DownloadRecordOutputSerializer(page, many=True).data)


class OpinionReplyOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpinionReply
        fields = ("id", "text", "author_name", "at")


class OpinionOutputSerializer(serializers.ModelSerializer):
    conclusion_label = serializers.CharField(source="get_conclusion_display", read_only=True)
    replies = OpinionReplyOutputSerializer(many=True, read_only=True)

    class Meta:
        model = ReviewOpinion
        fields = ("id", "zone", "round", "conclusion", "conclusion_label", "text", "author_name", "at", "replies")


class ZoneOpinionListApi(APIView):
    pagination_class = ApiPagination  # also tells the schema the answer is paged (count, next, results)

    class OpinionInputSerializer(serializers.Serializer):
        round = serializers.IntegerField()
        conclusion = serializers.ChoiceField(choices=ReviewOpinion.Conclusion.choices)
        text = serializers.CharField(max_length=5000)

    @extend_schema(responses=OpinionOutputSerializer(many=True), summary="创建对象的评审意见与答复（分页）")
    def get(self, request, zone_id: int):
        zone = zone_get_for_reports(request.user, zone_id)
        # The queryset, not selectors.opinion_list (a list of them all): only the page is read.
        opinions = (
            ReviewOpinion.objects.filter(zone=zone)
            .select_related("round")
            .prefetch_related("replies")
            .order_by("-at", "-pk")
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(opinions, request, view=self)
        return paginator.get_paginated_response(OpinionOutputSerializer(page, many=True).data)

    @extend_schema(request=OpinionInputSerializer, responses={201: OpinionOutputSerializer}, summary="填写评审意见")
    def post(self, request, zone_id: int):
        zone = zone_get_for_reports(request.user, zone_id, ReportAction.WRITE_OPINION)
        data = self.OpinionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        round = round_for_report(request.user, zone, data.validated_data["round"])
        opinion = services.opinion_create(
            zone=zone,
            round=round,
            conclusion=data.validated_data["conclusion"],
            text=data.validated_data["text"],
            user=request.user,
        )
        return Response(OpinionOutputSerializer(opinion).data, status=status.HTTP_201_CREATED)


class OpinionReplyApi(APIView):
    class ReplyInputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=5000)

    @extend_schema(
        request=ReplyInputSerializer, responses={201: OpinionReplyOutputSerializer}, summary="答复评审意见（办公室）"
    )
    def post(self, request, zone_id: int, opinion_id: int):
        zone = zone_get_for_reports(request.user, zone_id, ReportAction.ANSWER_OPINION)
        opinion = opinion_get_for_user(request.user, zone, opinion_id)
        data = self.ReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reply = services.opinion_reply(opinion=opinion, text=data.validated_data["text"], user=request.user)
        return Response(OpinionReplyOutputSerializer(reply).data, status=status.HTTP_201_CREATED)
