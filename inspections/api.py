"""API of 自查自纠 and 市级考评: one view per operation, nested serializers, the same access
functions and services as the pages. Errors come back in the project's one shape (config/api.py)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from common.pagination import ApiPagination
from common.params import query_int
from zones.access import ZoneAction, zone_get_for_user

from . import evaluation as evaluation_services
from . import findings as finding_services
from . import selectors, services
from .access import (
    Action,
    campaign_can,
    campaign_get_for_user,
    evaluation_get_for_user,
    finding_get_for_user,
    selfcheck_get_for_user,
    unit_scope,
)
from .models import Campaign, EvaluationMethod, Finding, Result, SelfStatus, Severity
from .ranking import campaign_ranking


def _dec(value) -> str | None:
    """Decimals as strings, as the serializers give them (never a float)."""
    return None if value is None else str(value)


# Campaigns ---------------------------------------------------------------------------------------


class InspectionCampaignOutputSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Campaign
        fields = (
            "id",
            "zone",
            "title",
            "system",
            "due_date",
            "status",
            "status_label",
            "scale",
            "row_points",
            "excellent_min",
            "good_min",
            "pass_min",
            "opened_at",
            "closed_at",
        )


class CampaignListApi(APIView):
    pagination_class = ApiPagination  # also tells the schema the answer is paged (count, next, results)

    class CampaignOpenInputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        due_date = serializers.DateField()
        scale = serializers.ChoiceField(choices=Campaign.Scale.choices, default=Campaign.Scale.RESULTS)
        row_points = serializers.DecimalField(max_digits=5, decimal_places=1, default=10)
        excellent_min = serializers.DecimalField(max_digits=5, decimal_places=2, default=90)
        good_min = serializers.DecimalField(max_digits=5, decimal_places=2, default=80)
        pass_min = serializers.DecimalField(max_digits=5, decimal_places=2, default=60)

    @extend_schema(responses=InspectionCampaignOutputSerializer(many=True), summary="创建对象的自查考评")
    def get(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.VIEW_INSPECTIONS)
        rows = [c for c in selectors.campaigns_of_zone(zone=zone) if campaign_can(request.user, c, Action.VIEW)]
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(InspectionCampaignOutputSerializer(page, many=True).data)

    @extend_schema(
        request=CampaignOpenInputSerializer, responses={201: InspectionCampaignOutputSerializer}, summary="发起自查考评"
    )
    def post(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.MANAGE_INSPECTIONS)
        data = self.CampaignOpenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = services.campaign_open(zone=zone, user=request.user, **data.validated_data)
        return Response(InspectionCampaignOutputSerializer(campaign).data, status=status.HTTP_201_CREATED)


class CampaignUnitLineSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    selfcheck = serializers.IntegerField(source="selfcheck.pk", allow_null=True)
    selfcheck_status = serializers.CharField(source="selfcheck.status", allow_null=True)
    submitted_at = serializers.DateTimeField(source="selfcheck.submitted_at", allow_null=True)
    late = serializers.BooleanField(source="selfcheck.is_late", allow_null=True)
    evaluation = serializers.IntegerField(source="evaluation.pk", allow_null=True)
    evaluation_status = serializers.CharField(source="evaluation.status", allow_null=True)
    findings_open = serializers.IntegerField()
    findings_closed = serializers.IntegerField()


class CampaignDetailApi(APIView):
    @extend_schema(responses=InspectionCampaignOutputSerializer, summary="自查考评详情：进度与各单位情况（按权限范围）")
    def get(self, request, campaign_id: int):
        campaign = campaign_get_for_user(request.user, campaign_id)
        lines = selectors.campaign_unit_lines(campaign=campaign, scope=unit_scope(request.user, campaign))
        progress = selectors.campaign_progress(campaign=campaign, lines=lines)
        body = InspectionCampaignOutputSerializer(campaign).data
        body["progress"] = {
            "total": progress.total,
            "submitted": progress.submitted,
            "late": progress.late,
            "evaluated": progress.evaluated,
        }
        body["units"] = CampaignUnitLineSerializer(lines, many=True).data
        return Response(body)


# Self-checks -------------------------------------------------------------------------------------


def _row(row) -> dict:
    entry, result = row.entry, row.result
    return {
        "key": row.key,
        "kind": row.kind,
        "label": row.label,
        "is_lead": row.is_lead,
        "indicator": row.indicator.pk if row.indicator else None,
        "assignment": row.assignment.pk if row.assignment else None,
        "status": entry.status if entry else "",
        "done_text": entry.done_text if entry else "",
        "na_reason": entry.na_reason if entry else "",
        "gaps": entry.gaps if entry else "",
        "evidence": [
            {
                "id": line.evidence.pk,
                "title": line.evidence.title,
                "status": line.evidence.status,
                "sha256": line.sha256,
            }
            for line in row.evidence
        ],
        "figures": [{"label": f.label, "year": f.year, "value": f.value} for f in row.figures],
        "result": result.result if result else "",
        "points": _dec(result.points) if result else None,
        "comment": result.comment if result else "",
    }


class SelfCheckAnswerSerializer(serializers.Serializer):
    key = serializers.RegexField(r"^[ia]\d+$", help_text="i<指标 id> 或 a<任务分工 id>")
    status = serializers.ChoiceField(choices=[("", "—"), *SelfStatus.choices], required=False, default="")
    done_text = serializers.CharField(required=False, allow_blank=True, default="")
    na_reason = serializers.CharField(required=False, allow_blank=True, default="")
    gaps = serializers.CharField(required=False, allow_blank=True, default="")


class SelfCheckApi(APIView):
    class SelfCheckSaveInputSerializer(serializers.Serializer):
        summary = serializers.CharField(required=False, allow_blank=True)
        answers = SelfCheckAnswerSerializer(many=True)

    def _body(self, selfcheck) -> dict:
        rows = selectors.unit_rows(campaign=selfcheck.campaign, unit=selfcheck.unit, selfcheck=selfcheck)
        return {
            "id": selfcheck.pk,
            "campaign": selfcheck.campaign_id,
            "unit": selfcheck.unit_id,
            "unit_name": selfcheck.unit.name,
            "status": selfcheck.status,
            "summary": selfcheck.summary,
            "submitted_at": selfcheck.submitted_at,
            "return_reason": selfcheck.return_reason,
            "pdf_status": selfcheck.pdf_status,
            "pdf_sha256": selfcheck.pdf_sha256,
            "rows": [_row(r) for r in rows],
        }

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="单位自查：本单位的责任指标与任务及填写情况")
    def get(self, request, selfcheck_id: int):
        return Response(self._body(selfcheck_get_for_user(request.user, selfcheck_id)))

    @extend_schema(request=SelfCheckSaveInputSerializer, responses=OpenApiTypes.OBJECT, summary="保存单位自查")
    def post(self, request, selfcheck_id: int):
        selfcheck = selfcheck_get_for_user(request.user, selfcheck_id, Action.SELF_CHECK)
        data = self.SelfCheckSaveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answers = {a.pop("key"): a for a in data.validated_data["answers"]}
        services.selfcheck_save(
            selfcheck=selfcheck, user=request.user, answers=answers, summary=data.validated_data.get("summary")
        )
        selfcheck.refresh_from_db()
        return Response(self._body(selfcheck))


class SelfCheckSubmitApi(APIView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT, summary="报送自查报告（锁定并生成 PDF）")
    def post(self, request, selfcheck_id: int):
        selfcheck = selfcheck_get_for_user(request.user, selfcheck_id, Action.SELF_CHECK)
        services.selfcheck_submit(selfcheck=selfcheck, user=request.user)
        return Response({"id": selfcheck.pk, "status": selfcheck.status, "pdf_status": selfcheck.pdf_status})


class SelfCheckReturnApi(APIView):
    class SelfCheckReturnInputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=1000)

    @extend_schema(
        request=SelfCheckReturnInputSerializer, responses=OpenApiTypes.OBJECT, summary="退回自查报告（办公室）"
    )
    def post(self, request, selfcheck_id: int):
        selfcheck = selfcheck_get_for_user(request.user, selfcheck_id, Action.MANAGE)
        data = self.SelfCheckReturnInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.selfcheck_return(selfcheck=selfcheck, user=request.user, reason=data.validated_data["reason"])
        return Response({"id": selfcheck.pk, "status": selfcheck.status, "return_reason": selfcheck.return_reason})


# Evaluations -------------------------------------------------------------------------------------


class EvaluationResultSerializer(serializers.Serializer):
    key = serializers.RegexField(r"^[ia]\d+$")
    result = serializers.ChoiceField(choices=[("", "—"), *Result.choices], allow_blank=True)
    points = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class EvaluationApi(APIView):
    class EvaluationSaveInputSerializer(serializers.Serializer):
        summary = serializers.CharField(required=False, allow_blank=True)
        results = EvaluationResultSerializer(many=True)

    def _body(self, evaluation) -> dict:
        campaign = evaluation.campaign
        selfcheck = campaign.selfchecks.filter(unit=evaluation.unit).first()
        rows = selectors.unit_rows(campaign=campaign, unit=evaluation.unit, selfcheck=selfcheck, evaluation=evaluation)
        return {
            "id": evaluation.pk,
            "campaign": campaign.pk,
            "unit": evaluation.unit_id,
            "unit_name": evaluation.unit.name,
            "evaluator": evaluation.evaluator_id,
            "status": evaluation.status,
            "summary": evaluation.summary,
            "score": _dec(evaluation.score),
            "points": _dec(evaluation.points),
            "max_points": _dec(evaluation.max_points),
            "grade": evaluation_services.evaluation_grade(evaluation),
            "methods": [
                {"id": m.pk, "method": m.method, "on": m.on, "notes": m.notes}
                for m in evaluation.methods.order_by("on", "pk")
            ],
            "rows": [_row(r) for r in rows],
        }

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="单位考评：结果、考评方式、得分与等次")
    def get(self, request, evaluation_id: int):
        return Response(self._body(evaluation_get_for_user(request.user, evaluation_id)))

    @extend_schema(request=EvaluationSaveInputSerializer, responses=OpenApiTypes.OBJECT, summary="保存考评结果")
    def post(self, request, evaluation_id: int):
        evaluation = evaluation_get_for_user(request.user, evaluation_id, Action.EVALUATE)
        data = self.EvaluationSaveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        results = {r.pop("key"): r for r in data.validated_data["results"]}
        evaluation_services.evaluation_results_save(
            evaluation=evaluation, user=request.user, results=results, summary=data.validated_data.get("summary")
        )
        evaluation.refresh_from_db()
        return Response(self._body(evaluation))


class EvaluationMethodApi(APIView):
    class EvaluationMethodInputSerializer(serializers.Serializer):
        method = serializers.ChoiceField(choices=EvaluationMethod.Method.choices)
        on = serializers.DateField()
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        request=EvaluationMethodInputSerializer, responses={201: OpenApiTypes.OBJECT}, summary="记录考评方式"
    )
    def post(self, request, evaluation_id: int):
        evaluation = evaluation_get_for_user(request.user, evaluation_id, Action.EVALUATE)
        data = self.EvaluationMethodInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = evaluation_services.evaluation_method_add(evaluation=evaluation, user=request.user, **data.validated_data)
        return Response({"id": row.pk, "method": row.method, "on": row.on, "notes": row.notes}, status=201)


class EvaluationFinishApi(APIView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT, summary="完成单位考评（计算得分率）")
    def post(self, request, evaluation_id: int):
        evaluation = evaluation_get_for_user(request.user, evaluation_id, Action.EVALUATE)
        evaluation_services.evaluation_finish(evaluation=evaluation, user=request.user)
        return Response(
            {
                "id": evaluation.pk,
                "status": evaluation.status,
                "score": _dec(evaluation.score),
                "grade": evaluation_services.evaluation_grade(evaluation),
            }
        )


# Findings ------------------------------------------------------------------------------------------


class InspectionFindingOutputSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)

    class Meta:
        model = Finding
        fields = (
            "id",
            "campaign",
            "evaluation",
            "unit",
            "unit_name",
            "indicator",
            "assignment",
            "number",
            "title",
            "location",
            "severity",
            "severity_label",
            "deadline",
            "status",
            "status_label",
            "response",
            "created_at",
            "closed_at",
        )


def _finding_body(finding: Finding) -> dict:
    body = InspectionFindingOutputSerializer(finding).data
    body["events"] = [
        {
            "kind": e.kind,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "text": e.text,
            "by": e.by_id,
            "at": e.at,
            "files": [{"id": f.pk, "name": f.original_name, "sha256": f.sha256} for f in e.files.all()],
        }
        for e in finding.events.prefetch_related("files").order_by("at", "pk")
    ]
    return body


class FindingListApi(APIView):
    pagination_class = ApiPagination  # also tells the schema the answer is paged (count, next, results)

    @extend_schema(
        responses=InspectionFindingOutputSerializer(many=True),
        summary="考评问题（按权限范围，可按单位、指标、状态筛选）",
    )
    def get(self, request, campaign_id: int):
        campaign = campaign_get_for_user(request.user, campaign_id)
        params = request.query_params
        rows = selectors.findings_of(
            campaign=campaign,
            scope=unit_scope(request.user, campaign),
            unit_id=query_int(params, "unit"),
            indicator_id=query_int(params, "indicator"),
            status=params.get("status", "") if params.get("status") in Finding.Status.values else "",
            severity=params.get("severity", "") if params.get("severity") in Severity.values else "",
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(InspectionFindingOutputSerializer(page, many=True).data)


class FindingCreateApi(APIView):
    parser_classes = (MultiPartParser, FormParser, JSONParser)

    class FindingCreateInputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=2000)
        location = serializers.CharField(required=False, allow_blank=True, default="")
        severity = serializers.ChoiceField(choices=Severity.choices)
        deadline = serializers.DateField()
        target = serializers.RegexField(r"^[ia]\d+$", required=False, allow_blank=True, default="")

    @extend_schema(
        request=FindingCreateInputSerializer,
        responses={201: InspectionFindingOutputSerializer},
        summary="记录考评问题（可附照片或材料，字段 files）",
    )
    def post(self, request, evaluation_id: int):
        evaluation = evaluation_get_for_user(request.user, evaluation_id, Action.EVALUATE)
        data = self.FindingCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = finding_services.finding_create(
            evaluation=evaluation, user=request.user, files=request.FILES.getlist("files"), **data.validated_data
        )
        return Response(_finding_body(finding), status=status.HTTP_201_CREATED)


class FindingDetailApi(APIView):
    @extend_schema(responses=InspectionFindingOutputSerializer, summary="考评问题详情与整改、复核记录")
    def get(self, request, finding_id: int):
        return Response(_finding_body(finding_get_for_user(request.user, finding_id)))


class FindingAnswerApi(APIView):
    parser_classes = (MultiPartParser, FormParser, JSONParser)

    class FindingAnswerInputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=5000)
        submit = serializers.BooleanField(default=True, help_text="true：提交复核；false：保存整改进展")

    @extend_schema(
        request=FindingAnswerInputSerializer,
        responses=InspectionFindingOutputSerializer,
        summary="填报整改情况（责任单位，附件字段 files）",
    )
    def post(self, request, finding_id: int):
        finding = finding_get_for_user(request.user, finding_id, Action.RECTIFY)
        data = self.FindingAnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding_services.finding_answer(
            finding=finding, user=request.user, files=request.FILES.getlist("files"), **data.validated_data
        )
        return Response(_finding_body(finding))


class FindingRecheckApi(APIView):
    class FindingRecheckInputSerializer(serializers.Serializer):
        close = serializers.BooleanField(help_text="true：复核通过销号；false：退回整改")
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        request=FindingRecheckInputSerializer,
        responses=InspectionFindingOutputSerializer,
        summary="复核考评问题：销号或退回",
    )
    def post(self, request, finding_id: int):
        finding = finding_get_for_user(request.user, finding_id, Action.EVALUATE)
        data = self.FindingRecheckInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding_services.finding_recheck(finding=finding, user=request.user, **data.validated_data)
        return Response(_finding_body(finding))


# Ranking -----------------------------------------------------------------------------------------------


class RankingApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="考评结果与单位排名（按等次、得分率；并列同名次）")
    def get(self, request, campaign_id: int):
        campaign = campaign_get_for_user(request.user, campaign_id)
        rows = campaign_ranking(campaign=campaign, scope=unit_scope(request.user, campaign))
        return Response(
            {
                "campaign": campaign.pk,
                "units": [
                    {
                        "rank": r.entry.rank,
                        "unit": r.unit.pk,
                        "unit_name": r.unit.name,
                        "grade": r.entry.grade,
                        "grade_label": r.grade_label,
                        "score": _dec(r.entry.score),
                        "findings_open": r.line.findings_open,
                        "findings_closed": r.line.findings_closed,
                    }
                    for r in rows
                ],
            }
        )
