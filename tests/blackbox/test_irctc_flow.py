"""Seed 001 (IRCTC) end to end against the real server: its Postman collection's flow, request by request, and
the status-change notifications that reach a follower's inbox through the real task worker."""

from datetime import datetime, timedelta

import httpx
import pytest

from tests.blackbox.helpers import (
    PASSWORD,
    assert_problem,
    bearer,
    login,
    register,
    train_body,
    unique_email,
    wait_until,
)
from tests.blackbox.server import create_superuser

pytestmark = pytest.mark.blackbox

WORKER_TIMEOUT = 30.0  # the task worker (db_worker, or rqworker on Redis) picks work up within a second or two
TRAIN_FIELDS = {
    "id", "train_number", "name", "source", "destination", "departure_time", "arrival_time",
    "total_seats", "available_seats", "created_at",
}  # fmt: skip


@pytest.fixture(scope="module")
def admin(server) -> dict[str, str]:
    """Headers of an admin made as an operator would: `manage.py createsuperuser --noinput`, then a login."""
    email = unique_email("ops")
    create_superuser(server, email=email, password=PASSWORD)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        session = login(client, email=email)
    assert session["user"]["role"] == "ADMIN"
    return bearer(session["access"])


def moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


def create_train(api: httpx.Client, admin: dict, **fields) -> dict:
    body = train_body(**fields)
    response = api.post("/api/trains/", json=body, headers=admin)
    assert response.status_code == 201, response.text
    train = response.json()
    assert train.keys() >= TRAIN_FIELDS, train
    for name in ("train_number", "name", "source", "destination", "total_seats", "available_seats"):
        assert train[name] == body[name], (name, train)
    for name in ("departure_time", "arrival_time"):
        assert moment(train[name]) == moment(body[name]), (name, train)
    return train


def search(api: httpx.Client, headers: dict, **params) -> dict:
    response = api.get("/api/trains/search/", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_postman_collection_flow(api, admin):
    # Register: the collection's body, a password that meets the policy.
    email = unique_email("asha")
    response = api.post("/api/auth/register/", json={"email": email, "password": PASSWORD, "first_name": "Asha"})
    assert response.status_code == 201, response.text
    registered = response.json()
    assert registered["access"] and registered["refresh"]
    assert isinstance(registered["user"]["id"], int)
    assert (registered["user"]["email"], registered["user"]["name"], registered["user"]["role"]) == (
        email,
        "Asha",
        "USER",
    )

    # Login.
    response = api.post("/api/auth/login/", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    session = response.json()
    assert session["access"] and session["refresh"]
    user = bearer(session["access"])

    # Create train: admins only.
    assert_problem(api.post("/api/trains/", json=train_body(), headers=user), 403)
    train = create_train(api, admin, total_seats=72)
    later = create_train(
        api,
        admin,
        source=train["source"],
        destination=train["destination"],
        departs_in=timedelta(days=8),
        total_seats=72,
    )

    # Search, a page at a time, earliest departure first.
    route = {"source": train["source"], "destination": train["destination"]}
    first_page = search(api, user, **route, limit=1, offset=0)
    assert first_page == {"total": 2, "limit": 1, "offset": 0, "results": [first_page["results"][0]]}
    assert first_page["results"][0]["id"] == train["id"]
    assert first_page["results"][0].keys() >= TRAIN_FIELDS
    second_page = search(api, user, **route, limit=1, offset=1)
    assert (second_page["total"], [t["id"] for t in second_page["results"]]) == (2, [later["id"]])

    # Book.
    response = api.post("/api/bookings/", json={"train_id": train["id"], "seats": 2}, headers=user)
    assert response.status_code == 201, response.text
    booking = response.json()
    assert {"id", "train", "seats_booked", "created_at"} <= booking.keys()
    assert booking["seats_booked"] == 2
    assert booking["train"]["id"] == train["id"]
    assert booking["train"]["available_seats"] == 70
    response = api.get(f"/api/trains/{train['train_number']}/", headers=user)
    assert (response.status_code, response.json()["available_seats"]) == (200, 70), response.text

    # My bookings.
    response = api.get("/api/bookings/my/", headers=user)
    assert response.status_code == 200, response.text
    mine = response.json()
    assert mine["total"] == 1
    assert [(b["id"], b["seats_booked"], b["train"]["id"]) for b in mine["results"]] == [
        (booking["id"], 2, train["id"])
    ]

    # Top routes, from the request log: the two searches count once the log's background flush has run.
    expected = {"source": train["source"], "destination": train["destination"], "count": 2}

    def top_routes():
        response = api.get("/api/analytics/top-routes/", headers=user)
        assert response.status_code == 200, response.text
        routes = response.json()
        assert all(r.keys() == {"source", "destination", "count"} for r in routes), routes
        return routes if expected in routes else None

    routes = wait_until(top_routes, timeout=10, what="the searched route showing in top-routes")
    counts = [r["count"] for r in routes]
    assert counts == sorted(counts, reverse=True)


def notifications(api: httpx.Client, headers: dict) -> dict:
    response = api.get("/me/notifications", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def unread_count(api: httpx.Client, headers: dict) -> dict:
    response = api.get("/me/notifications/unread-count", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_delay_reaches_the_followers_inbox_through_the_worker(api, admin):
    follower = bearer(register(api)["access"])
    bystander = bearer(register(api)["access"])
    train = create_train(api, admin)
    number = train["train_number"]

    response = api.post(f"/me/favorites/{number}", headers=follower)
    assert response.status_code == 201, response.text
    assert response.json()["train"]["id"] == train["id"]

    response = api.post(f"/api/trains/{number}/events/", json={"type": "DELAY", "delay_minutes": 20}, headers=admin)
    assert response.status_code == 201, response.text
    assert (response.json()["type"], response.json()["delay_minutes"]) == ("DELAY", 20)

    inbox = wait_until(
        lambda: notifications(api, follower)["results"], timeout=WORKER_TIMEOUT, what="the delay notification"
    )
    assert len(inbox) == 1, inbox
    assert inbox[0]["type"] == "TRAIN_DELAY"
    assert inbox[0]["is_read"] is False
    assert (inbox[0]["data"]["train_number"], inbox[0]["data"]["delay_minutes"]) == (number, 20)
    assert unread_count(api, follower) == {"unread_count": 1}
    assert notifications(api, bystander)["total"] == 0  # only followers hear about the train
    response = api.get(f"/api/trains/{number}/", headers=follower)
    assert (response.json()["status"], response.json()["delay_minutes"]) == ("DELAYED", 20)

    # The mock engine: a simulated status change for each followed train, delivered the same way.
    response = api.post("/me/notifications/mock", headers=follower)
    assert response.status_code == 202, response.text
    assert response.json()["task_id"]

    inbox = wait_until(
        lambda: (page := notifications(api, follower))["total"] == 2 and page["results"],
        timeout=WORKER_TIMEOUT,
        what="the mock engine's notification",
    )
    newest = inbox[0]
    assert newest["data"]["train_number"] == number
    assert newest["data"]["event_type"] in {"DELAY", "PLATFORM_CHANGE", "ON_TIME"}
    assert newest["type"] == f"TRAIN_{newest['data']['event_type']}"
    assert unread_count(api, follower) == {"unread_count": 2}
