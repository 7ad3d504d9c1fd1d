from django.urls import path

from trackbase.core import views as core_views
from trackbase.core.tests import views

urlpatterns = [
    path("api/validation/", views.ValidationApi.as_view()),
    path("api/signed-in/", views.SignedInApi.as_view()),
    path("api/forbidden/", views.PermissionDeniedApi.as_view()),
    path("api/missing/", views.Http404Api.as_view()),
    path("api/domain/", views.DomainErrorApi.as_view()),
    path("api/get-only/", views.GetOnlyApi.as_view()),
    path("api/echo/", views.EchoApi.as_view()),
    path("api/throttled/", views.ThrottledApi.as_view()),
    path("api/crash/", views.CrashApi.as_view()),
    path("api/django-crash/", views.plain_django_crash),
    path("api/users/", views.UserListApi.as_view()),
    path("api/address-throttled/", views.AddressThrottledApi.as_view()),
    path("api/bookings/", views.BookingApi.as_view()),
    path("api/writing-bookings/", views.WritingBookingApi.as_view()),
    path("api/open-bookings/", views.OpenBookingApi.as_view()),
    path("api/slow-bookings/", views.SlowBookingApi.as_view()),
    path("api/function-bookings/", views.booking_function),
    path("health/", core_views.health),
]

handler404 = core_views.not_found
handler500 = core_views.server_failure
