"""Seed 000's inbox: `/me/notifications...` (also under `/api/me/...`)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.core.inputs import validated
from trackbase.core.pagination import LimitOffsetPagination
from trackbase.notifications import selectors, services
from trackbase.notifications.models import Notification


class NotificationOutput(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "type", "title", "message", "data", "is_read", "read_at", "created_at"]
        read_only_fields = fields


class NotificationListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        unread = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool), OpenApiParameter("limit", int), OpenApiParameter("offset", int)],
        responses={200: NotificationOutput(many=True)},
        summary="The caller's notifications, newest first",
    )
    def get(self, request):
        unread_only = validated(self.FilterSerializer, request.query_params)["unread"]
        notifications = selectors.notification_list(user=request.user, unread_only=unread_only)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(notifications, request, view=self)
        return paginator.get_paginated_response(NotificationOutput(page, many=True).data)


class NotificationDetailApi(APIView):
    @extend_schema(responses={204: None}, summary="Delete one of the caller's notifications")
    def delete(self, request, notification_id: int):
        services.notification_delete(user=request.user, notification_id=notification_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationReadApi(APIView):
    @extend_schema(request=None, responses={200: NotificationOutput}, summary="Mark a notification read")
    def post(self, request, notification_id: int):
        notification = services.notification_mark_read(user=request.user, notification_id=notification_id)
        return Response(NotificationOutput(notification).data)


class NotificationReadAllApi(APIView):
    @extend_schema(
        request=None,
        responses={200: inline_serializer("MarkedRead", {"marked_read": serializers.IntegerField()})},
        summary="Mark every notification read",
    )
    def post(self, request):
        return Response({"marked_read": services.notifications_mark_all_read(user=request.user)})


class NotificationUnreadCountApi(APIView):
    @extend_schema(
        responses={200: inline_serializer("UnreadCount", {"unread_count": serializers.IntegerField()})},
        summary="How many notifications are unread",
    )
    def get(self, request):
        return Response({"unread_count": selectors.notification_unread_count(user=request.user)})
