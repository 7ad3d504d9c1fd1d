"""IRCTC endpoints (seed 001): trains, search, bookings, status events, top routes."""

from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.accounts.permissions import IsAdmin
from trackbase.core.idempotency import idempotent
from trackbase.core.inputs import validated
from trackbase.core.pagination import (
    PAGE_PARAMETERS,
    page_of,
    page_parameters,
    paginate,
    parse_bounded_int,
)
from trackbase.core.schema import problems
from trackbase.rail import rules, selectors, services
from trackbase.rail.models import TrainEventType, TrainStatus
from trackbase.rail.serializers import BOOKING_ROW, BookingOutput, TrainOutput

SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT = 10, 50
TOP_ROUTES_MAX_DAYS, TOP_ROUTES_MAX_LIMIT = 3650, 100
ONE_TRAIN_REFERENCE = "Give either train_id or train_number."
TRAIN_NUMBER = serializers.RegexField(r"^[A-Za-z0-9-]{1,10}$", help_text="1-10 letters, digits or dashes.")


class AdminWritesMixin:
    """Anyone signed in may read; only admins may write."""

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method in ("GET", "HEAD", "OPTIONS") else [IsAdmin()]


class TrainFieldsInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    source = serializers.CharField(max_length=64)
    destination = serializers.CharField(max_length=64)
    departure_time = serializers.DateTimeField()
    arrival_time = serializers.DateTimeField()
    total_seats = serializers.IntegerField(min_value=1, max_value=5000)


class TrainListApi(AdminWritesMixin, APIView):
    class InputSerializer(TrainFieldsInput):
        train_number = TRAIN_NUMBER
        available_seats = serializers.IntegerField(min_value=0, max_value=5000, required=False)

    class FilterSerializer(serializers.Serializer):
        source = serializers.CharField(required=False, max_length=64)
        destination = serializers.CharField(required=False, max_length=64)
        status = serializers.ChoiceField(choices=TrainStatus.choices, required=False)

    @extend_schema(
        tags=["rail"],
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses={200: page_of(TrainOutput), **problems(400, 401, 429)},
        summary="List trains",
        operation_id="api_trains_list",
    )
    def get(self, request):
        filters = validated(self.FilterSerializer, request.query_params)
        return paginate(request, selectors.train_list(**filters), serializer=TrainOutput)

    @extend_schema(
        tags=["rail"],
        request=InputSerializer,
        responses={201: TrainOutput, 200: TrainOutput, **problems(400, 401, 403, 409, 429)},
        summary="Create a train, or update the train with this number (admin)",
    )
    def post(self, request):
        train, created = services.train_upsert(**validated(self.InputSerializer, request.data))
        return Response(TrainOutput(train).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class TrainSearchApi(APIView):
    # The request log keeps these (top routes are counted from them); other query parameters are not kept.
    logged_query_params = ("source", "destination")

    class FilterSerializer(serializers.Serializer):
        source = serializers.CharField(max_length=64)
        destination = serializers.CharField(max_length=64)

    @extend_schema(
        tags=["rail"],
        parameters=[FilterSerializer, *page_parameters(max_limit=SEARCH_MAX_LIMIT)],
        responses={200: page_of(TrainOutput), **problems(400, 401, 429)},
        summary="Search trains by route",
    )
    def get(self, request):
        route = validated(self.FilterSerializer, request.query_params)
        trains = selectors.train_search(**route)
        return paginate(request, trains, default_limit=SEARCH_DEFAULT_LIMIT, max_limit=SEARCH_MAX_LIMIT)


class TrainDetailApi(AdminWritesMixin, APIView):
    class UpdateSerializer(TrainFieldsInput):
        pass

    @extend_schema(tags=["rail"], responses={200: TrainOutput, **problems(401, 404, 429)}, summary="One train")
    def get(self, request, train_number: str):
        train = selectors.train_get(train_number=train_number)
        if train is None:
            raise services.TrainNotFound()
        return Response(TrainOutput(train).data)

    @extend_schema(
        tags=["rail"],
        request=UpdateSerializer,
        responses={200: TrainOutput, **problems(400, 401, 403, 404, 409, 429)},
        summary="Replace a train's details (admin)",
    )
    def put(self, request, train_number: str):
        return self._update(request, train_number, partial=False)

    @extend_schema(
        tags=["rail"],
        request=UpdateSerializer,
        responses={200: TrainOutput, **problems(400, 401, 403, 404, 409, 429)},
        summary="Change a train's details (admin)",
    )
    def patch(self, request, train_number: str):
        return self._update(request, train_number, partial=True)

    @extend_schema(
        tags=["rail"],
        responses={204: None, **problems(401, 403, 404, 409, 429)},
        summary="Delete a train without bookings or events (admin)",
    )
    def delete(self, request, train_number: str):
        services.train_delete(train_number=train_number)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request, train_number: str, *, partial: bool):
        changes = validated(self.UpdateSerializer, request.data, partial=partial)
        return Response(TrainOutput(services.train_update(train_number=train_number, **changes)).data)


