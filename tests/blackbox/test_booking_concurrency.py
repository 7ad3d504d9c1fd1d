"""No overbooking, ever: real parallel requests against the production shape (gunicorn, 4 workers x 4 threads).

`manage.py serve` runs sync views one at a time, so races need gunicorn. Each scenario starts its clients
together behind a barrier, then checks the outcome with one invariant function. The same scenario against
the app with its booking guard removed (`broken_booking_wsgi`) must break that invariant: proof that the
check can fail, and that the guard is what keeps it green.
"""

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.blackbox.helpers import PASSWORD, assert_problem, bearer, login, register, train_body, unique_email
from tests.blackbox.server import LiveServer, create_superuser, gunicorn_for_fixture

pytestmark = pytest.mark.blackbox

CAPACITY = 40
CLIENTS = 50
USERS = 10  # each books for CLIENTS / USERS clients, so no single account carries all the load
CANCELLERS = 10
BROKEN_APP = "tests.blackbox.broken_booking_wsgi:application"


@dataclass(frozen=True)
class Attempt:
    seats: int
    status: int
    code: str | None
    text: str


@dataclass
class Actors:
    server: LiveServer
    admin: dict[str, str]
    users: list[dict[str, str]]


def actors_on(server: LiveServer) -> Actors:
    email = unique_email("ops")
    create_superuser(server, email=email, password=PASSWORD)
    with httpx.Client(base_url=server.url, timeout=60) as api:
        admin = bearer(login(api, email=email)["access"])
        users = [bearer(register(api)["access"]) for _ in range(USERS)]
    return Actors(server, admin, users)


def serve_actors(base_dir, throttle_scopes, **options) -> Iterator[Actors]:
    """A gunicorn server with an admin and USERS registered users; stopped however the setup ends."""
    servers = gunicorn_for_fixture(base_dir, throttle_scopes=throttle_scopes, **options)
    server = next(servers)
    try:
        yield actors_on(server)
    finally:
        next(servers, None)  # stops the server, and fails the tests if it did not stop cleanly


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, throttle_scopes) -> Iterator[Actors]:
    """The real app on gunicorn, once for the module."""
    yield from serve_actors(tmp_path_factory.mktemp("bb-gunicorn"), throttle_scopes)


@pytest.fixture(scope="module")
def unguarded(tmp_path_factory, throttle_scopes) -> Iterator[Actors]:
    """The same, with booking_create replaced by a naive read-check-write."""
    yield from serve_actors(tmp_path_factory.mktemp("bb-gunicorn-broken"), throttle_scopes, app=BROKEN_APP)


def in_parallel(server: LiveServer, requests: list) -> list[httpx.Response]:
    """Run each `request(client)` in its own thread with its own client, released together by a barrier."""
    barrier = threading.Barrier(len(requests), timeout=60)  # a thread that dies early fails the rest
    responses: list[httpx.Response | BaseException | None] = [None] * len(requests)

    def run(index: int) -> None:
        try:
            with httpx.Client(base_url=server.url, timeout=120) as client:
                barrier.wait()
                responses[index] = requests[index](client)
        except BaseException as exc:  # reported below, with every other outcome
            responses[index] = exc

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failures = [r for r in responses if not isinstance(r, httpx.Response)]
    assert not failures, f"{len(failures)} of {len(requests)} requests got no response: {failures[:3]}"
    return responses


def create_train(actors: Actors, *, total_seats: int) -> dict:
    with httpx.Client(base_url=actors.server.url, timeout=60) as api:
        response = api.post("/api/trains/", json=train_body(total_seats=total_seats), headers=actors.admin)
    assert response.status_code == 201, response.text
    return response.json()


def train_now(actors: Actors, train_number: str) -> dict:
    with httpx.Client(base_url=actors.server.url, timeout=60) as api:
        response = api.get(f"/api/trains/{train_number}/", headers=actors.users[0])
    assert response.status_code == 200, response.text
    return response.json()


def seats_booked_on(actors: Actors, train_id: int) -> int:
    """Confirmed seats on the train according to the bookings themselves, summed over every user's list."""
    total = 0
    with httpx.Client(base_url=actors.server.url, timeout=60) as api:
        for user in actors.users:
            response = api.get("/api/bookings/my/", params={"limit": 100}, headers=user)
            assert response.status_code == 200, response.text
            page = response.json()
            assert page["total"] <= 100, "more bookings than one page holds"
            total += sum(
                b["seats_booked"]
                for b in page["results"]
                if b["train"]["id"] == train_id and b["status"] == "CONFIRMED"
            )
    return total


