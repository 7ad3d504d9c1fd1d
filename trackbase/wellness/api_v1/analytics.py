"""/api/v1/analytics: personal trends, group analytics, comparison, rule-based insights."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from trackbase.core.contracts.v1 import enveloped, errors, ok
from trackbase.core.inputs import validated
from trackbase.wellness import analytics
from trackbase.wellness.api_v1.base import WellnessApi

TAGS = ["wellness analytics"]


class RangeFilter(serializers.Serializer):
    weeks = serializers.IntegerField(required=False, default=12, min_value=1, max_value=104)


class WeekOutput(serializers.Serializer):
    weekStartDate = serializers.DateField()
    productive = serializers.FloatField()
    satisfied = serializers.FloatField()
    body = serializers.FloatField()
    care = serializers.FloatField()
    huCaresScore = serializers.FloatField()
    checkIns = serializers.IntegerField()


class AveragesOutput(serializers.Serializer):
    productive = serializers.FloatField(allow_null=True)
    satisfied = serializers.FloatField(allow_null=True)
    body = serializers.FloatField(allow_null=True)
    care = serializers.FloatField(allow_null=True)
    huCaresScore = serializers.FloatField(allow_null=True)
    checkIns = serializers.IntegerField()


class StreakOutput(serializers.Serializer):
    current = serializers.IntegerField()
    best = serializers.IntegerField()


class PersonalOutput(serializers.Serializer):
    weeks = serializers.IntegerField()
    series = WeekOutput(many=True)
    averages = AveragesOutput()
    streak = StreakOutput()


class GroupWeekOutput(WeekOutput):
    participants = serializers.IntegerField()
    members = serializers.IntegerField()
    participationRate = serializers.FloatField()


class GroupAnalyticsOutput(serializers.Serializer):
    groupId = serializers.IntegerField()
    weeks = serializers.IntegerField()
    memberCount = serializers.IntegerField()
    series = GroupWeekOutput(many=True)
    averages = AveragesOutput()


class GroupComparisonOutput(serializers.Serializer):
    groupId = serializers.IntegerField()
    name = serializers.CharField()
    average = serializers.FloatField(allow_null=True)
    you = serializers.FloatField(allow_null=True)
    difference = serializers.FloatField(allow_null=True)


class ComparisonOutput(serializers.Serializer):
    weeks = serializers.IntegerField()
    you = serializers.FloatField(allow_null=True)
    groups = GroupComparisonOutput(many=True)


class InsightOutput(serializers.Serializer):
    rule = serializers.CharField(help_text="The rule that fired, e.g. TREND_DOWN, LOW_BODY, BELOW_GROUP.")
    message = serializers.CharField()
    numbers = serializers.DictField(help_text="The numbers the rule fired on.")


class V1PersonalApi(WellnessApi):
    @extend_schema(
        parameters=[RangeFilter],
        responses={200: enveloped(PersonalOutput), **errors(400, 401)},
        tags=TAGS,
        summary="Personal trends: weekly series, averages, streaks",
    )
    def get(self, request):
        weeks = validated(RangeFilter, request.query_params)["weeks"]
        return ok(PersonalOutput(analytics.personal(user=request.user, weeks=weeks)).data)


class V1GroupApi(WellnessApi):
    @extend_schema(
        parameters=[RangeFilter],
        responses={200: enveloped(GroupAnalyticsOutput), **errors(400, 401, 404)},
        tags=TAGS,
        summary="Group analytics (members only)",
    )
    def get(self, request, group_id: int):
        weeks = validated(RangeFilter, request.query_params)["weeks"]
        data = analytics.group(user=request.user, group_id=group_id, weeks=weeks)
        return ok(GroupAnalyticsOutput(data).data)


class V1ComparisonApi(WellnessApi):
    @extend_schema(
        parameters=[RangeFilter],
        responses={200: enveloped(ComparisonOutput), **errors(400, 401)},
        tags=TAGS,
        summary="The caller against each of their groups",
    )
    def get(self, request):
        weeks = validated(RangeFilter, request.query_params)["weeks"]
        return ok(ComparisonOutput(analytics.comparison(user=request.user, weeks=weeks)).data)


class V1InsightsApi(WellnessApi):
    @extend_schema(
        responses={200: enveloped(InsightOutput, many=True), **errors(401)},
        tags=TAGS,
        summary="Rule-based insights, each naming its rule and numbers",
    )
    def get(self, request):
        return ok(InsightOutput(analytics.insight_list(user=request.user), many=True).data)
