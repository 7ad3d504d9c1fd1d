from django.contrib import admin

from trackbase.core.models import PeriodicJobRun


@admin.register(PeriodicJobRun)
class PeriodicJobRunAdmin(admin.ModelAdmin):
    """The scheduler's record of what it enqueued: read-only, newest first."""

    list_display = ["name", "tick", "claimed_at", "claimed_by", "task_result_id"]
    list_filter = ["name"]
    date_hierarchy = "tick"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
