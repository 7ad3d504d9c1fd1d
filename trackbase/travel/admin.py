from django.contrib import admin

from trackbase.travel.models import Country, ImportJob, SchengenMembership, TravelSegment, UserVisaStatus, VisaRule


class SchengenMembershipInline(admin.TabularInline):
    model = SchengenMembership
    extra = 0


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["iso_code", "name"]
    search_fields = ["iso_code", "name"]
    inlines = [SchengenMembershipInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Membership decides which days count: every cached status may now be wrong.
        UserVisaStatus.objects.all().delete()


@admin.register(VisaRule)
class VisaRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "max_days", "period_days", "calculation_logic_ref"]
    filter_horizontal = ["region_countries"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Segments and imports change through the API only: its services bump versions, leave tombstones
    and drop cached statuses, which an admin form would skip."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TravelSegment)
class TravelSegmentAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "departure_country", "arrival_country", "departure_date", "arrival_date"]
    list_filter = ["mode_of_transport"]
    search_fields = ["user__username", "user__email", "flight_number"]
    list_select_related = ["user"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "status", "rows_done", "rows_total", "created_at"]
    list_filter = ["status"]
    exclude = ["content"]
