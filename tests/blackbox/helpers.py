"""What black-box tests do over and over: sign people up, read their mail, check problem responses."""

import email
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path

import httpx

PASSWORD = "Brisk-Walk-42"
PROBLEM_CONTENT_TYPE = "application/problem+json"
MAIL_SEPARATOR = "\n" + "-" * 79 + "\n"  # Django's file email backend writes this between messages
TOKEN_LINE = re.compile(r"^Token:\s*(\S+)\s*$", re.MULTILINE)


def unique_email(name: str = "user") -> str:
    return f"{name}.{uuid.uuid4().hex[:12]}@example.com"


def bearer(access: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access}"}


def register(api: httpx.Client, *, email: str | None = None, password: str = PASSWORD, **extra) -> dict:
    body = {"email": email or unique_email(), "password": password, "first_name": "Ada", **extra}
    response = api.post("/api/auth/register/", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def login(api: httpx.Client, *, password: str = PASSWORD, **identity) -> dict:
    response = api.post("/api/auth/login/", json={**identity, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def assert_problem(response: httpx.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_CONTENT_TYPE), response.headers["content-type"]
    body = response.json()
    assert body["status"] == status
    assert body["request_id"] == response.headers["X-Request-ID"]
    if code is not None:
        assert body["code"] == code, body
    return body


def read_mail(mail_dir: Path) -> list[Message]:
    messages = []
    for path in sorted(mail_dir.glob("*.log")) if mail_dir.is_dir() else []:
        for chunk in path.read_text(errors="replace").split(MAIL_SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_string(chunk.lstrip("\n")))
    return messages


def _text(message: Message) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    texts = []
    for part in parts:
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True) or b""
            texts.append(payload.decode(part.get_content_charset() or "utf-8", errors="replace"))
    return "\n".join(texts)


def wait_for_token(mail_dir: Path, recipient: str, timeout: float = 30.0) -> str:
    """The `Token: ...` line of the newest message to recipient, once the task worker has sent it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in reversed(read_mail(mail_dir)):
            if recipient in message.get("To", ""):
                match = TOKEN_LINE.search(_text(message))
                if match:
                    return match.group(1)
        time.sleep(0.2)
    seen = [message.get("To") for message in read_mail(mail_dir)]
    raise AssertionError(f"no mail with a Token line reached {recipient} in {timeout:.0f}s; mail seen for: {seen}")


def wait_until(probe: Callable, *, timeout: float = 30.0, interval: float = 0.1, what: str = "the condition"):
    """Call probe() until it returns something truthy, and return that; fail after `timeout` seconds with
    the last value seen. For effects that land a moment later (the request log's flush, a task worker)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:g}s; last seen: {value!r}")
        time.sleep(interval)


def unique_train_number(prefix: str = "T") -> str:
    return f"{prefix}{uuid.uuid4().hex[:8].upper()}"  # the API takes 1-10 letters, digits or dashes


def train_body(*, total_seats: int = 40, departs_in: timedelta = timedelta(days=7), **fields) -> dict:
    """A valid POST /api/trains/ body for a train departing in the future, on a route of its own."""
    departure = datetime.now(UTC).replace(microsecond=0) + departs_in
    route = uuid.uuid4().hex[:6].upper()
    return {
        "train_number": unique_train_number(),
        "name": "Blackbox Express",
        "source": f"SRC-{route}",
        "destination": f"DST-{route}",
        "departure_time": departure.isoformat(),
        "arrival_time": (departure + timedelta(hours=16)).isoformat(),
        "total_seats": total_seats,
        "available_seats": total_seats,
        **fields,
    }
