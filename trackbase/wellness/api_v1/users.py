"""/api/v1/users: profile, account deletion, avatar, search, export; /api/v1/migrate/local-storage."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser

from trackbase.accounts import services as accounts
from trackbase.core.caching import NoStoreMixin
from trackbase.core.contracts.v1 import PageParams, enveloped, errors, ok, paginate
from trackbase.core.inputs import validated
from trackbase.notifications.selectors import notification_list
from trackbase.wellness import rules, selectors
from trackbase.wellness.api_v1.base import WellnessApi
from trackbase.wellness.api_v1.serializers import (
    CheckInOutput,
    NotificationOutput,
    PublicUserOutput,
    TimeZoneField,
    UserOutput,
    username_field,
)
from trackbase.wellness.services import users as services

TAGS = ["wellness users"]
SEARCH_MIN = 2


def _me(user, request, message=None):
    return ok(UserOutput(user, context={"request": request}).data, message=message)


class V1ProfileApi(NoStoreMixin, WellnessApi):
    class InputSerializer(serializers.Serializer):
        # Any subset of the fields, none included (seed 002's PUT).
        username = username_field(required=False)
        email = serializers.EmailField(required=False, allow_null=True, allow_blank=True, max_length=254)
        timezone = TimeZoneField(required=False)

        def validate_username(self, value):
            if problem := rules.username_problem(value):
                raise serializers.ValidationError(problem)
            return value

    @extend_schema(responses={200: enveloped(UserOutput), **errors(401)}, tags=TAGS, summary="The caller's profile")
    def get(self, request):
        return _me(request.user, request)

    @extend_schema(
        request=InputSerializer,
        responses={200: enveloped(UserOutput), **errors(400, 401, 409)},
        tags=TAGS,
        summary="Update the caller's profile (any subset of the fields)",
    )
    def put(self, request):
        fields = validated(self.InputSerializer, request.data)
        return _me(accounts.profile_update(user=request.user, **fields), request, "Profile updated.")


class V1AccountApi(WellnessApi):
    @extend_schema(
        responses={204: None, **errors(401)},
        tags=TAGS,
        summary="Delete the account: check-ins, memberships (sole-admin groups pass to the longest member)",
    )
    def delete(self, request):
        services.account_delete(user=request.user)
        return ok(http_status=status.HTTP_204_NO_CONTENT)


class V1AvatarApi(WellnessApi):
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        avatar = serializers.FileField(help_text="JPEG, PNG, WebP or GIF, at most 5 MB; stored as a 512 px WebP.")

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={200: enveloped(UserOutput), **errors(400, 401, 413)},
        tags=TAGS,
        summary="Upload a profile picture",
    )
    def post(self, request):
        services.avatar_set(user=request.user, upload=validated(self.InputSerializer, request.data)["avatar"])
        return _me(request.user, request, "Avatar updated.")

    @extend_schema(responses={204: None, **errors(401)}, tags=TAGS, summary="Remove the profile picture")
    def delete(self, request):
        services.avatar_delete(user=request.user)
        return ok(http_status=status.HTTP_204_NO_CONTENT)


class V1SearchApi(WellnessApi):
    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(min_length=SEARCH_MIN, max_length=30)

    @extend_schema(
        parameters=[FilterSerializer, PageParams],
        responses={200: enveloped(PublicUserOutput, paginated=True), **errors(400, 401)},
        tags=TAGS,
        summary="Find users by username (no emails)",
    )
    def get(self, request):
        query = validated(self.FilterSerializer, request.query_params)["q"]
        rows = selectors.user_search(user=request.user, query=query)
        return paginate(request, rows, serializer=PublicUserOutput, context={"request": request})


class ExportMembershipOutput(serializers.Serializer):
    groupId = serializers.IntegerField(source="group_id")
    groupName = serializers.CharField(source="group.name")
    role = serializers.CharField()
    joinedAt = serializers.DateTimeField(source="joined_at")


class V1ExportOutput(serializers.Serializer):
    exportedAt = serializers.DateTimeField()
    user = UserOutput()
    memberships = ExportMembershipOutput(many=True)
    checkins = CheckInOutput(many=True)
    notifications = NotificationOutput(many=True)


class V1ExportApi(NoStoreMixin, WellnessApi):
    @extend_schema(
        responses={200: enveloped(V1ExportOutput), **errors(401)},
        tags=TAGS,
        summary="Everything held about the caller, as JSON",
    )
    def get(self, request):
        data = {
            "exportedAt": timezone.now(),
            "user": request.user,
            **selectors.export_for(user=request.user),
            "notifications": notification_list(user=request.user),
        }
        response = ok(V1ExportOutput(data, context={"request": request}).data)
        response["Content-Disposition"] = 'attachment; filename="hucares-export.json"'
        return response


class LocalCheckInInput(serializers.Serializer):
    """One entry of the old client's `hucares_check_ins` array; its other keys (id, userId, groupId,
    huCaresScore) are ignored: the score is computed again."""

    weekStartDate = serializers.DateField(source="week_start_date")
    productive = serializers.IntegerField(min_value=rules.SCORE_MIN, max_value=rules.SCORE_MAX)
    satisfied = serializers.IntegerField(min_value=rules.SCORE_MIN, max_value=rules.SCORE_MAX)
    body = serializers.IntegerField(min_value=rules.SCORE_MIN, max_value=rules.SCORE_MAX)
    care = serializers.IntegerField(min_value=rules.SCORE_MIN, max_value=rules.SCORE_MAX)
    submittedAt = serializers.DateTimeField(source="submitted_at", required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ImportOutput(serializers.Serializer):
    received = serializers.IntegerField()
    imported = serializers.IntegerField()
    skipped = serializers.IntegerField()


class V1LocalStorageMigrateApi(WellnessApi):
    class InputSerializer(serializers.Serializer):
        groupId = serializers.IntegerField(source="group_id", min_value=1, max_value=2**63 - 1)
        checkIns = LocalCheckInInput(source="checkins", many=True, max_length=services.IMPORT_MAX_ROWS)

    @extend_schema(
        request=InputSerializer,
        responses={200: enveloped(ImportOutput), **errors(400, 401, 404)},
        tags=TAGS,
        summary="Import the old localStorage check-ins into one of the caller's groups (idempotent)",
    )
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        result = services.local_storage_import(user=request.user, **data)
        return ok(ImportOutput(result).data, message=f"Imported {result['imported']} check-ins.")
