"""The REST side of the real-time tests: people, tokens, presence, and a notification made the way users make one."""

import time
from dataclasses import dataclass

import httpx
import jwt

from tests.blackbox.helpers import PASSWORD, bearer, login, register, train_body, unique_email
from tests.blackbox.server import LiveServer, create_superuser

# The task worker (embedded thread, or rqworker on Redis) picks an event up within a second or two.
NOTIFICATION_TIMEOUT = 15.0
NOTIFICATION_FIELDS = {"id", "type", "title", "message", "data", "created_at"}
DELAY_MINUTES = 20


@dataclass
class Person:
    id: int
    access: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access)

    @property
    def auth(self) -> dict[str, str]:
        return {"token": self.access}

    @property
    def room(self) -> str:
        return f"user:{self.id}"


def sign_up(api: httpx.Client, name: str = "rider") -> Person:
    session = register(api, email=unique_email(name))
    return Person(id=session["user"]["id"], access=session["access"])


def make_admin(server: LiveServer) -> Person:
    """An admin made as an operator would: `manage.py createsuperuser --noinput`, then a login over HTTP."""
    email = unique_email("ops")
    create_superuser(server, email=email, password=PASSWORD)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        session = login(client, email=email)
    assert session["user"]["role"] == "ADMIN", session
    return Person(id=session["user"]["id"], access=session["access"])


def online(api: httpx.Client, viewer: Person, user_id: int) -> bool:
    response = api.get(f"/api/realtime/presence/{user_id}/", headers=viewer.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user_id"] == user_id, body
    return body["online"]


def wait_presence(api: httpx.Client, viewer: Person, user_id: int, expected: bool, timeout: float = 10.0) -> None:
    """Disconnects reach the server a moment after the client closes: poll until presence says `expected`."""
    deadline = time.monotonic() + timeout
    while (seen := online(api, viewer, user_id)) != expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"user {user_id} still online={seen} after {timeout:g}s, expected {expected}")
        time.sleep(0.1)


def follow_new_train(api: httpx.Client, *, admin: Person, follower: Person) -> str:
    """An admin creates a train and `follower` favorites it; -> the train number."""
    response = api.post("/api/trains/", json=train_body(), headers=admin.headers)
    assert response.status_code == 201, response.text
    number = response.json()["train_number"]
    response = api.post(f"/me/favorites/{number}", headers=follower.headers)
    assert response.status_code == 201, response.text
    return number


def announce_delay(api: httpx.Client, *, admin: Person, train_number: str) -> None:
    """The admin records a delay; a background task then notifies the train's followers."""
    response = api.post(
        f"/api/trains/{train_number}/events/",
        json={"type": "DELAY", "delay_minutes": DELAY_MINUTES},
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text


def is_delay_of(train_number: str):
    """A match for Inbox.wait_for: the notification about this train's delay."""
    return lambda payload: isinstance(payload, dict) and (payload.get("data") or {}).get("train_number") == train_number


def assert_delay_notification(api: httpx.Client, person: Person, payload: dict, train_number: str) -> None:
    """Seed 002's `notification` payload (type, title, message, data), and the same row as the person's inbox."""
    assert payload.keys() >= NOTIFICATION_FIELDS, payload
    assert payload["type"] == "TRAIN_DELAY", payload
    assert isinstance(payload["title"], str) and payload["title"], payload
    assert isinstance(payload["message"], str) and payload["message"], payload
    assert payload["data"]["train_number"] == train_number, payload
    assert payload["data"]["delay_minutes"] == DELAY_MINUTES, payload
    inbox = api.get("/me/notifications", headers=person.headers)
    assert inbox.status_code == 200, inbox.text
    stored = {row["id"]: row for row in inbox.json()["results"]}
    assert payload["id"] in stored, (payload, stored)
    row = stored[payload["id"]]
    assert (row["type"], row["title"], row["message"], row["data"]) == (
        payload["type"],
        payload["title"],
        payload["message"],
        payload["data"],
    )


def signing_key(server: LiveServer) -> str:
    return server.env.get("JWT_SIGNING_KEY") or server.env["SECRET_KEY"]


def resigned(access: str, key: str, *, expires_in: float) -> str:
    """The same access token (same user, jti, password stamp) signed again with the server's key, expiring
    `expires_in` seconds from now (negative: already expired)."""
    claims = jwt.decode(access, key, algorithms=["HS256"])
    now = int(time.time())
    claims["exp"] = now + int(expires_in)
    claims["iat"] = min(claims["iat"], claims["exp"] - 60)
    return jwt.encode(claims, key, algorithm="HS256")
