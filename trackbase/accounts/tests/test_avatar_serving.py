"""An uploaded avatar's URL answers with the image under `make run` (SERVE_MEDIA), and only there."""

import pytest

from trackbase.accounts.tests.helpers import png_upload

pytestmark = [pytest.mark.django_db, pytest.mark.urls("config.urls")]

PROFILE = "/api/profile/"


def _uploaded_avatar_url(client) -> str:
    response = client.patch(PROFILE, {"avatar": png_upload()}, format="multipart")
    assert response.status_code == 200, response.content
    return response.json()["avatar"]


def test_the_avatar_url_serves_the_image(owner_client, settings):
    settings.SERVE_MEDIA = True
    url = _uploaded_avatar_url(owner_client)

    response = owner_client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_it_serves_no_files_outside_the_media_folder(owner_client, settings):
    settings.SERVE_MEDIA = True
    assert owner_client.get("/media/../config/settings.py").status_code == 404
    assert owner_client.get("/media/%2e%2e/secret_key").status_code == 404


def test_production_leaves_media_to_the_proxy(owner_client, settings):
    settings.SERVE_MEDIA = False
    url = _uploaded_avatar_url(owner_client)

    assert owner_client.get(url).status_code == 404
