"""API: one view per operation, nested serializers, the same permission functions as the pages."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.pagination import ApiPagination
from zones.access import ZoneAction, zone_get_for_user

from . import selectors, services
from .access import MANAGE_ACTION, RoundAction, round_can, round_get_for_user
from .models import AssessmentRound, Doubt, EvaluatorAssignment, ScoreSnapshot


class SnapshotOutputSerializer(serializers.ModelSerializer):
    waiting_for_queue = serializers.BooleanField(
        read_only=True, help_text="任务队列暂时不可用：已登记，队列恢复后自动计算，无需再次提交。"
    )

    class Meta:
        model = ScoreSnapshot
        fields = ("id", "status", "waiting_for_queue", "total", "max_total", "requested_at", "computed_at", "result")


class ZoneScoreApi(APIView):
    @extend_schema(responses=SnapshotOutputSerializer, summary="创建对象最近一次评分（实时得分）")
    def get(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id)
        snapshot = selectors.score_snapshot_latest(zone=zone)
        if snapshot is None:
            return Response({"message": "尚未计算评分。", "extra": {}}, status=status.HTTP_404_NOT_FOUND)
        return Response(SnapshotOutputSerializer(snapshot).data)

    @extend_schema(request=None, responses={202: SnapshotOutputSerializer}, summary="重新计算创建对象评分")
    def post(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.RECOMPUTE_SCORES)
        snapshot = services.score_snapshot_request(zone=zone, user=request.user)
        snapshot.refresh_from_db()  # the job was sent (or refused) on commit
        return Response(SnapshotOutputSerializer(snapshot).data, status=status.HTTP_202_ACCEPTED)


class RoundOutputSerializer(serializers.ModelSerializer):
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = AssessmentRound
        fields = (
            "id",
            "zone",
            "zone_name",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "aggregation",
            "blind",
            "reference_year_1",
            "reference_year_2",
            "conclusion",
            "conclusion_reason",
            "opened_at",
            "submitted_at",
            "version",
        )


class RoundListApi(APIView):
    pagination_class = ApiPagination  # also tells the schema the answer is paged (count, next, results)

    class RoundListInputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=AssessmentRound.Kind.choices)
        aggregation = serializers.ChoiceField(
            choices=AssessmentRound.Aggregation.choices, default=AssessmentRound.Aggregation.MEAN
        )
        blind = serializers.BooleanField(default=True)

    @extend_schema(responses=RoundOutputSerializer(many=True), summary="创建对象的评估轮次")
    def get(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.VIEW_ROUNDS)
        rounds = [r for r in selectors.rounds_of_zone(zone=zone) if round_can(request.user, r, RoundAction.VIEW)]
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rounds, request, view=self)
        return paginator.get_paginated_response(RoundOutputSerializer(page, many=True).data)

    @extend_schema(request=RoundListInputSerializer, responses={201: RoundOutputSerializer}, summary="发起评估轮次")
    def post(self, request, zone_id: int):
        zone_get_for_user(request.user, zone_id, ZoneAction.VIEW_ROUNDS)  # 404/403 before looking at the body
        data = self.RoundListInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        zone = zone_get_for_user(request.user, zone_id, MANAGE_ACTION[data.validated_data["kind"]])
        round = services.round_open(zone=zone, user=request.user, **data.validated_data)
        return Response(RoundOutputSerializer(round).data, status=status.HTTP_201_CREATED)


class RoundDetailApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="评估轮次详情与得分（含各专家评分与汇总）")
    def get(self, request, round_id: int):
        round = round_get_for_user(request.user, round_id)
        page = selectors.round_page(round=round, user=request.user)
        body = RoundOutputSerializer(round).data
        # Blind review: no total or dimension sums while any score they add up is hidden.
        body["blind_hidden"] = page["blind_hidden"]
        body["total"] = page["total"]
        body["max"] = page["max"]
        body["dimensions"] = page["dimensions"]
        body["items"] = page["items"]
        body["differences"] = [
            {
                "code": d["code"],
                "points": d["points"],
                "previous": d["previous"],
                "reason": d["reason"].text if d["reason"] else None,
            }
            for d in page["differences"]
        ]
        for item in body["items"]:
            for sub in item["subs"]:
                sub.pop("difference", None)
        return Response(body)


class RoundActionApi(APIView):
    """start / submit / reopen / return: one POST each."""

    class RoundActionInputSerializer(serializers.Serializer):
        conclusion = serializers.CharField(required=False, allow_blank=True, default="")
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    action = "start"

    @extend_schema(request=RoundActionInputSerializer, responses=RoundOutputSerializer, summary="变更评估轮次状态")
    def post(self, request, round_id: int):
        needed = RoundAction.RETURN if self.action == "return" else RoundAction.MANAGE
        round = round_get_for_user(request.user, round_id, needed)
        data = self.RoundActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data["reason"]
        if self.action == "start":
            services.round_start(round=round, user=request.user)
        elif self.action == "submit":
            services.round_submit(
                round=round, user=request.user, conclusion=data.validated_data["conclusion"], reason=reason
            )
        elif self.action == "reopen":
            services.round_reopen(round=round, user=request.user, reason=reason)
        else:
            services.round_return(round=round, user=request.user, reason=reason)
        round.refresh_from_db()
        return Response(RoundOutputSerializer(round).data)


class RoundAssignmentOutputSerializer(serializers.ModelSerializer):
    evaluator_name = serializers.CharField(source="evaluator.__str__", read_only=True)
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)

    class Meta:
        model = EvaluatorAssignment
        fields = (
            "id",
            "evaluator",
            "evaluator_name",
            "indicator",
            "indicator_code",
            "assigned_at",
            "recused_at",
            "recusal_reason",
        )


class AssignmentListApi(APIView):
    pagination_class = ApiPagination  # also tells the schema the answer is paged (count, next, results)

    class AssignmentListInputSerializer(serializers.Serializer):
        evaluator = serializers.IntegerField()
        indicators = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)

    @extend_schema(responses=RoundAssignmentOutputSerializer(many=True), summary="本轮专家分工")
    def get(self, request, round_id: int):
        round = round_get_for_user(request.user, round_id)
        assignments = selectors.assignments_of_round(round=round)
        if not round_can(request.user, round, RoundAction.MANAGE):
            assignments = assignments.filter(evaluator=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(assignments, request, view=self)
        return paginator.get_paginated_response(RoundAssignmentOutputSerializer(page, many=True).data)

    @extend_schema(
        request=AssignmentListInputSerializer,
        responses={201: RoundAssignmentOutputSerializer(many=True)},
        summary="分配专家",
    )
    def post(self, request, round_id: int):
        round = round_get_for_user(request.user, round_id, RoundAction.MANAGE)
        data = self.AssignmentListInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evaluator = selectors.evaluator_candidate(round=round, user_id=str(data.validated_data["evaluator"]))
        if evaluator is None:
            raise ValidationError("该账号不在本轮可选的评审专家范围内。")
        nodes = selectors.indicators_of_round(round=round, ids=[str(i) for i in data.validated_data["indicators"]])
        if not nodes:
            raise ValidationError("请选择要分配的指标。")
        made = services.evaluator_assign(round=round, evaluator=evaluator, indicators=nodes, user=request.user)
        return Response(RoundAssignmentOutputSerializer(made, many=True).data, status=status.HTTP_201_CREATED)


class AssignmentDetailApi(APIView):
    @extend_schema(responses={204: None}, summary="取消专家分工（专家尚未对该指标评分时）")
    def delete(self, request, round_id: int, evaluator_assignment_id: int):
        round = round_get_for_user(request.user, round_id, RoundAction.MANAGE)
        assignment = selectors.assignment_of_round(round=round, assignment_id=evaluator_assignment_id)
        services.evaluator_unassign(assignment=assignment, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssignmentRecuseApi(APIView):
    class AssignmentRecuseInputSerializer(serializers.Serializer):
        reason = serializers.CharField()

    @extend_schema(
        request=AssignmentRecuseInputSerializer, responses=RoundAssignmentOutputSerializer, summary="专家申请回避"
    )
    def post(self, request, round_id: int, evaluator_assignment_id: int):
        round = round_get_for_user(request.user, round_id, RoundAction.SCORE)
        assignment = selectors.assignment_of_round(
            round=round, assignment_id=evaluator_assignment_id, evaluator=request.user
        )
        data = self.AssignmentRecuseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.assignment_recuse(assignment=assignment, user=request.user, reason=data.validated_data["reason"])
        return Response(RoundAssignmentOutputSerializer(assignment).data)


class JudgementApi(APIView):
    class JudgementInputSerializer(serializers.Serializer):
        code = serializers.CharField(help_text="评分项编号，如 12.1")
        points = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
        options = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
        comment = serializers.CharField(required=False, allow_blank=True, default="")
        version = serializers.IntegerField(required=False, allow_null=True, help_text="读取时的版本号；0 表示尚未评分")

    class JudgementOutputSerializer(serializers.Serializer):
        code = serializers.CharField(source="scoring_item.code")
        points = serializers.DecimalField(max_digits=6, decimal_places=2)
        options = serializers.ListField(child=serializers.IntegerField())
        comment = serializers.CharField()
        version = serializers.IntegerField()
        judged_at = serializers.DateTimeField()

    @extend_schema(
        request=JudgementInputSerializer, responses=JudgementOutputSerializer, summary="专家对一个评分项评分"
    )
    def post(self, request, round_id: int):
        round = round_get_for_user(request.user, round_id, RoundAction.SCORE)
        data = self.JudgementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = selectors.scoring_item_of_round(round=round, code=data.validated_data["code"])
        points = data.validated_data.get("points")
        judgement = services.round_judgement_set(
            round=round,
            scoring_item=item,
            user=request.user,
            points=None if points is None else Decimal(points),
            options=data.validated_data["options"],
            comment=data.validated_data["comment"],
            expected_version=data.validated_data.get("version"),
        )
        return Response(self.JudgementOutputSerializer(judgement).data)


class DoubtOutputSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="scoring_item.code", read_only=True)
    raised_by = serializers.SerializerMethodField(help_text="提出人；背靠背评审期间其他专家提出的为空")

    def get_raised_by(self, doubt) -> int | None:
        return None if getattr(doubt, "raiser_hidden", False) else doubt.raised_by_id

    class Meta:
        model = Doubt
        fields = ("id", "code", "reason", "status", "raised_by", "raised_at", "closed_by", "closed_at", "close_note")


class DoubtListApi(APIView):
    pagination_class = ApiPagination  # also tells the schema the answer is paged (count, next, results)

    class DoubtListInputSerializer(serializers.Serializer):
        code = serializers.CharField()
        reason = serializers.CharField()

    @extend_schema(responses=DoubtOutputSerializer(many=True), summary="本轮存疑数据")
    def get(self, request, round_id: int):
        round = round_get_for_user(request.user, round_id)
        paginator = self.pagination_class()
        doubts = selectors.round_doubts(round=round, user=request.user)  # the items the user sees
        page = paginator.paginate_queryset(doubts, request, view=self)
        return paginator.get_paginated_response(DoubtOutputSerializer(page, many=True).data)

    @extend_schema(request=DoubtListInputSerializer, responses={201: DoubtOutputSerializer}, summary="对数据提出存疑")
    def post(self, request, round_id: int):
        round = round_get_for_user(request.user, round_id, RoundAction.SCORE)
        data = self.DoubtListInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = selectors.scoring_item_of_round(round=round, code=data.validated_data["code"])
        doubt = services.doubt_raise(
            round=round, scoring_item=item, user=request.user, reason=data.validated_data["reason"]
        )
        return Response(DoubtOutputSerializer(doubt).data, status=status.HTTP_201_CREATED)


class DoubtCloseApi(APIView):
    class DoubtCloseInputSerializer(serializers.Serializer):
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        request=DoubtCloseInputSerializer, responses=DoubtOutputSerializer, summary="撤回（专家）或处理（办公室）存疑"
    )
    def post(self, request, round_id: int, doubt_id: int):
        from django.core.exceptions import PermissionDenied

        round = round_get_for_user(request.user, round_id)
        doubt = selectors.doubt_of_round(round=round, doubt_id=doubt_id)
        data = self.DoubtCloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = data.validated_data["note"]
        if doubt.raised_by_id == request.user.pk:
            services.doubt_withdraw(doubt=doubt, user=request.user, note=note)
        elif round_can(request.user, round, RoundAction.RESOLVE_DOUBT):
            services.doubt_resolve(doubt=doubt, user=request.user, note=note)
        else:
            raise PermissionDenied("没有权限处理该存疑。")
        return Response(DoubtOutputSerializer(doubt).data)


class ReasonApi(APIView):
    class ReasonInputSerializer(serializers.Serializer):
        code = serializers.CharField()
        text = serializers.CharField()

    class ReasonOutputSerializer(serializers.Serializer):
        code = serializers.CharField(source="scoring_item.code")
        text = serializers.CharField()
        by = serializers.CharField(source="by.__str__", default="", help_text="最后填写人")
        at = serializers.DateTimeField(help_text="最后填写时间")

    @extend_schema(request=ReasonInputSerializer, responses=ReasonOutputSerializer, summary="填写差异说明")
    def post(self, request, round_id: int):
        round = round_get_for_user(request.user, round_id, RoundAction.EXPLAIN)
        data = self.ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = selectors.scoring_item_of_round(round=round, code=data.validated_data["code"])
        try:
            reason = services.difference_reason_set(
                round=round, scoring_item=item, user=request.user, text=data.validated_data["text"]
            )
        except DjangoPermissionDenied as exc:  # the service's own words: which item, and why
            raise exceptions.PermissionDenied(str(exc)) from None
        return Response(self.ReasonOutputSerializer(reason).data)
