from django.urls import path, register_converter
from django.urls.converters import StringConverter

from trackbase.core.routing import me_routes
from trackbase.rail import apis, me_apis, rules


class TrainNumberConverter(StringConverter):
    # Any path segment but one holding NUL: PostgreSQL refuses NUL in text, so looking one up was a 500.
    regex = r"[^/\x00]+"

    def to_python(self, value: str) -> str:
        return rules.train_number_key(value)


register_converter(TrainNumberConverter, "train_number")

TRAIN = "<train_number:train_number>"

urlpatterns = [
    path("api/trains/", apis.TrainListApi.as_view(), name="train-list"),
    path("api/trains/search/", apis.TrainSearchApi.as_view(), name="train-search"),
    path(f"api/trains/{TRAIN}/", apis.TrainDetailApi.as_view(), name="train-detail"),
    path(f"api/trains/{TRAIN}/events/", apis.TrainEventApi.as_view(), name="train-events"),
    path("api/bookings/", apis.BookingCreateApi.as_view(), name="booking-create"),
    path("api/bookings/my/", apis.BookingMineApi.as_view(), name="booking-mine"),
    path("api/bookings/<id:booking_id>/", apis.BookingDetailApi.as_view(), name="booking-detail"),
    path("api/bookings/<id:booking_id>/cancel/", apis.BookingCancelApi.as_view(), name="booking-cancel"),
    path("api/analytics/top-routes/", apis.TopRoutesApi.as_view(), name="top-routes"),
    *me_routes("favorites", me_apis.FavoriteListApi, "favorite-list"),
    *me_routes(f"favorites/{TRAIN}", me_apis.FavoriteDetailApi, "favorite-detail"),
    *me_routes("notifications/mock", me_apis.MockNotificationsApi, "notification-mock"),
]
