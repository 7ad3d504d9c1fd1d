"""Calculations: Schengen 90/180 status and planner, days per country, the day ledger, rules, status."""

from datetime import timedelta

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.core.inputs import validated
from trackbase.core.schema import problems
from trackbase.travel import calculators, selectors, services
from trackbase.travel.api.serializers import (
    CountryDaysReportOutput,
    LedgerOutput,
    PlanOutput,
    RuleOutput,
    RuleStatusOutput,
    SchengenStatusOutput,
    travel_date,
)
from trackbase.travel.models import Country, VisaRule
from trackbase.travel.reference_data import SCHENGEN_RULE
from trackbase.travel.rules import residency
from trackbase.travel.rules.presence import ledger

MAX_RANGE_DAYS = 366 * 20


# "from" is a Python keyword, hence the functional form.
RangeSerializer = type(
    "RangeSerializer",
    (serializers.Serializer,),
    {
        "from": travel_date(required=False, help_text="First day (default: 1 January of `to`'s year)."),
        "to": travel_date(required=False, help_text="Last day (default: today in your time zone)."),
    },
)


def _range(request):
    data = validated(RangeSerializer, request.query_params)
    today = selectors.user_today(request.user)
    last = data.get("to", today)
    first = data.get("from", last.replace(month=1, day=1))
    if first > last or (last - first).days > MAX_RANGE_DAYS:
        raise ValidationError({"from": [f"Must be on or before `to`, at most {MAX_RANGE_DAYS} days before it."]})
    return first, last


class SchengenStatusApi(APIView):
    class QuerySerializer(serializers.Serializer):
        date = travel_date(required=False, help_text="Check date (default: today in your time zone).")

    @extend_schema(
        tags=["travel"],
        parameters=[QuerySerializer],
        responses={200: SchengenStatusOutput, **problems(400, 401, 404)},
        summary="My Schengen 90/180 status on a day",
    )
    def get(self, request):
        query = validated(self.QuerySerializer, request.query_params)
        result, calculated_at = services.visa_status(
            user=request.user, rule=services.rule_by_ref(SCHENGEN_RULE), check_date=query.get("date")
        )
        return Response(SchengenStatusOutput(result.details | {"last_calculated_at": calculated_at}).data)


class SchengenPlanApi(APIView):
    class InputSerializer(serializers.Serializer):
        entry_date = travel_date()
        exit_date = travel_date()

        def validate(self, attrs):
            if attrs["exit_date"] < attrs["entry_date"]:
                raise serializers.ValidationError({"exit_date": ["Cannot be before entry_date."]})
            if (attrs["exit_date"] - attrs["entry_date"]).days > 3660:
                raise serializers.ValidationError({"exit_date": ["A trip of at most ten years."]})
            return attrs

    @extend_schema(
        tags=["travel"],
        request=InputSerializer,
        responses={200: PlanOutput, **problems(400, 401)},
        summary="Would a Schengen trip entry..exit be compliant on every day, on top of my history?",
    )
    def post(self, request):
        trip = validated(self.InputSerializer, request.data)
        legs = selectors.user_legs(user=request.user, since=calculators.plan_first_day(trip["entry_date"]))
        plan = calculators.plan(legs, selectors.schengen_membership(), trip["entry_date"], trip["exit_date"])
        return Response(PlanOutput(plan).data)


class CountryDaysApi(APIView):
    @extend_schema(
        tags=["travel"],
        parameters=[RangeSerializer],
        responses={200: CountryDaysReportOutput, **problems(400, 401)},
        summary="Days I spent in each country between two days (a travel day counts in both countries)",
    )
    def get(self, request):
        first, last = _range(request)
        membership = selectors.schengen_membership()
        legs = selectors.user_legs(user=request.user, since=first)
        days = ledger(legs, until=last, membership=membership, since=first, presorted=True)
        counts = residency.days_per_country(days, first, last)
        names = dict(Country.objects.filter(iso_code__in=counts).values_list("iso_code", "name"))
        rows = [
            {"iso_code": code, "name": names.get(code, code), "days": n}
            for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]
        return Response(CountryDaysReportOutput({"from": first, "to": last, "countries": rows}).data)


class LedgerApi(APIView):
    @extend_schema(
        tags=["travel"],
        parameters=[RangeSerializer],
        responses={200: LedgerOutput, **problems(400, 401)},
        summary="Where I was on each day (days with unknown presence are left out)",
    )
    def get(self, request):
        first, last = _range(request)
        membership = selectors.schengen_membership()
        legs = selectors.user_legs(user=request.user, since=first)
        days = ledger(legs, until=last, membership=membership, since=first, presorted=True)
        rows = []
        day = first
        while day <= last:
            if day in days:
                countries = sorted(days[day])
                rows.append({"date": day, "countries": countries, "schengen": membership.any_member(countries, day)})
            day += timedelta(days=1)
        return Response(LedgerOutput({"days": rows}).data)


class RuleListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["travel"], responses={200: RuleOutput(many=True), **problems(429)}, summary="The visa rules we calculate"
    )
    def get(self, request):
        rules = VisaRule.objects.prefetch_related("region_countries").order_by("id")
        return Response(RuleOutput(rules, many=True).data)


class RuleStatusApi(APIView):
    @extend_schema(
        tags=["travel"],
        responses={200: RuleStatusOutput(many=True), **problems(401)},
        summary="My status today under every visa rule",
    )
    def get(self, request):
        rows = []
        for rule in VisaRule.objects.order_by("id"):
            if rule.calculation_logic_ref not in calculators.CALCULATORS:
                continue
            result, calculated_at = services.visa_status(user=request.user, rule=rule)
            rows.append(
                {
                    "rule": rule.name,
                    "calculation_logic_ref": rule.calculation_logic_ref,
                    "days_used": result.days_used,
                    "max_days": rule.max_days,
                    "window_start": result.window_start,
                    "window_end": result.window_end,
                    "details": result.details,
                    "last_calculated_at": calculated_at,
                }
            )
        return Response(RuleStatusOutput(rows, many=True).data)
