"""API: one view per operation, nested serializers, access via zones.access (through tasks.selectors)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from common.pagination import ApiPagination
from common.uploads import too_large_message
from zones.access import ZoneAction, unit_ids_for, zone_can, zone_get_for_user

from .models import Assignment, ProgressReport, Task
from .rows import task_summary
from .selectors import (
    assignment_get_for_user,
    assignment_list_for_task,
    task_get_for_user,
    task_list_for_zone,
)
from .services import assignment_confirm, assignment_report_progress, assignment_send_back, task_create
from .uploads import attachment_max_bytes

STATUS_HELP = "; ".join(f"{value} - {label}" for value, label in Assignment.Status.choices)


def _status_field(**kwargs) -> serializers.CharField:
    """A plain string in the schema: an enum named "Status" would collide with other apps' (drf-spectacular
    W001); ``ENUM_NAME_OVERRIDES`` in settings could give it a proper enum component."""
    return serializers.CharField(read_only=True, help_text=STATUS_HELP, **kwargs)


class AssignmentUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="unit.id")
    name = serializers.CharField(source="unit.name")
    is_lead = serializers.BooleanField()
    status = _status_field(source="display_status")
    progress = serializers.IntegerField()


class TaskOutputSerializer(serializers.ModelSerializer):
    units = AssignmentUnitSerializer(source="assignments", many=True, read_only=True)
    indicators = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = (
            "id",
            "zone",
            "number",
            "title",
            "description",
            "category",
            "priority",
            "stage",
            "deadline",
            "units",
            "indicators",
            "progress",
            "created_at",
        )

    def get_indicators(self, task: Task) -> list[str]:
        return [indicator.code for indicator in task.indicators.all()]

    def get_progress(self, task: Task) -> int:
        return task_summary(task=task).progress


class ReportOutputSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField()
    has_attachment = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = ("id", "percent", "text", "reason", "attachment_name", "has_attachment", "by", "at")

    def get_has_attachment(self, report: ProgressReport) -> bool:
        return bool(report.attachment)


class AssignmentOutputSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    status = _status_field()
    display_status = _status_field()
    is_overdue = serializers.BooleanField()
    confirmed_by = serializers.StringRelatedField()

    class Meta:
        model = Assignment
        fields = (
            "id",
            "task",
            "unit",
            "unit_name",
            "is_lead",
            "status",
            "display_status",
            "is_overdue",
            "progress",
            "due_date",
            "confirmed_by",
            "confirmed_at",
        )


def _task_queryset(task: Task):
    return task_list_for_zone(zone=task.zone).get(pk=task.pk)


def _paginated(view: APIView, request, rows, serializer_class) -> Response:
    """A page of ``rows`` (``page``, ``page_size``) as ``count``/``next``/``previous``/``results``."""
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


class TaskListApi(APIView):
    pagination_class = ApiPagination

    @extend_schema(responses=TaskOutputSerializer(many=True), summary="创建对象的任务列表（分页）")
    def get(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.VIEW_TASKS)
        only = None if zone_can(request.user, zone, ZoneAction.VIEW_ALL_TASKS) else unit_ids_for(request.user, zone)
        tasks = task_list_for_zone(zone=zone, only_unit_ids=only)
        return _paginated(self, request, tasks, TaskOutputSerializer)


class TaskCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TaskCreateInput"  # nested names would collide across apps in the schema

        number = serializers.CharField(required=False, allow_blank=True, default="")
        title = serializers.CharField()
        description = serializers.CharField(required=False, allow_blank=True, default="")
        category = serializers.CharField(required=False, allow_blank=True, default="")
        priority = serializers.ChoiceField(choices=Task.Priority.choices, default=Task.Priority.MEDIUM)
        deadline = serializers.DateField()
        unit_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
        lead_unit_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
        indicator_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)

    @extend_schema(request=InputSerializer, responses={201: TaskOutputSerializer}, summary="新建任务")
    def post(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.MANAGE_TASKS)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = task_create(zone=zone, user=request.user, **serializer.validated_data)
        task.zone = zone
        return Response(TaskOutputSerializer(_task_queryset(task)).data, status=status.HTTP_201_CREATED)


class TaskDetailApi(APIView):
    @extend_schema(responses=TaskOutputSerializer, summary="任务详情")
    def get(self, request, task_id: int):
        task = task_get_for_user(user=request.user, task_id=task_id)
        return Response(TaskOutputSerializer(_task_queryset(task)).data)


class TaskAssignmentListApi(APIView):
    class OutputSerializer(AssignmentOutputSerializer):
        last_report = serializers.SerializerMethodField()

        class Meta(AssignmentOutputSerializer.Meta):
            fields = (*AssignmentOutputSerializer.Meta.fields, "last_report")
            ref_name = "TaskAssignmentOutput"

        @extend_schema_field(ReportOutputSerializer(allow_null=True))
        def get_last_report(self, assignment: Assignment) -> dict | None:
            reports = assignment.report_list
            return ReportOutputSerializer(reports[0]).data if reports else None

    pagination_class = ApiPagination

    @extend_schema(responses=OutputSerializer(many=True), summary="任务的各责任单位分工（分页）")
    def get(self, request, task_id: int):
        task = task_get_for_user(user=request.user, task_id=task_id)
        return _paginated(self, request, assignment_list_for_task(task=task), self.OutputSerializer)


class AssignmentReportApi(APIView):
    parser_classes = (JSONParser, MultiPartParser, FormParser)
    # The attachment limit, applied while the body streams (common.files.UploadLimitHandler).
    upload_max_bytes = staticmethod(attachment_max_bytes)

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "AssignmentProgressInput"  # nested names would collide across apps in the schema

        percent = serializers.IntegerField()
        text = serializers.CharField(allow_blank=True)
        reason = serializers.CharField(required=False, allow_blank=True, default="")
        attachment = serializers.FileField(required=False, allow_null=True, default=None)

    @extend_schema(request=InputSerializer, responses={201: ReportOutputSerializer}, summary="填报任务进展")
    def post(self, request, assignment_id: int):
        assignment = assignment_get_for_user(user=request.user, assignment_id=assignment_id)
        serializer = self.InputSerializer(data=request.data)
        refused = getattr(request._request, "upload_refused", [])
        if refused:
            message = too_large_message(refused[0], attachment_max_bytes())
            return Response({"message": message, "extra": {}}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        serializer.is_valid(raise_exception=True)
        report = assignment_report_progress(assignment=assignment, user=request.user, **serializer.validated_data)
        return Response(ReportOutputSerializer(report).data, status=status.HTTP_201_CREATED)


class AssignmentConfirmApi(APIView):
    @extend_schema(request=None, responses=AssignmentOutputSerializer, summary="确认责任单位完成")
    def post(self, request, assignment_id: int):
        assignment = assignment_get_for_user(user=request.user, assignment_id=assignment_id)
        assignment = assignment_confirm(assignment=assignment, user=request.user)
        return Response(AssignmentOutputSerializer(assignment).data)


class AssignmentSendBackApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "AssignmentSendBackInput"  # nested names would collide across apps in the schema

        reason = serializers.CharField(allow_blank=True)

    @extend_schema(request=InputSerializer, responses=AssignmentOutputSerializer, summary="退回责任单位")
    def post(self, request, assignment_id: int):
        assignment = assignment_get_for_user(user=request.user, assignment_id=assignment_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = assignment_send_back(assignment=assignment, user=request.user, **serializer.validated_data)
        return Response(AssignmentOutputSerializer(assignment).data)
