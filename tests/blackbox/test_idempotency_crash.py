"""A server killed mid-burst: afterwards every Idempotency-Key replays its booking or books it once.

The production shape (gunicorn, 4 workers x 4 threads) serves a burst of bookings, each with its own key,
and is SIGKILLed (master and workers, as an OOM killer or a power cut would) while most of them are in
flight. A new server starts on the same data, and every request is retried with its key. The app is the
real one with a pause between a booking's effect and its response (`slow_booking_wsgi`), so the kill lands
in that moment every time instead of once in a while.

A key must never be stuck (409 in flight until it expires), and no seat may be sold twice or lost: the
train's sold seats equal the seats of its confirmed bookings, and each key holds exactly one of them.
"""

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.blackbox.server import LiveServer, gunicorn_for_fixture, kill_hard, start_gunicorn
from tests.blackbox.test_booking_concurrency import Actors, actors_on, create_train, train_now

pytestmark = pytest.mark.blackbox

SLOW_APP = "tests.blackbox.slow_booking_wsgi:application"
BURST = 32
KILL_AFTER = 4  # responses received before the kill: the server is busy, with requests in every stage
CAPACITY = 200  # more than the burst can take, so every booking can succeed


@dataclass(frozen=True)
class Keyed:
    key: str
    user: dict[str, str]
    body: dict

    def send(self, client: httpx.Client) -> httpx.Response:
        return client.post("/api/bookings/", json=self.body, headers={**self.user, "Idempotency-Key": self.key})


@pytest.fixture
def slow_server(tmp_path, throttle_scopes) -> Iterator[LiveServer]:
    yield from gunicorn_for_fixture(tmp_path, throttle_scopes=throttle_scopes, app=SLOW_APP)


def burst_then_kill(server: LiveServer, requests: list[Keyed]) -> list[httpx.Response | Exception]:
    """Send every request at once; SIGKILL the server once KILL_AFTER answers are back. -> what each one got."""
    outcomes: list[httpx.Response | Exception | None] = [None] * len(requests)
    answered = threading.Semaphore(0)

    def run(index: int) -> None:
        try:
            with httpx.Client(base_url=server.url, timeout=60) as client:
                outcomes[index] = requests[index].send(client)
            answered.release()
        except httpx.TransportError as exc:  # the kill cut this one off
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(requests))]
    for thread in threads:
        thread.start()
    for _ in range(KILL_AFTER):
        assert answered.acquire(timeout=60), "the server answered too few requests before the kill"
    kill_hard(server, server.children[-1])
    for thread in threads:
        thread.join()
    return outcomes


def confirmed_bookings(actors: Actors, train_id: int) -> list[dict]:
    found = []
    with httpx.Client(base_url=actors.server.url, timeout=60) as api:
        for user in actors.users:
            page = api.get("/api/bookings/my/", params={"limit": 100}, headers=user).json()
            assert page["total"] <= 100, "more bookings than one page holds"
            found += [b for b in page["results"] if b["train"]["id"] == train_id and b["status"] == "CONFIRMED"]
    return found


def retry_problems(before: httpx.Response | Exception, retried: httpx.Response, again: httpx.Response) -> list[str]:
    """What is wrong with one key's retries after the crash, given what its first attempt got."""
    replayed = retried.headers.get("Idempotent-Replayed") == "true"
    if retried.status_code != 201:
        return [f"retry answered {retried.status_code} {retried.text[:200]}"]
    problems = []
    if isinstance(before, httpx.Response):
        if before.status_code != 201:
            problems.append(f"first attempt answered {before.status_code} {before.text[:200]}")
        elif not replayed or retried.json() != before.json():
            problems.append("an answered booking was not replayed")
    if again.headers.get("Idempotent-Replayed") != "true" or again.json() != retried.json():
        problems.append("a second retry did not replay the first retry's booking")
    return problems


def test_every_key_replays_or_books_once_after_the_server_is_killed_mid_burst(slow_server):
    actors = actors_on(slow_server)
    train = create_train(actors, total_seats=CAPACITY)
    requests = [
        Keyed(
            str(uuid.uuid4()),
            actors.users[index % len(actors.users)],
            {"train_id": train["id"], "seats": 1 + index % 3},
        )
        for index in range(BURST)
    ]

    before = burst_then_kill(slow_server, requests)
    cut_off = sum(not isinstance(outcome, httpx.Response) for outcome in before)
    assert cut_off, "the kill cut off no request: this run proves nothing"

    start_gunicorn(slow_server, app=SLOW_APP)
    problems = {}
    booking_ids = []
    with httpx.Client(base_url=slow_server.url, timeout=60) as client:
        for request, first in zip(requests, before, strict=True):
            retried, again = request.send(client), request.send(client)
            if found := retry_problems(first, retried, again):
                problems[request.key] = found
            elif retried.status_code == 201:
                booking_ids.append(retried.json()["id"])
    print(f"\n{cut_off} of {BURST} requests cut off by the kill; {len(problems)} keys with problems")
    assert problems == {}, f"{len(problems)} of {BURST} keys: {list(problems.values())[:3]}"

    bookings = confirmed_bookings(actors, train["id"])
    assert sorted(b["id"] for b in bookings) == sorted(booking_ids), "bookings that no key holds, or a key with two"
    sold = CAPACITY - train_now(actors, train["train_number"])["available_seats"]
    assert sold == sum(b["seats_booked"] for b in bookings) == sum(r.body["seats"] for r in requests)
