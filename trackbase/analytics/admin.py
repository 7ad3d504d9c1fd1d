from django.contrib import admin

from trackbase.analytics.models import RequestLog


@admin.register(RequestLog)
class RequestLogAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the request path alone. The router sends these queries to analytics."""

    list_display = ["timestamp", "method", "route", "status_code", "duration_ms", "user_id", "request_id"]
    search_fields = ["=request_id"]
    ordering = ["-timestamp"]
    # The table grows with every request: a search must not add a COUNT(*) over all of it.
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