class TrainEventApi(APIView):
    permission_classes = [IsAdmin]

    class InputSerializer(serializers.Serializer):
        type = serializers.ChoiceField(choices=TrainEventType.choices)
        delay_minutes = serializers.IntegerField(min_value=1, max_value=rules.MAX_DELAY_MINUTES, required=False)
        platform = serializers.CharField(max_length=10, required=False, default="")
        message = serializers.CharField(max_length=500, required=False, default="")

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        train_number = serializers.CharField(source="train.train_number")
        type = serializers.CharField()
        delay_minutes = serializers.IntegerField(allow_null=True)
        platform = serializers.CharField()
        message = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(
        tags=["rail"],
        request=InputSerializer,
        responses={201: OutputSerializer, **problems(400, 401, 403, 404, 409, 429)},
        summary="Record a train status change (admin)",
    )
    def post(self, request, train_number: str):
        data = validated(self.InputSerializer, request.data)
        event = services.train_event_record(train_number=train_number, actor=request.user, **data)
        return Response(self.OutputSerializer(event).data, status=status.HTTP_201_CREATED)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": rules.MAX_SEATS_PER_BOOKING})
class SeatsField(serializers.IntegerField):
    """Documented as the service's rule; checked by the service (SEAT_LIMIT_EXCEEDED), so a client gets that
    code for 0 or 7 seats. This field's own bound only rejects absurd numbers."""

    def __init__(self, **kwargs):
        super().__init__(min_value=-(2**31), max_value=2**31, **kwargs)


class BookingCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        train_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
        train_number = serializers.RegexField(
            r"^[A-Za-z0-9-]{1,10}$", required=False, help_text="Instead of train_id: the train's number."
        )
        seats = SeatsField()

        def to_internal_value(self, data):
            # Checked with the fields, not after them: a body missing both names the train as well as the seats.
            both_or_neither = isinstance(data, dict) and ("train_id" in data) == ("train_number" in data)
            errors = {"train_id": [ONE_TRAIN_REFERENCE]} if both_or_neither else {}
            try:
                attrs = super().to_internal_value(data)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError(errors | exc.detail) from None
            if errors:
                raise serializers.ValidationError(errors)
            return attrs

    # For the schema: the body names its train one way or the other (InputSerializer checks the same).
    class ByTrainIdSerializer(InputSerializer):
        schema_extra = {"required": ["train_id", "seats"]}
        train_number = None

    class ByTrainNumberSerializer(InputSerializer):
        schema_extra = {"required": ["train_number", "seats"]}
        train_id = None

    @extend_schema(
        tags=["rail"],
        request=PolymorphicProxySerializer(
            component_name="Booking",
            serializers=[ByTrainIdSerializer, ByTrainNumberSerializer],
            resource_type_field_name=None,
        ),
        responses={201: BookingOutput, **problems(400, 401, 404, 409, 422, 429)},
        summary="Book seats (Idempotency-Key honoured)",
    )
    @idempotent
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        if "train_number" in data:
            train = selectors.train_get(train_number=rules.train_number_key(data.pop("train_number")))
            if train is None:
                raise services.TrainNotFound()
            data["train_id"] = train.pk
        booking = services.booking_create(user=request.user, **data)
        return Response(BOOKING_ROW.render_object(booking), status=status.HTTP_201_CREATED)


class BookingMineApi(APIView):
    @extend_schema(
        tags=["rail"],
        parameters=PAGE_PARAMETERS,
        responses={200: page_of(BookingOutput), **problems(400, 401, 429)},
        summary="The caller's bookings, newest first",
    )
    def get(self, request):
        return paginate(request, selectors.booking_list_for_user(user=request.user))


class BookingDetailApi(APIView):
    @extend_schema(
        tags=["rail"], responses={200: BookingOutput, **problems(401, 404, 429)}, summary="One of the caller's bookings"
    )
    def get(self, request, booking_id: int):
        booking = selectors.booking_get_for_user(user=request.user, booking_id=booking_id)
        if booking is None:
            raise services.BookingNotFound()
        return Response(BOOKING_ROW.render_object(booking))


class BookingCancelApi(APIView):
    @extend_schema(
        tags=["rail"],
        request=None,
        responses={200: BookingOutput, **problems(401, 404, 409, 429)},
        summary="Cancel a booking; its seats return",
    )
    def post(self, request, booking_id: int):
        return Response(BOOKING_ROW.render_object(services.booking_cancel(user=request.user, booking_id=booking_id)))


class TopRoutesApi(APIView):
    class OutputSerializer(serializers.Serializer):
        source = serializers.CharField()
        destination = serializers.CharField()
        count = serializers.IntegerField()

    @extend_schema(
        tags=["rail"],
        parameters=[
            OpenApiParameter(
                "days",
                {"type": "integer", "minimum": 1, "maximum": TOP_ROUTES_MAX_DAYS},
                description=f"Only searches of the last N days (1-{TOP_ROUTES_MAX_DAYS}).",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": TOP_ROUTES_MAX_LIMIT},
                description=f"How many routes (1-{TOP_ROUTES_MAX_LIMIT}, default 10).",
            ),
        ],
        responses={200: OutputSerializer(many=True), **problems(400, 401, 429, 503)},
        summary="Most searched routes, from the request log",
    )
    def get(self, request):
        params = request.query_params
        days = parse_bounded_int(params, "days", default=0, minimum=1, maximum=TOP_ROUTES_MAX_DAYS) or None
        limit = parse_bounded_int(params, "limit", default=10, minimum=1, maximum=TOP_ROUTES_MAX_LIMIT)
        return Response(self.OutputSerializer(selectors.top_routes(days=days, limit=limit), many=True).data)
