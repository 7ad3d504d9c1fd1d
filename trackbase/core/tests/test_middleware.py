"""The fixed per-request middleware stays cheap: work an API request never needs is not done for it."""

import pytest
from django.contrib import messages
from django.http import HttpResponse
from django.test import RequestFactory

from trackbase.core import middleware


@pytest.mark.urls("trackbase.core.tests.urls")
def test_it_builds_no_message_storage_for_an_api_request(api, monkeypatch):
    def explode(request):
        raise AssertionError("message storage built")

    monkeypatch.setattr(middleware, "default_storage", explode)
    assert api.get("/api/signed-in/").status_code == 401


def test_it_still_stores_a_message_added_during_the_request(rf: RequestFactory, settings):
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
    request = rf.get("/admin/")

    def view(request):
        messages.info(request, "saved")
        return HttpResponse("ok")

    response = middleware.LazyMessageMiddleware(view)(request)
    assert "messages" in response.cookies
