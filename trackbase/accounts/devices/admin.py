from django.contrib import admin

from trackbase.accounts.devices.models import Device


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    """Read-only: devices are registered by their apps through /api/devices/."""

    list_display = ["id", "user", "platform", "name", "is_active", "deactivated_reason", "updated_at"]
    list_filter = ["platform", "is_active"]
    search_fields = ["user__username", "name"]
    raw_id_fields = ["user"]
    readonly_fields = ["user", "platform", "token", "web_push_keys", "name", "is_active", "deactivated_reason"]

    def has_add_permission(self, request):
        return False
