from django.contrib import admin

from trackbase.wellness.models import CheckIn, Group, Membership


class ReadOnlyAdmin(admin.ModelAdmin):
    """To look, not to edit: capacity and role rules live in the services, which the admin would bypass."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "member_count", "max_members", "timezone", "checkin_frequency", "created_at"]
    search_fields = ["name", "access_code"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["id", "group", "user", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["group__name", "user__username"]
    list_select_related = ["group", "user"]


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    list_display = ["id", "group", "user", "week_start_date", "hu_cares_score", "is_private", "submitted_at"]
    list_filter = ["is_private"]
    search_fields = ["group__name", "user__username"]
    list_select_related = ["group", "user"]
