"""Look-ups: list with filters, detail, by-qr, history (oldest first), QR images."""

from datetime import date

import pytest
from django.core.files.storage import default_storage

from trackbase.core.testing import assert_problem
from trackbase.cylinders import services
from trackbase.cylinders.lifecycle import Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock(add_cylinders, worker):
    """Four cylinders: two O2 AVAILABLE (one test due early), one CO2 shipped to Acme, one N2 at a station."""
    o2_early = add_cylinders(gas_type="o2", next_test_due=date(2026, 1, 1))[0]
    o2_late = add_cylinders(gas_type="O2", next_test_due=date(2027, 1, 1))[0]
    co2 = add_cylinders(gas_type="CO2")[0]
    n2 = add_cylinders(gas_type="N2")[0]
    for action, rows, place in [
        (Action.SHIP, [co2, n2], "ACME  Gas"),
        (Action.RETURN, [n2], ""),
        (Action.REFILL_SEND, [n2], "North Station"),
    ]:
        services.cylinders_transition(actor=worker, action=action, qr_codes=[c.qr_code for c in rows], sent_to=place)
    return {"o2_early": o2_early, "o2_late": o2_late, "co2": co2, "n2": n2}


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_list_is_paginated_and_filtered(worker_client, stock):
    body = worker_client.get("/api/cylinders/").json()
    assert body["total"] == 4 and body["limit"] == 20 and body["offset"] == 0
    assert ids(worker_client.get("/api/cylinders/?status=SENT")) == [stock["co2"].pk]
    assert ids(worker_client.get("/api/cylinders/?sent_to=acme gas")) == [stock["co2"].pk]
    assert ids(worker_client.get("/api/cylinders/?gas_type=o2")) == [stock["o2_early"].pk, stock["o2_late"].pk]
    assert ids(worker_client.get("/api/cylinders/?test_due_before=2026-06-01")) == [stock["o2_early"].pk]
    assert ids(worker_client.get("/api/cylinders?status=IN_REFILL&limit=1")) == [stock["n2"].pk]


@pytest.mark.parametrize("query", ["status=LOST", "test_due_before=soon", "limit=0", "limit=101", "offset=-1"])
def test_the_list_rejects_bad_filters(worker_client, query):
    assert_problem(worker_client.get(f"/api/cylinders/?{query}"), 400)


def test_detail_and_by_qr_find_the_cylinder(admin_client, stock):
    co2 = stock["co2"]
    assert admin_client.get(f"/api/cylinders/{co2.pk}/").json()["sent_to"] == "ACME Gas"
    assert admin_client.get(f"/api/cylinders/{co2.pk}").json()["status"] == "SENT"
    assert admin_client.get(f"/api/cylinders/by-qr/{co2.qr_code.lower()}/").json()["id"] == co2.pk


@pytest.mark.parametrize(
    "path", ["/api/cylinders/999999/", "/api/cylinders/99999999999999999999999/", "/api/cylinders/by-qr/CYL1-NOPE/"]
)
def test_unknown_cylinders_are_404(worker_client, path):
    assert_problem(worker_client.get(path), 404)


def test_history_is_oldest_first_with_who_and_where(worker_client, stock):
    body = worker_client.get(f"/api/cylinders/{stock['n2'].pk}/history/").json()
    assert body["total"] == 4
    rows = [(r["action"], r["from_status"], r["to_status"], r["sent_to"]) for r in body["results"]]
    assert rows == [
        ("add", "", "AVAILABLE", ""),
        ("ship", "AVAILABLE", "SENT", "ACME Gas"),
        ("return", "SENT", "RETURNED", "ACME Gas"),
        ("refill/send", "RETURNED", "IN_REFILL", "North Station"),
    ]
    assert [r["by"] for r in body["results"]] == ["admin", "worker", "worker", "worker"]


def test_qr_images_encode_the_current_code_and_are_stored(worker_client, stock):
    cylinder = stock["o2_late"]
    svg = worker_client.get(f"/api/cylinders/{cylinder.pk}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert svg.content.lstrip().startswith(b"<?xml") and b"<svg" in svg.content
    png = worker_client.get(f"/api/cylinders/{cylinder.pk}/qr.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert default_storage.exists(f"cylinders/qr/{cylinder.qr_code}.png")
    assert worker_client.get(f"/api/cylinders/{cylinder.pk}/qr.png").content == png.content


def test_the_image_is_segnos_rendering_of_the_current_payload(worker_client, stock):
    import io

    import segno

    cylinder = stock["co2"]
    expected = io.BytesIO()
    segno.make_qr(cylinder.qr_code, error="m").save(expected, kind="png", scale=8, border=4)
    assert worker_client.get(f"/api/cylinders/{cylinder.pk}/qr.png").content == expected.getvalue()
    assert segno.make_qr(cylinder.qr_code, error="m").mode == "alphanumeric"


LOOKUPS = [
    "/api/cylinders/",
    "/api/cylinders/{id}/",
    "/api/cylinders/by-qr/{qr}/",
    "/api/cylinders/{id}/history/",
    "/api/cylinders/{id}/qr.svg",
    "/api/cylinders/{id}/qr.png",
]


@pytest.mark.parametrize("template", LOOKUPS)
def test_lookups_are_403_for_users_and_401_for_anonymous(template, outsider_client, anon_client, stock):
    path = template.format(id=stock["co2"].pk, qr=stock["co2"].qr_code)
    assert_problem(outsider_client.get(path), 403, "PERMISSION_DENIED")
    assert_problem(anon_client.get(path), 401, "NOT_AUTHENTICATED")


def stored_images(qr_code: str) -> list[bool]:
    return [default_storage.exists(f"cylinders/qr/{qr_code}.{kind}") for kind in ("svg", "png")]


def test_a_reprint_deletes_the_old_codes_stored_images_after_commit(
    admin_client, worker_client, stock, django_capture_on_commit_callbacks
):
    cylinder = stock["o2_late"]
    for kind in ("svg", "png"):
        worker_client.get(f"/api/cylinders/{cylinder.pk}/qr.{kind}")
    assert stored_images(cylinder.qr_code) == [True, True]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/api/cylinders/reprint", {"qr_codes": [cylinder.qr_code]}, format="json")
    new_code = response.json()["updated"][0]["qr_code"]
    assert stored_images(cylinder.qr_code) == [False, False]
    assert worker_client.get(f"/api/cylinders/{cylinder.pk}/qr.png").status_code == 200
    assert stored_images(new_code) == [False, True]


def test_a_refused_reprint_keeps_the_images(admin_client, worker_client, stock, django_capture_on_commit_callbacks):
    cylinder = stock["o2_late"]
    worker_client.get(f"/api/cylinders/{cylinder.pk}/qr.svg")
    unknown = "CYL1-" + "0" * 26
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post("/api/cylinders/reprint", {"qr_codes": [cylinder.qr_code, unknown]}, format="json")
    assert_problem(response, 409, "UNKNOWN_QR_CODE")
    assert callbacks == [] and stored_images(cylinder.qr_code) == [True, False]