def book_in_parallel(actors: Actors, train: dict) -> list[Attempt]:
    """CLIENTS clients, each booking 1-3 seats (demand far above CAPACITY), spread over the users."""
    wanted = [1 + index % 3 for index in range(CLIENTS)]

    def booking(index: int):
        body = {"train_id": train["id"], "seats": wanted[index]}
        return lambda client: client.post("/api/bookings/", json=body, headers=actors.users[index % USERS])

    responses = in_parallel(actors.server, [booking(index) for index in range(CLIENTS)])
    attempts = []
    for seats, response in zip(wanted, responses, strict=True):
        is_problem = response.headers.get("content-type", "").startswith("application/problem+json")
        code = response.json().get("code") if is_problem else None
        attempts.append(Attempt(seats, response.status_code, code, response.text[:300]))
    return attempts


def overbooking_problems(*, capacity: int, available: int, booked: int, attempts: list[Attempt]) -> list[str]:
    """Everything wrong with the outcome of parallel bookings on one train that started with `capacity`
    free seats. `available`: the train's free seats afterwards (GET /api/trains/{n}/); `booked`: the seats
    of its confirmed bookings (GET /api/bookings/my/). Problems about seats sold twice start with OVERSOLD."""
    problems = []
    unexpected = [a for a in attempts if (a.status, a.code) not in {(201, None), (409, "NOT_ENOUGH_SEATS")}]
    if unexpected:
        problems.append(f"{len(unexpected)} responses neither 201 nor 409 NOT_ENOUGH_SEATS: {unexpected[:3]}")
    accepted = sum(a.seats for a in attempts if a.status == 201)
    sold = capacity - available
    if booked != accepted:
        problems.append(f"the 201 responses booked {accepted} seats, but the bookings hold {booked}")
    if accepted > sold:
        problems.append(f"OVERSOLD: {accepted} seats booked, but the train counts only {sold} as sold")
    elif accepted < sold:
        problems.append(f"{sold} seats gone from the train, but only {accepted} booked")
    if accepted > capacity:
        problems.append(f"OVERSOLD: {accepted} seats booked on a train with {capacity}")
    if not 0 <= available <= capacity:
        problems.append(f"available_seats is {available}, outside 0..{capacity}")
    refused = [a.seats for a in attempts if a.status == 409]
    if refused and available >= min(refused):
        problems.append(f"{available} seats left free, yet a request for {min(refused)} was refused")
    if sum(a.seats for a in attempts) > capacity and not refused:
        problems.append("demand exceeded capacity, yet nobody was refused")
    return problems


def run_booking_race(actors: Actors) -> tuple[list[str], str]:
    train = create_train(actors, total_seats=CAPACITY)
    attempts = book_in_parallel(actors, train)
    available = train_now(actors, train["train_number"])["available_seats"]
    booked = seats_booked_on(actors, train["id"])
    problems = overbooking_problems(capacity=CAPACITY, available=available, booked=booked, attempts=attempts)
    accepted = sum(a.seats for a in attempts if a.status == 201)
    summary = (
        f"{sum(a.status == 201 for a in attempts)} bookings accepted for {accepted} seats, "
        f"{sum(a.status == 409 for a in attempts)} refused; train: {CAPACITY - available} sold, {available} free"
    )
    print(f"\n{actors.server.url}: {summary}")  # shown with -s or -rA: the numbers behind the verdict
    return problems, summary


def test_parallel_bookings_never_oversell(guarded):
    problems, summary = run_booking_race(guarded)
    assert problems == [], summary


def test_without_the_guard_the_same_check_catches_overselling(unguarded):
    with httpx.Client(base_url=unguarded.server.url, timeout=60) as api:
        assert api.get("/health/").headers.get("X-Booking-Guard") == "removed"  # the broken app, as intended
    problems, summary = run_booking_race(unguarded)
    assert any(problem.startswith("OVERSOLD") for problem in problems), (summary, problems)


def test_parallel_cancellations_return_the_seats_once(guarded):
    train = create_train(guarded, total_seats=10)
    owner = guarded.users[0]
    with httpx.Client(base_url=guarded.server.url, timeout=60) as api:
        response = api.post("/api/bookings/", json={"train_id": train["id"], "seats": 3}, headers=owner)
    assert response.status_code == 201, response.text
    booking_id = response.json()["id"]
    assert train_now(guarded, train["train_number"])["available_seats"] == 7

    cancel = f"/api/bookings/{booking_id}/cancel/"
    responses = in_parallel(guarded.server, [lambda client: client.post(cancel, headers=owner)] * CANCELLERS)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [409] * (CANCELLERS - 1), [(r.status_code, r.text[:200]) for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert_problem(response, 409, "BOOKING_ALREADY_CANCELLED")
        else:
            assert response.json()["status"] == "CANCELLED"
    assert train_now(guarded, train["train_number"])["available_seats"] == 10
