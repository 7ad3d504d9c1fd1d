"""/api/v1/groups: seed 002's ten group endpoints, plus role changes and access-code regeneration."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status

from trackbase.core.contracts.v1 import PageParams, enveloped, errors, ok, paginate
from trackbase.core.inputs import validated
from trackbase.wellness import selectors
from trackbase.wellness.api_v1.base import WellnessApi
from trackbase.wellness.api_v1.serializers import GroupOutput, MemberOutput, TimeZoneField
from trackbase.wellness.models import Frequency, Role
from trackbase.wellness.services import groups as services

TAGS = ["wellness groups"]


class GroupSettingsInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    maxMembers = serializers.IntegerField(source="max_members", required=False, min_value=2, max_value=100)
    timezone = TimeZoneField(required=False)
    checkinFrequency = serializers.ChoiceField(source="checkin_frequency", required=False, choices=Frequency.choices)


class GroupUpdateInput(GroupSettingsInput):
    """A PUT changes the fields it sends (any subset, none included)."""

    name = serializers.CharField(required=False, max_length=100)


def _group(group, request, http_status=status.HTTP_200_OK, message=None):
    return ok(GroupOutput(group, context={"request": request}).data, http_status=http_status, message=message)


class V1GroupListApi(WellnessApi):
    @extend_schema(
        request=GroupSettingsInput,
        responses={201: enveloped(GroupOutput), **errors(400, 401)},
        tags=TAGS,
        summary="Create a group; the creator is its admin",
    )
    def post(self, request):
        group = services.group_create(user=request.user, **validated(GroupSettingsInput, request.data))
        group.user_role = Role.ADMIN
        return _group(group, request, status.HTTP_201_CREATED, "Group created.")

    @extend_schema(
        parameters=[PageParams],
        responses={200: enveloped(GroupOutput, paginated=True), **errors(400, 401)},
        tags=TAGS,
        summary="The caller's groups",
    )
    def get(self, request):
        return paginate(request, selectors.group_list_for_user(user=request.user), serializer=GroupOutput)


class V1GroupDetailApi(WellnessApi):
    @extend_schema(
        operation_id="api_v1_group_detail",
        responses={200: enveloped(GroupOutput), **errors(401, 404)},
        tags=TAGS,
        summary="A group's details (members only)",
    )
    def get(self, request, group_id: int):
        return _group(selectors.group_for_member(user=request.user, group_id=group_id), request)

    @extend_schema(
        request=GroupUpdateInput,
        responses={200: enveloped(GroupOutput), **errors(400, 401, 403, 404, 409)},
        tags=TAGS,
        summary="Change a group's settings (admin)",
    )
    def put(self, request, group_id: int):
        fields = validated(GroupUpdateInput, request.data)
        services.group_update(user=request.user, group_id=group_id, **fields)
        return _group(selectors.group_for_member(user=request.user, group_id=group_id), request)

    @extend_schema(responses={204: None, **errors(401, 403, 404)}, tags=TAGS, summary="Delete a group (admin)")
    def delete(self, request, group_id: int):
        services.group_delete(user=request.user, group_id=group_id)
        return ok(http_status=status.HTTP_204_NO_CONTENT)


class V1GroupJoinApi(WellnessApi):
    class InputSerializer(serializers.Serializer):
        accessCode = serializers.CharField(max_length=32)

    @extend_schema(
        request=InputSerializer,
        responses={200: enveloped(GroupOutput), **errors(400, 401, 404, 409)},
        tags=TAGS,
        summary="Join a group with its access code",
    )
    def post(self, request):
        code = validated(self.InputSerializer, request.data)["accessCode"]
        group = services.group_join(user=request.user, access_code=code)
        group.user_role = Role.MEMBER
        return _group(group, request, message="Joined the group.")


class V1GroupLeaveApi(WellnessApi):
    @extend_schema(
        request=None,
        responses={200: enveloped(None), **errors(401, 404)},
        tags=TAGS,
        summary="Leave a group (the last admin hands over; the last member deletes it)",
    )
    def post(self, request, group_id: int):
        deleted = services.group_leave(user=request.user, group_id=group_id)
        return ok({"groupDeleted": deleted}, message="Left the group.")


class V1GroupMembersApi(WellnessApi):
    @extend_schema(
        parameters=[PageParams],
        responses={200: enveloped(MemberOutput, paginated=True), **errors(400, 401, 404)},
        tags=TAGS,
        summary="A group's members (members only)",
    )
    def get(self, request, group_id: int):
        members = selectors.member_list(user=request.user, group_id=group_id)
        return paginate(request, members, serializer=MemberOutput, context={"request": request})


class V1GroupMemberApi(WellnessApi):
    class InputSerializer(serializers.Serializer):
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(
        request=InputSerializer,
        responses={200: enveloped(MemberOutput), **errors(400, 401, 403, 404, 409)},
        tags=TAGS,
        summary="Change a member's role (admin)",
    )
    def put(self, request, group_id: int, user_id: int):
        role = validated(self.InputSerializer, request.data)["role"]
        membership = services.member_set_role(user=request.user, group_id=group_id, member_id=user_id, role=role)
        return ok(MemberOutput(membership, context={"request": request}).data)

    @extend_schema(
        responses={204: None, **errors(401, 403, 404, 409)},
        tags=TAGS,
        summary="Remove a member (admin; a moderator removes plain members only)",
    )
    def delete(self, request, group_id: int, user_id: int):
        services.member_remove(user=request.user, group_id=group_id, member_id=user_id)
        return ok(http_status=status.HTTP_204_NO_CONTENT)


class V1GroupInviteApi(WellnessApi):
    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)

    @extend_schema(
        request=InputSerializer,
        responses={200: enveloped(None), **errors(400, 401, 404, 409)},
        tags=TAGS,
        summary="Invite a user by username (a group_invitation notification)",
    )
    def post(self, request, group_id: int):
        services.member_invite(user=request.user, group_id=group_id, **validated(self.InputSerializer, request.data))
        return ok(None, message="Invitation sent.")


class V1GroupAccessCodeApi(WellnessApi):
    @extend_schema(
        request=None,
        responses={200: enveloped(GroupOutput), **errors(401, 403, 404)},
        tags=TAGS,
        summary="Regenerate the access code (admin); the old one stops working",
    )
    def post(self, request, group_id: int):
        services.access_code_regenerate(user=request.user, group_id=group_id)
        return _group(selectors.group_for_member(user=request.user, group_id=group_id), request)
