"""One cylinder, many scanners at once, in the production shape (gunicorn, 4 workers x 4 threads): exactly one
transition wins. The same scenario against the app with its transition guards removed (`broken_scan_wsgi`) must
break the invariant: proof that the check can fail, and that the guards keep it green."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.blackbox.helpers import PASSWORD, bearer, login, register, unique_email
from tests.blackbox.server import LiveServer, create_superuser, gunicorn_for_fixture
from tests.blackbox.test_booking_concurrency import in_parallel

pytestmark = pytest.mark.blackbox

SCANNERS = 16
BROKEN_APP = "tests.blackbox.broken_scan_wsgi:application"


@dataclass
class Depot:
    server: LiveServer
    admin: dict[str, str]
    workers: list[dict[str, str]]


def depot_on(server: LiveServer) -> Depot:
    email = unique_email("depot-admin")
    create_superuser(server, email=email, password=PASSWORD)
    with httpx.Client(base_url=server.url, timeout=60) as api:
        admin = bearer(login(api, email=email)["access"])
        workers = []
        for _ in range(SCANNERS):
            session = register(api)
            response = api.post(
                f"/api/admin/users/{session['user']['id']}/role/", json={"role": "WORKER"}, headers=admin
            )
            assert response.status_code == 200, response.text
            workers.append(bearer(session["access"]))
    return Depot(server, admin, workers)


def serve_depot(base_dir, throttle_scopes, **options) -> Iterator[Depot]:
    servers = gunicorn_for_fixture(base_dir, throttle_scopes=throttle_scopes, **options)
    server = next(servers)
    try:
        yield depot_on(server)
    finally:
        next(servers, None)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, throttle_scopes) -> Iterator[Depot]:
    yield from serve_depot(tmp_path_factory.mktemp("bb-depot"), throttle_scopes)


@pytest.fixture(scope="module")
def unguarded(tmp_path_factory, throttle_scopes) -> Iterator[Depot]:
    yield from serve_depot(tmp_path_factory.mktemp("bb-depot-broken"), throttle_scopes, app=BROKEN_APP)


def scan_race(depot: Depot) -> tuple[list[str], str]:
    """SCANNERS workers ship one AVAILABLE cylinder at once; -> (problems, summary). Problems about a cylinder
    moved twice start with DOUBLE."""
    with httpx.Client(base_url=depot.server.url, timeout=60) as api:
        response = api.post("/api/cylinders/add", json={"cylinders": [{"gas_type": "O2"}]}, headers=depot.admin)
        assert response.status_code == 201, response.text
        [cylinder] = response.json()["created"]

    def ship(index: int):
        body = {"qr_codes": [cylinder["qr_code"]], "customer": f"Customer {index}"}
        return lambda client: client.post("/api/cylinders/ship", json=body, headers=depot.workers[index])

    responses = in_parallel(depot.server, [ship(i) for i in range(SCANNERS)])
    answers = Counter(
        "applied"
        if r.status_code == 200
        else r.json().get("code", r.status_code)
        if r.status_code == 409
        else r.status_code
        for r in responses
    )
    with httpx.Client(base_url=depot.server.url, timeout=60) as api:
        history = api.get(f"/api/cylinders/{cylinder['id']}/history/", headers=depot.admin).json()["results"]
    ships = [row for row in history if row["action"] == "ship"]
    problems = []
    if set(answers) - {"applied", "INVALID_TRANSITION"}:
        problems.append(f"unexpected answers: {answers}")
    if answers["applied"] != 1:
        problems.append(f"DOUBLE: {answers['applied']} scans answered 200 for one cylinder")
    if len(ships) != 1:
        problems.append(f"DOUBLE: {len(ships)} ship rows in the history")
    summary = f"{dict(answers)}; history: {[(r['action'], r['from_status'], r['to_status']) for r in history]}"
    print(f"\n{depot.server.url}: {summary}")
    return problems, summary


def test_parallel_scans_of_one_cylinder_apply_once(guarded):
    problems, summary = scan_race(guarded)
    assert problems == [], summary


def test_without_the_guards_the_same_check_catches_a_double_shipment(unguarded):
    with httpx.Client(base_url=unguarded.server.url, timeout=60) as api:
        assert api.get("/health/").headers.get("X-Scan-Guard") == "removed"
    problems, summary = scan_race(unguarded)
    assert any(problem.startswith("DOUBLE") for problem in problems), (summary, problems)
