"""/api/v1/notifications: seed 002's four endpoints over the one shared inbox (the rows /me/notifications shows)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status

from trackbase.core.contracts.v1 import PageParams, enveloped, errors, ok, paginate
from trackbase.core.inputs import validated
from trackbase.notifications import selectors, services
from trackbase.wellness.api_v1.base import WellnessApi
from trackbase.wellness.api_v1.serializers import NotificationOutput

TAGS = ["wellness notifications"]


class V1NotificationListApi(WellnessApi):
    class FilterSerializer(serializers.Serializer):
        unread = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        parameters=[FilterSerializer, PageParams],
        responses={200: enveloped(NotificationOutput, paginated=True), **errors(400, 401)},
        tags=TAGS,
        summary="The caller's notifications, newest first",
    )
    def get(self, request):
        unread_only = validated(self.FilterSerializer, request.query_params)["unread"]
        rows = selectors.notification_list(user=request.user, unread_only=unread_only)
        unread = selectors.notification_unread_count(user=request.user)
        return paginate(request, rows, serializer=NotificationOutput, unreadCount=unread)


class V1NotificationReadApi(WellnessApi):
    @extend_schema(
        request=None,
        responses={200: enveloped(NotificationOutput), **errors(401, 404)},
        tags=TAGS,
        summary="Mark a notification read",
    )
    def put(self, request, notification_id: int):
        notification = services.notification_mark_read(user=request.user, notification_id=notification_id)
        return ok(NotificationOutput(notification).data)


class V1NotificationReadAllApi(WellnessApi):
    @extend_schema(
        request=None, responses={200: enveloped(None), **errors(401)}, tags=TAGS, summary="Mark every notification read"
    )
    def post(self, request):
        return ok({"markedRead": services.notifications_mark_all_read(user=request.user)})


class V1NotificationDetailApi(WellnessApi):
    @extend_schema(responses={204: None, **errors(401, 404)}, tags=TAGS, summary="Delete a notification")
    def delete(self, request, notification_id: int):
        services.notification_delete(user=request.user, notification_id=notification_id)
        return ok(http_status=status.HTTP_204_NO_CONTENT)
