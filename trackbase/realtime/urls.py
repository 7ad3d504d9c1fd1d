from django.urls import path

from trackbase.realtime import apis

urlpatterns = [path("api/realtime/presence/<id:user_id>/", apis.PresenceApi.as_view(), name="realtime-presence")]
