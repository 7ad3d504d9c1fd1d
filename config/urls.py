from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from trackbase.core import views as core_views
from trackbase.core.routing import with_slash_twins

urlpatterns = [
    path("", core_views.root, name="root"),
    path("health/", core_views.health, name="health"),
    path("ready/", core_views.ready, name="ready"),
    path("admin/", admin.site.urls),
    re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", core_views.media, name="media"),
    # Every API route answers with and without its trailing slash (one rule, core/routing.py).
    *with_slash_twins(
        [
            path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
            path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
            path("", include("trackbase.accounts.urls")),
            path("", include("trackbase.analytics.urls")),
            path("", include("trackbase.realtime.urls")),
            path("", include("trackbase.notifications.urls")),
            path("", include("trackbase.rail.urls")),
            path("", include("trackbase.wellness.urls")),
            path("", include("trackbase.cylinders.urls")),
            path("", include("trackbase.travel.urls")),
            *([path("", include("bench.urls"))] if settings.BENCH_ENDPOINTS else []),
        ]
    ),
]

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.not_found
handler500 = core_views.server_failure
