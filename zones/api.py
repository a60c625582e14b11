"""API: one view per operation, nested Input/Output serializers, access via zones.access."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.pagination import ApiPagination
from common.params import query_int

from . import selectors, services
from .access import ZoneAction, zone_get_for_user
from .forms import POSITION_MAX
from .lifecycle import ZoneStatus
from .models import LeadingGroupMember, Unit, Zone, ZoneTransition

# Components are named explicitly (extend_schema_serializer): every API of the project nests
# classes called InputSerializer/OutputSerializer, whose default component names collide.


# The statuses are given as a pattern, not an ``enum``: drf-spectacular hoists every enum into a
# component named after the field (status / from_status / to_status), which collides with the
# other apps' "status" enums. ENUM_NAME_OVERRIDES in settings would be the alternative.
@extend_schema_field(
    {
        "type": "string",
        "pattern": "^(" + "|".join(ZoneStatus.values) + ")$",
        "description": " → ".join(f"{value}({label})" for value, label in ZoneStatus.choices),
    }
)
class ZoneStatusField(serializers.ChoiceField):
    """A lifecycle status (zone status, and from/to of its events)."""

    def __init__(self, **kwargs):
        super().__init__(choices=ZoneStatus.choices, **kwargs)


@extend_schema_serializer(component_name="Zone")
class ZoneOutputSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name")
    status = ZoneStatusField(read_only=True)
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Zone
        fields = ("id", "name", "region", "tier", "status", "status_display", "creation_start", "creation_end")


@extend_schema_serializer(component_name="ZoneUnit")
class UnitOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ("id", "name", "short_name", "kind", "aliases", "position")


@extend_schema_serializer(component_name="LeadingGroupMember")
class MemberOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = LeadingGroupMember
        fields = ("id", "role", "title", "unit", "user", "position")


@extend_schema_serializer(component_name="ZoneTransition")
class TransitionOutputSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", default=None)
    from_status = ZoneStatusField(read_only=True)
    to_status = ZoneStatusField(read_only=True)

    class Meta:
        model = ZoneTransition
        fields = ("id", "from_status", "to_status", "is_back", "reason", "by", "at")


def _paginated(view: APIView, request, rows, serializer) -> Response:
    """One page of ``rows`` as ``{count, next, previous, results}`` (common.pagination.ApiPagination).

    ``page`` and ``page_size`` that are not numbers are refused with a Chinese message (400)."""
    query_int(request.query_params, "page")
    query_int(request.query_params, "page_size")
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


class ZoneListApi(APIView):
    pagination_class = ApiPagination  # also tells the schema the answer is paged (count, next, results)

    @extend_schema(responses=ZoneOutputSerializer(many=True), summary="可查看的创建对象（分页）")
    def get(self, request):
        zones = selectors.zone_list_for_user(user=request.user).order_by("name", "pk")
        return _paginated(self, request, zones, ZoneOutputSerializer)


class ZoneDetailApi(APIView):
    @extend_schema_serializer(component_name="ZoneDetail")
    class OutputSerializer(ZoneOutputSerializer):
        @extend_schema_serializer(component_name="ZoneStage")
        class StageSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            name = serializers.CharField()
            start = serializers.DateField()
            end = serializers.DateField()
            steps = serializers.SerializerMethodField()

            def get_steps(self, stage) -> list[str]:
                return [step.title for step in stage.steps.all()]

        @extend_schema_serializer(component_name="ZoneKeyPark")
        class KeyParkSerializer(serializers.Serializer):
            name = serializers.CharField()
            note = serializers.CharField()

        system = serializers.CharField(source="system.code")
        stages = StageSerializer(many=True, source="stage_list")
        key_parks = KeyParkSerializer(many=True, source="park_list")

        class Meta(ZoneOutputSerializer.Meta):
            fields = (
                *ZoneOutputSerializer.Meta.fields,
                "system",
                "region_category",
                "reference_year_1",
                "reference_year_2",
                "stages",
                "key_parks",
            )

    @extend_schema(responses=OutputSerializer, summary="创建对象详情")
    def get(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id)
        zone.stage_list = selectors.stage_list_for_zone(zone=zone)
        zone.park_list = selectors.key_park_list(zone=zone)
        return Response(self.OutputSerializer(zone).data)


class UnitListApi(APIView):
    pagination_class = ApiPagination  # also tells the schema the answer is paged (count, next, results)

    @extend_schema(responses=UnitOutputSerializer(many=True), summary="创建对象的责任单位（办公室，分页）")
    def get(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.MANAGE_ZONE)
        return _paginated(self, request, selectors.unit_list_for_zone(zone=zone), UnitOutputSerializer)


class UnitCreateApi(APIView):
    @extend_schema_serializer(component_name="ZoneUnitCreateInput")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        short_name = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
        kind = serializers.ChoiceField(choices=Unit.Kind.choices, default=Unit.Kind.DEPARTMENT)
        aliases = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)
        position = serializers.IntegerField(
            min_value=0, max_value=POSITION_MAX, required=False, allow_null=True, default=None
        )

    @extend_schema(request=InputSerializer, responses={201: UnitOutputSerializer}, summary="新增责任单位")
    def post(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.MANAGE_ZONE)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        unit = services.unit_create(zone=zone, **serializer.validated_data)
        return Response(UnitOutputSerializer(unit).data, status=status.HTTP_201_CREATED)


class LeadingGroupListApi(APIView):
    pagination_class = ApiPagination  # also tells the schema the answer is paged (count, next, results)

    @extend_schema(responses=MemberOutputSerializer(many=True), summary="领导小组成员（分页）")
    def get(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id)
        return _paginated(self, request, selectors.leading_group_member_list(zone=zone), MemberOutputSerializer)


class LeadingGroupCreateApi(APIView):
    @extend_schema_serializer(component_name="LeadingGroupMemberCreateInput")
    class InputSerializer(serializers.Serializer):
        role = serializers.ChoiceField(choices=LeadingGroupMember.Role.choices)
        title = serializers.CharField(max_length=100)
        unit = serializers.IntegerField(required=False, allow_null=True, default=None)
        user = serializers.IntegerField(required=False, allow_null=True, default=None)
        position = serializers.IntegerField(
            min_value=0, max_value=POSITION_MAX, required=False, allow_null=True, default=None
        )

    @extend_schema(request=InputSerializer, responses={201: MemberOutputSerializer}, summary="新增领导小组成员")
    def post(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.MANAGE_ZONE)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # Only this zone's units and users: another zone's id reads as "not found", never as a hint.
        if data["unit"] is not None:
            data["unit"] = selectors.unit_list_for_zone(zone=zone).filter(pk=data["unit"]).first()
            if data["unit"] is None:
                raise serializers.ValidationError({"unit": ["所选单位不属于该创建对象。"]})
        if data["user"] is not None:
            data["user"] = selectors.zone_user_list(zone=zone).filter(pk=data["user"]).first()
            if data["user"] is None:
                raise serializers.ValidationError({"user": ["所选用户在该创建对象中没有角色。"]})
        member = services.leading_group_member_create(zone=zone, **data)
        return Response(MemberOutputSerializer(member).data, status=status.HTTP_201_CREATED)


class TransitionListApi(APIView):
    pagination_class = ApiPagination  # also tells the schema the answer is paged (count, next, results)

    @extend_schema(responses=TransitionOutputSerializer(many=True), summary="创建状态变更记录（分页）")
    def get(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id)
        return _paginated(self, request, selectors.zone_transition_list(zone=zone), TransitionOutputSerializer)


class TransitionCreateApi(APIView):
    @extend_schema_serializer(component_name="ZoneTransitionCreateInput")
    class InputSerializer(serializers.Serializer):
        to_status = ZoneStatusField()
        reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(
        request=InputSerializer, responses={201: TransitionOutputSerializer}, summary="变更创建状态（退回须填写理由）"
    )
    def post(self, request, zone_id: int):
        zone = zone_get_for_user(request.user, zone_id, ZoneAction.TRANSITION_ZONE)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.zone_transition(zone=zone, user=request.user, **serializer.validated_data)
        return Response(TransitionOutputSerializer(event).data, status=status.HTTP_201_CREATED)
