"""Seed 000's personal endpoints: favorite trains and the mock notification engine."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.core.schema import problems
from trackbase.core.throttles import scoped
from trackbase.rail import selectors, services
from trackbase.rail.serializers import FavoriteOutput
from trackbase.rail.tasks import run_mock_engine


class FavoriteListApi(APIView):
    @extend_schema(
        tags=["rail"],
        responses={200: FavoriteOutput(many=True), **problems(401, 429)},
        summary="The caller's favorite trains",
    )
    def get(self, request):
        # Seed 000's shape: a plain list (a user follows a handful of trains).
        return Response(FavoriteOutput(selectors.favorite_list_for_user(user=request.user), many=True).data)


class FavoriteDetailApi(APIView):
    @extend_schema(
        tags=["rail"],
        request=None,
        responses={201: FavoriteOutput, 200: FavoriteOutput, **problems(401, 404, 429)},
        summary="Add a train to favorites (200 if it already was one)",
    )
    def post(self, request, train_number: str):
        favorite, created = services.favorite_add(user=request.user, train_number=train_number)
        return Response(
            FavoriteOutput(favorite).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(
        tags=["rail"], responses={204: None, **problems(401, 404, 429)}, summary="Remove a train from favorites"
    )
    def delete(self, request, train_number: str):
        services.favorite_remove(user=request.user, train_number=train_number)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MockNotificationsApi(APIView):
    throttle_classes = [scoped("mock_engine")]

    class OutputSerializer(serializers.Serializer):
        task_id = serializers.CharField()

    @extend_schema(
        tags=["rail"],
        request=None,
        responses={202: OutputSerializer, **problems(401, 429)},
        summary="Mock engine: simulated status changes of the caller's favorites, in the caller's inbox only",
    )
    def post(self, request):
        result = run_mock_engine.enqueue(user_id=request.user.pk)
        return Response(self.OutputSerializer({"task_id": str(result.id)}).data, status=status.HTTP_202_ACCEPTED)
