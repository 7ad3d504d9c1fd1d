"""Shared by the account tests: mailed tokens, logins through the real endpoints, images."""

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from trackbase.accounts.tests.factories import DEFAULT_PASSWORD
from trackbase.core.testing import bearer

NEW_PASSWORD = "Brand-New-Secret-71"
TEN_MEGABYTES = "x" * 10_000_000
_TOKEN_LINE = re.compile(r"^Token: (\S+)$", re.MULTILINE)


def without_request_id(body: dict) -> dict:
    return {key: value for key, value in body.items() if key != "request_id"}


def mailed_token(message) -> str:
    """The value of the `Token: ...` line every account email carries."""
    match = _TOKEN_LINE.search(message.body)
    assert match, message.body
    return match.group(1)


def post_json(path: str, data=None, client: APIClient | None = None):
    return (client or APIClient()).post(path, data, format="json")


def login(login_name: str, password: str = DEFAULT_PASSWORD, path: str = "/api/auth/login/"):
    return post_json(path, {"login": login_name, "password": password})


def login_tokens(user, password: str = DEFAULT_PASSWORD) -> dict:
    """A fresh session for the user, through the real login endpoint."""
    response = login(user.username, password)
    assert response.status_code == 200, response.content
    return response.json()


def refresh(raw_refresh: str):
    return post_json("/api/auth/token/refresh/", {"refresh": raw_refresh})


def profile_status(access: str) -> int:
    return bearer(access).get("/api/profile/").status_code


def png_upload(name: str = "avatar.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
