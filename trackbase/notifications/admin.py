from django.contrib import admin

from trackbase.notifications.models import Notification, PushMessage


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "type", "title", "is_read", "in_inbox", "created_at", "dispatched_at"]
    list_filter = ["type", "is_read", "in_inbox"]
    search_fields = ["title", "message", "user__username", "dedupe_key"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "read_at", "dispatched_at"]


@admin.register(PushMessage)
class PushMessageAdmin(admin.ModelAdmin):
    """The push outbox, to see why a message did not arrive. Read-only: workers own its state."""

    list_display = ["id", "notification", "device", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["status", "device__platform"]
    search_fields = ["notification__user__username", "last_error", "provider_message_id"]
    list_select_related = ["notification", "device"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
