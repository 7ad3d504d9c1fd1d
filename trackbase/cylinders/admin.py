"""Read-only views for operators: every change goes through the API's services, which keep the history."""

from django.contrib import admin

from trackbase.cylinders.models import Cylinder, CylinderEvent, Refill, Shipment


class ReadOnlyAdmin(admin.ModelAdmin):
    # A status edited here would have no history row and could break the lifecycle.
    def has_view_permission(self, request, obj=None):
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or user.role == "ADMIN")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Cylinder)
class CylinderAdmin(ReadOnlyAdmin):
    list_display = ["serial_number", "gas_type", "status", "sent_to", "next_test_due", "status_changed_at"]
    list_filter = ["status", "gas_type"]
    search_fields = ["serial_number", "qr_code", "sent_to"]


@admin.register(CylinderEvent)
class CylinderEventAdmin(ReadOnlyAdmin):
    list_display = ["cylinder", "action", "from_status", "to_status", "by_username", "sent_to", "at"]
    list_filter = ["action"]
    search_fields = ["cylinder__serial_number", "by_username"]
    list_select_related = ["cylinder"]


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ["cylinder", "sent_to", "status", "sent_by", "sent_at", "received_by", "received_at"]
    list_filter = ["status"]
    list_select_related = ["cylinder", "sent_by", "received_by"]


@admin.register(Refill)
class RefillAdmin(ReadOnlyAdmin):
    list_display = ["cylinder", "station", "status", "sent_by", "sent_at", "received_by", "received_at"]
    list_filter = ["status"]
    list_select_related = ["cylinder", "sent_by", "received_by"]
