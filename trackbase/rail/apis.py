"""IRCTC endpoints (seed 001): trains, search, bookings, status events, top routes."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
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
    page_window,
    paginate,
    parse_bounded_int,
)
from trackbase.rail import rules, selectors, services
from trackbase.rail.models import TrainEventType, TrainStatus
from trackbase.rail.serializers import BookingOutput, TrainOutput, TrainSearchOutput, booking_data, train_data

SEARCH_MAX_LIMIT = 50
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
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses={200: page_of(TrainOutput)},
        summary="List trains",
    )
    def get(self, request):
        filters = validated(self.FilterSerializer, request.query_params)
        return paginate(request, selectors.train_list(**filters))

    @extend_schema(
        request=InputSerializer,
        responses={201: TrainOutput, 200: TrainOutput},
        summary="Create a train, or update the train with this number (admin)",
    )
    def post(self, request):
        train, created = services.train_upsert(**validated(self.InputSerializer, request.data))
        return Response(train_data(train), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class TrainSearchApi(APIView):
    class FilterSerializer(serializers.Serializer):
        source = serializers.CharField(max_length=64)
        destination = serializers.CharField(max_length=64)

    @extend_schema(
        parameters=[FilterSerializer, *page_parameters(max_limit=SEARCH_MAX_LIMIT)],
        responses={200: TrainSearchOutput},
        summary="Search trains by route",
    )
    def get(self, request):
        route = validated(self.FilterSerializer, request.query_params)
        limit, offset = page_window(request.query_params, default_limit=10, max_limit=SEARCH_MAX_LIMIT)
        total, results = selectors.train_search(**route, limit=limit, offset=offset)
        return Response({"total": total, "limit": limit, "offset": offset, "results": results})


class TrainDetailApi(AdminWritesMixin, APIView):
    class UpdateSerializer(TrainFieldsInput):
        pass

    @extend_schema(responses={200: TrainOutput}, summary="One train")
    def get(self, request, train_number: str):
        train = selectors.train_get(train_number=train_number)
        if train is None:
            raise services.TrainNotFound()
        return Response(train_data(train))

    @extend_schema(request=UpdateSerializer, responses={200: TrainOutput}, summary="Replace a train's details (admin)")
    def put(self, request, train_number: str):
        return self._update(request, train_number, partial=False)

    @extend_schema(request=UpdateSerializer, responses={200: TrainOutput}, summary="Change a train's details (admin)")
    def patch(self, request, train_number: str):
        return self._update(request, train_number, partial=True)

    @extend_schema(responses={204: None}, summary="Delete a train without bookings (admin)")
    def delete(self, request, train_number: str):
        services.train_delete(train_number=train_number)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request, train_number: str, *, partial: bool):
        changes = validated(self.UpdateSerializer, request.data, partial=partial)
        return Response(train_data(services.train_update(train_number=train_number, **changes)))


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
        request=InputSerializer, responses={201: OutputSerializer}, summary="Record a train status change (admin)"
    )
    def post(self, request, train_number: str):
        data = validated(self.InputSerializer, request.data)
        event = services.train_event_record(train_number=train_number, actor=request.user, **data)
        return Response(self.OutputSerializer(event).data, status=status.HTTP_201_CREATED)


class BookingCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        train_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
        # The seat limit is the service's rule (SEAT_LIMIT_EXCEEDED); this bound only rejects absurd numbers.
        seats = serializers.IntegerField(min_value=-(2**31), max_value=2**31)

    @extend_schema(
        request=InputSerializer, responses={201: BookingOutput}, summary="Book seats (Idempotency-Key honoured)"
    )
    @idempotent
    def post(self, request):
        booking = services.booking_create(user=request.user, **validated(self.InputSerializer, request.data))
        return Response(booking_data(booking), status=status.HTTP_201_CREATED)


class BookingMineApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: page_of(BookingOutput)},
        summary="The caller's bookings, newest first",
    )
    def get(self, request):
        limit, offset = page_window(request.query_params)
        total, page = selectors.booking_page_for_user(user=request.user, limit=limit, offset=offset)
        results = [booking_data(booking) for booking in page]
        return Response({"total": total, "limit": limit, "offset": offset, "results": results})


class BookingDetailApi(APIView):
    @extend_schema(responses={200: BookingOutput}, summary="One of the caller's bookings")
    def get(self, request, booking_id: int):
        booking = selectors.booking_get_for_user(user=request.user, booking_id=booking_id)
        if booking is None:
            raise services.BookingNotFound()
        return Response(booking_data(booking))


class BookingCancelApi(APIView):
    @extend_schema(request=None, responses={200: BookingOutput}, summary="Cancel a booking; its seats return")
    def post(self, request, booking_id: int):
        return Response(booking_data(services.booking_cancel(user=request.user, booking_id=booking_id)))


class TopRoutesApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("days", int, description="Only searches of the last N days (1-3650).")],
        responses={
            200: inline_serializer(
                "TopRoute",
                {
                    "source": serializers.CharField(),
                    "destination": serializers.CharField(),
                    "count": serializers.IntegerField(),
                },
                many=True,
            )
        },
        summary="Most searched routes, from the request log",
    )
    def get(self, request):
        days = parse_bounded_int(request.query_params, "days", default=0, minimum=1, maximum=3650) or None
        limit = parse_bounded_int(request.query_params, "limit", default=10, minimum=1, maximum=100)
        return Response(selectors.top_routes(days=days, limit=limit))
