"""Seed 000's personal endpoints: favorite trains and the mock notification engine."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.core.throttles import scoped
from trackbase.rail import selectors, services
from trackbase.rail.serializers import TrainOutput, train_data
from trackbase.rail.tasks import run_mock_engine


class FavoriteOutput(serializers.Serializer):
    train = TrainOutput()
    created_at = serializers.DateTimeField()


def favorite_data(favorite) -> dict:
    return {"train": train_data(favorite.train), "created_at": favorite.created_at}


class FavoriteListApi(APIView):
    @extend_schema(responses={200: FavoriteOutput(many=True)}, summary="The caller's favorite trains")
    def get(self, request):
        return Response([favorite_data(f) for f in selectors.favorite_list_for_user(user=request.user)])


class FavoriteDetailApi(APIView):
    @extend_schema(
        request=None,
        responses={201: FavoriteOutput, 200: FavoriteOutput},
        summary="Add a train to favorites (200 if it already was one)",
    )
    def post(self, request, train_number: str):
        favorite, created = services.favorite_add(user=request.user, train_number=train_number)
        return Response(favorite_data(favorite), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses={204: None}, summary="Remove a train from favorites")
    def delete(self, request, train_number: str):
        services.favorite_remove(user=request.user, train_number=train_number)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MockNotificationsApi(APIView):
    throttle_classes = [scoped("mock_engine")]

    @extend_schema(
        request=None,
        responses={202: inline_serializer("MockEngineStarted", {"task_id": serializers.CharField()})},
        summary="Mock engine: simulated status changes of the caller's favorites, in the caller's inbox only",
    )
    def post(self, request):
        result = run_mock_engine.enqueue(user_id=request.user.pk)
        return Response({"task_id": str(result.id)}, status=status.HTTP_202_ACCEPTED)
