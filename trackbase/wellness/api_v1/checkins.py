"""/api/v1/checkins: weekly check-ins, one per member, group and week."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status

from trackbase.core.contracts.v1 import PageParams, enveloped, errors, ok, paginate
from trackbase.core.inputs import validated
from trackbase.wellness import rules, selectors
from trackbase.wellness.api_v1.base import WellnessApi
from trackbase.wellness.api_v1.serializers import CheckInOutput
from trackbase.wellness.services import checkins as services

TAGS = ["wellness check-ins"]


class ScoreField(serializers.IntegerField):
    """A JSON integer only: DRF's own also takes "5", 5.0 and true, which a score must not be."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


def score(**kwargs):
    return ScoreField(min_value=rules.SCORE_MIN, max_value=rules.SCORE_MAX, **kwargs)


class CheckInFields(serializers.Serializer):
    productive = score()
    satisfied = score()
    body = score()
    care = score()
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    isPrivate = serializers.BooleanField(source="is_private", required=False)


class GroupFilter(serializers.Serializer):
    groupId = serializers.IntegerField(source="group_id", required=False, min_value=1, max_value=2**63 - 1)


class HistoryFilter(GroupFilter):
    # `from` is a Python keyword, hence the declared field name.
    since = serializers.DateField(required=False, help_text="Weeks starting on or after this date.")
    until = serializers.DateField(required=False, help_text="Weeks starting on or before this date.")


def _one(checkin, http_status=status.HTTP_200_OK, message=None):
    return ok(CheckInOutput(checkin).data if checkin else None, http_status=http_status, message=message)


class V1CheckInListApi(WellnessApi):
    class InputSerializer(CheckInFields):
        groupId = serializers.IntegerField(source="group_id", min_value=1, max_value=2**63 - 1)

    @extend_schema(
        request=InputSerializer,
        responses={201: enveloped(CheckInOutput), **errors(400, 401, 404, 409)},
        tags=TAGS,
        summary="Submit this week's check-in (huCaresScore = productive + satisfied + body - care)",
    )
    def post(self, request):
        checkin = services.checkin_submit(user=request.user, **validated(self.InputSerializer, request.data))
        return _one(checkin, status.HTTP_201_CREATED, "Check-in saved.")

    @extend_schema(
        parameters=[GroupFilter, PageParams],
        responses={200: enveloped(CheckInOutput, paginated=True), **errors(400, 401)},
        tags=TAGS,
        summary="The caller's check-ins, newest week first",
    )
    def get(self, request):
        filters = validated(GroupFilter, request.query_params)
        return paginate(
            request, selectors.checkin_list_for_user(user=request.user, **filters), serializer=CheckInOutput
        )


class V1CheckInCurrentApi(WellnessApi):
    class FilterSerializer(serializers.Serializer):
        groupId = serializers.IntegerField(source="group_id", min_value=1, max_value=2**63 - 1)

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: enveloped(CheckInOutput), **errors(400, 401, 404)},
        tags=TAGS,
        summary="The caller's check-in for this week in a group (null if none yet)",
    )
    def get(self, request):
        filters = validated(self.FilterSerializer, request.query_params)
        return _one(selectors.checkin_current(user=request.user, **filters))


class V1CheckInDetailApi(WellnessApi):
    class InputSerializer(CheckInFields):
        # A PUT changes the fields it sends (any subset).
        productive = score(required=False)
        satisfied = score(required=False)
        body = score(required=False)
        care = score(required=False)

    @extend_schema(
        request=InputSerializer,
        responses={200: enveloped(CheckInOutput), **errors(400, 401, 403, 404)},
        tags=TAGS,
        summary="Change one's own check-in (during its week only)",
    )
    def put(self, request, checkin_id: int):
        fields = validated(self.InputSerializer, request.data)
        return _one(services.checkin_update(user=request.user, checkin_id=checkin_id, **fields))

    @extend_schema(responses={204: None, **errors(401, 404)}, tags=TAGS, summary="Delete one's own check-in")
    def delete(self, request, checkin_id: int):
        services.checkin_delete(user=request.user, checkin_id=checkin_id)
        return ok(http_status=status.HTTP_204_NO_CONTENT)


class V1GroupCheckInsApi(WellnessApi):
    class FilterSerializer(serializers.Serializer):
        weekStartDate = serializers.DateField(source="week", required=False)

    @extend_schema(
        parameters=[FilterSerializer, PageParams],
        responses={200: enveloped(CheckInOutput, paginated=True), **errors(400, 401, 404)},
        tags=TAGS,
        summary="A group's check-ins (members only; others' private ones are hidden)",
    )
    def get(self, request, group_id: int):
        filters = validated(self.FilterSerializer, request.query_params)
        rows = selectors.checkin_list_for_group(user=request.user, group_id=group_id, **filters)
        return paginate(request, rows, serializer=CheckInOutput)


class V1CheckInHistoryApi(WellnessApi):
    @extend_schema(
        parameters=[HistoryFilter, PageParams],
        responses={200: enveloped(CheckInOutput, paginated=True), **errors(400, 401)},
        tags=TAGS,
        summary="The caller's check-in history, by week range",
    )
    def get(self, request):
        filters = validated(HistoryFilter, request.query_params)
        return paginate(
            request, selectors.checkin_list_for_user(user=request.user, **filters), serializer=CheckInOutput
        )
