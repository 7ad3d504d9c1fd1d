from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.accounts.models import Role
from trackbase.core.errors import NotFound
from trackbase.realtime.services import is_online


class PresenceApi(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "Presence", {"user_id": serializers.IntegerField(), "online": serializers.BooleanField()}
            )
        },
        summary="Whether a user has an open real-time connection (yourself, or anyone for admins)",
    )
    def get(self, request, user_id: int):
        # Others' presence is private: outside one's own, only admins (and the domain rooms' events) see it.
        if user_id != request.user.pk and request.user.role != Role.ADMIN:
            raise NotFound()
        return Response({"user_id": user_id, "online": is_online(user_id)})
