"""Mounted by config/urls.py only when settings.BENCH_ENDPOINTS is true (never in production)."""

from django.urls import path

from bench import views

urlpatterns = [
    path("bench/bare/", views.BareView.as_view(), name="bench-bare"),
    path("bench/bare-auth/", views.BareAuthView.as_view(), name="bench-bare-auth"),
]
