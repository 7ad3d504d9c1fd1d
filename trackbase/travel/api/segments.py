"""Travel segments: CRUD, filters and the sync delta (`?updated_since=`), with ETag/If-Match."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.core.idempotency import idempotent
from trackbase.core.inputs import validated
from trackbase.core.pagination import PAGE_PARAMETERS, page_body, page_of, page_window, paginate
from trackbase.core.schema import problems
from trackbase.travel import selectors, services
from trackbase.travel.api.serializers import (
    LocalTimeField,
    SegmentOutput,
    SyncItemOutput,
    country_code,
    travel_date,
)
from trackbase.travel.models import Transport

IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, description="The segment's ETag: the write fails with 412 if it changed."
)


class SegmentInput(serializers.Serializer):
    departure_country = country_code()
    arrival_country = country_code()
    departure_date = travel_date()
    arrival_date = travel_date()
    departure_time = LocalTimeField(required=False, allow_null=True, default=None)
    arrival_time = LocalTimeField(required=False, allow_null=True, default=None)
    departure_timezone = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")
    arrival_timezone = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")
    mode_of_transport = serializers.ChoiceField(choices=Transport.choices, default=Transport.OTHER)
    entry_point = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    transit = serializers.BooleanField(required=False, default=False)
    flight_number = serializers.CharField(required=False, allow_blank=True, max_length=10, default="")


def _segment_response(segment, status_code=status.HTTP_200_OK) -> Response:
    return Response(SegmentOutput(segment).data, status=status_code, headers={"ETag": segment.etag})


class SegmentListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        date_from = travel_date(required=False, help_text="Segments ending on or after this day.")
        date_to = travel_date(required=False, help_text="Segments starting on or before this day.")
        country = country_code(required=False)
        updated_since = serializers.DateTimeField(
            required=False,
            help_text="Sync: changes and tombstones at or after this instant, oldest first. Older than the "
            "tombstone retention (90 days by default): 410 SYNC_WINDOW_EXPIRED, read everything again.",
        )

    @extend_schema(
        tags=["travel"],
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses={200: page_of(SyncItemOutput), **problems(400, 401, 410)},
        operation_id="travel_segments_list",
        summary="My travel segments, newest first (or, with updated_since, the changes since then)",
    )
    def get(self, request):
        filters = validated(self.FilterSerializer, request.query_params)
        since = filters.pop("updated_since", None)
        if since is not None:
            limit, offset = page_window(request.query_params)
            total, rows = selectors.segment_changes(user=request.user, since=since, limit=limit, offset=offset)
            results = SyncItemOutput(rows, many=True).data
            return Response(page_body(total=total, limit=limit, offset=offset, results=results))
        rows = selectors.segment_list(user=request.user, **filters)
        return paginate(request, rows, serializer=SegmentOutput)

    @extend_schema(
        tags=["travel"],
        request=SegmentInput,
        responses={201: SegmentOutput, **problems(400, 401)},
        summary="Record a travel segment",
    )
    @idempotent
    def post(self, request):
        segment = services.segment_create(user=request.user, **validated(SegmentInput, request.data))
        return _segment_response(segment, status.HTTP_201_CREATED)


class SegmentDetailApi(APIView):
    @extend_schema(tags=["travel"], responses={200: SegmentOutput, **problems(401, 404)}, summary="One segment")
    def get(self, request, segment_id: int):
        segment = selectors.segment_get(user=request.user, segment_id=segment_id)
        if segment is None:
            raise services.SegmentNotFound()
        return _segment_response(segment)

    @extend_schema(
        tags=["travel"],
        request=SegmentInput,
        parameters=[IF_MATCH],
        responses={200: SegmentOutput, **problems(400, 401, 404, 412)},
        summary="Replace a segment",
    )
    def put(self, request, segment_id: int):
        return self._update(request, segment_id, partial=False)

    @extend_schema(
        tags=["travel"],
        request=SegmentInput,
        parameters=[IF_MATCH],
        responses={200: SegmentOutput, **problems(400, 401, 404, 412)},
        summary="Change some fields of a segment",
    )
    def patch(self, request, segment_id: int):
        return self._update(request, segment_id, partial=True)

    @extend_schema(
        tags=["travel"],
        parameters=[IF_MATCH],
        responses={204: None, **problems(401, 404, 412)},
        summary="Delete a segment",
    )
    def delete(self, request, segment_id: int):
        services.segment_delete(user=request.user, segment_id=segment_id, if_match=request.headers.get("If-Match"))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request, segment_id: int, *, partial: bool):
        changes = validated(SegmentInput, request.data, partial=partial)
        segment = services.segment_update(
            user=request.user, segment_id=segment_id, if_match=request.headers.get("If-Match"), **changes
        )
        return _segment_response(segment)
