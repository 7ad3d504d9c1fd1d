from django.contrib import admin

from trackbase.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "type", "title", "is_read", "created_at"]
    list_filter = ["type", "is_read"]
    search_fields = ["title", "message", "user__username", "dedupe_key"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "read_at"]
