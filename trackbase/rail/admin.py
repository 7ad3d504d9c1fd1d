from django import forms
from django.contrib import admin

from trackbase.rail import rules
from trackbase.rail.models import Booking, Favorite, Train, TrainEvent


class TrainAdminForm(forms.ModelForm):
    # No Meta: TrainAdmin supplies the model and fields.
    def clean(self):
        cleaned = super().clean()
        source, destination = cleaned.get("source"), cleaned.get("destination")
        # Model validation skips the source/destination key constraint (the keys are not form fields), so
        # without this check a clashing route reached the database and the admin answered with a 500.
        if source and destination and rules.station_key(source) == rules.station_key(destination):
            self.add_error("destination", "Destination must differ from source.")
        return cleaned


@admin.register(Train)
class TrainAdmin(admin.ModelAdmin):
    form = TrainAdminForm
    list_display = ["train_number", "name", "source", "destination", "departure_time", "available_seats", "status"]
    list_filter = ["status"]
    search_fields = ["train_number", "name", "source", "destination"]
    readonly_fields = ["source_key", "destination_key", "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        # Capacity and status change through the API (train_update keeps booked seats, events notify
        # followers); a form edit here could put available seats out of step with the bookings.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "total_seats", "available_seats", "status", "delay_minutes", "platform"] if obj else fields

    def save_model(self, request, obj, form, change):
        # The search keys follow the station names, as train_upsert keeps them in the API.
        obj.source_key, obj.destination_key = rules.station_key(obj.source), rules.station_key(obj.destination)
        super().save_model(request, obj, form, change)


@admin.register(TrainEvent)
class TrainEventAdmin(admin.ModelAdmin):
    list_display = ["train", "type", "delay_minutes", "platform", "created_by", "created_at"]
    list_filter = ["type"]
    raw_id_fields = ["train", "created_by"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["pnr", "user", "train", "seats", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["pnr", "user__username", "train__train_number"]
    raw_id_fields = ["user", "train"]


@admin.register(Favorite)
class FavoriteAdmin(admin.ModelAdmin):
    list_display = ["user", "train", "created_at"]
    raw_id_fields = ["user", "train"]
