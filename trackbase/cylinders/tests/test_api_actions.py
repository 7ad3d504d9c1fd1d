"""POST /api/cylinders/add and the bulk scan actions, at the seed's paths, with and without the slash."""

import pytest

from trackbase.core.testing import assert_problem
from trackbase.cylinders.lifecycle import Status
from trackbase.cylinders.models import Cylinder, CylinderEvent

pytestmark = pytest.mark.django_db

ACTION_PATHS = [
    "/api/cylinders/ship",
    "/api/cylinders/return",
    "/api/cylinders/refill/send",
    "/api/cylinders/refill/receive",
    "/api/cylinders/trash",
    "/api/cylinders/reprint",
]


def scan(client, path, cylinders, **body):
    return client.post(path, {"qr_codes": [c.qr_code for c in cylinders], **body}, format="json")


def status_of(cylinder):
    return Cylinder.objects.get(pk=cylinder.pk).status


def test_an_admin_adds_cylinders(admin_client):
    body = {"cylinders": [{"gas_type": "O2", "serial_number": "ox-1", "capacity": "50.5"}, {"gas_type": "N2"}]}
    response = admin_client.post("/api/cylinders/add", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()["created"]
    first = created[0]
    assert (first["serial_number"], first["status"], first["capacity"]) == ("OX-1", "AVAILABLE", "50.50")
    assert all(c["qr_code"].startswith("CYL1-") and c["id"] for c in created)


def test_add_answers_with_the_trailing_slash_too(admin_client):
    response = admin_client.post("/api/cylinders/add/", {"cylinders": [{"gas_type": "O2"}]}, format="json")
    assert response.status_code == 201


def test_a_worker_may_not_add(worker_client):
    assert_problem(worker_client.post("/api/cylinders/add", {"cylinders": [{"gas_type": "O2"}]}, format="json"), 403)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"cylinders": []},
        {"cylinders": [{}]},
        {"cylinders": [{"gas_type": "O2", "serial_number": "bad serial"}]},
        {"cylinders": [{"gas_type": " "}]},
        {"cylinders": [{"gas_type": "O2", "capacity": 50.5}]},  # decimals travel as strings, as responses show them
        {"cylinders": [{"gas_type": "O2", "capacity": "-1"}]},
        {"cylinders": [{"gas_type": "O2", "capacity": "1.234"}]},
        {"cylinders": [{"gas_type": "O2\x00"}]},
    ],
)
def test_add_rejects_bad_input(admin_client, body):
    assert_problem(admin_client.post("/api/cylinders/add", body, format="json"), 400, "VALIDATION_ERROR")


def test_the_add_schema_bounds_the_list_and_declares_decimals_as_strings(admin_client):
    components = admin_client.get("/api/schema/?format=json").json()["components"]["schemas"]
    cylinders = next(s["properties"]["cylinders"] for n, s in components.items() if n.startswith("CylinderAdd"))
    assert (cylinders["minItems"], cylinders["maxItems"]) == (1, 1000)
    capacity = components["CylinderSpecInputRequest"]["properties"]["capacity"]
    assert capacity["type"] == "string" and capacity["pattern"]


def test_add_refuses_a_taken_serial(admin_client, add_cylinders):
    add_cylinders(serial_number="S-1")
    response = admin_client.post(
        "/api/cylinders/add", {"cylinders": [{"gas_type": "O2", "serial_number": "S-1"}]}, format="json"
    )
    assert_problem(response, 409, "SERIAL_NUMBER_TAKEN")


@pytest.mark.parametrize("path", ["/api/cylinders/add", *ACTION_PATHS])
def test_users_get_403_and_anonymous_401(path, outsider_client, anon_client, add_cylinders):
    [cylinder] = add_cylinders()
    body = {"qr_codes": [cylinder.qr_code], "sent_to": "X", "reason": "x", "cylinders": [{"gas_type": "O2"}]}
    assert_problem(outsider_client.post(path, body, format="json"), 403, "PERMISSION_DENIED")
    assert_problem(anon_client.post(path, body, format="json"), 401, "NOT_AUTHENTICATED")
    assert status_of(cylinder) == Status.AVAILABLE and Cylinder.objects.count() == 1


def test_a_worker_runs_the_cycle_through_the_seed_paths(worker_client, add_cylinders):
    cylinders = add_cylinders(2)
    steps = [
        ("/api/cylinders/ship", {"customer": "Acme"}, Status.SENT),
        ("/api/cylinders/return/", {}, Status.RETURNED),
        ("/api/cylinders/refill/send", {"station": "North"}, Status.IN_REFILL),
        ("/api/cylinders/refill/receive/", {}, Status.AVAILABLE),
    ]
    for path, extra, expected in steps:
        response = scan(worker_client, path, cylinders, **extra)
        assert response.status_code == 200, (path, response.content)
        body = response.json()
        assert [u["status"] for u in body["updated"]] == [expected] * 2
        assert body["skipped"] == [] and body["failed"] == []
    assert CylinderEvent.objects.count() == 2 * 5


def test_ship_reports_where_the_cylinders_went(worker_client, add_cylinders):
    [cylinder] = add_cylinders()
    body = scan(worker_client, "/api/cylinders/ship", [cylinder], sent_to="Acme Gas").json()
    assert body["updated"][0] | {"id": 0} == {
        "id": 0,
        "serial_number": cylinder.serial_number,
        "qr_code": cylinder.qr_code,
        "from_status": "AVAILABLE",
        "status": "SENT",
        "sent_to": "Acme Gas",
    }


def test_an_invalid_transition_is_409_naming_cylinder_status_and_action(worker_client, add_cylinders):
    ok, sent = add_cylinders(2)
    scan(worker_client, "/api/cylinders/ship", [sent], sent_to="A")
    response = scan(worker_client, "/api/cylinders/ship", [ok, sent], sent_to="B")
    body = assert_problem(response, 409, "INVALID_TRANSITION")
    assert sent.serial_number in body["detail"] and "SENT" in body["detail"] and "ship" in body["detail"]
    assert [i["result"] for i in body["errors"]["qr_codes"]] == ["ok", "failed"]
    assert status_of(ok) == Status.AVAILABLE


def test_partial_answers_updated_skipped_and_failed(worker_client, add_cylinders):
    ok, sent = add_cylinders(2)
    scan(worker_client, "/api/cylinders/ship", [sent], sent_to="A")
    response = scan(worker_client, "/api/cylinders/ship", [ok, sent, ok], sent_to="B", partial=True)
    assert response.status_code == 200
    body = response.json()
    assert [u["id"] for u in body["updated"]] == [ok.pk]
    assert body["skipped"] == [
        {"qr_code": ok.qr_code, "code": "DUPLICATE_IN_REQUEST", "message": body["skipped"][0]["message"]}
    ]
    assert [(f["qr_code"], f["code"]) for f in body["failed"]] == [(sent.qr_code, "INVALID_TRANSITION")]


def test_unknown_codes_refuse_the_batch(worker_client, add_cylinders):
    [cylinder] = add_cylinders()
    response = worker_client.post(
        "/api/cylinders/ship", {"qr_codes": [cylinder.qr_code, "CYL1-NONE"], "sent_to": "A"}, format="json"
    )
    body = assert_problem(response, 409, "UNKNOWN_QR_CODE")
    assert body["errors"]["qr_codes"][1] == {
        "qr_code": "CYL1-NONE",
        "result": "failed",
        "code": "UNKNOWN_QR_CODE",
        "message": "No cylinder has this QR code.",
    }


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"qr_codes": []},
        {"qr_codes": "CYL1-X"},
        {"qr_codes": ["x" * 65]},
        {"qr_codes": ["CYL1-X"], "partial": "maybe"},
        {"qr_codes": ["CYL1-X"], "sent_to": "A", "customer": "B"},
        {"qr_codes": ["CYL1-X"] * 1001},
    ],
)
def test_scans_reject_bad_input(worker_client, body):
    assert_problem(worker_client.post("/api/cylinders/ship", body, format="json"), 400, "VALIDATION_ERROR")


def test_ship_without_a_destination_is_400(worker_client, add_cylinders):
    [cylinder] = add_cylinders()
    body = assert_problem(scan(worker_client, "/api/cylinders/ship", [cylinder]), 400, "VALIDATION_ERROR")
    assert "sent_to" in body["errors"]


def test_the_same_place_under_two_names_is_fine(worker_client, add_cylinders):
    [cylinder] = add_cylinders()
    response = scan(worker_client, "/api/cylinders/ship", [cylinder], sent_to="Acme", customer=" Acme ")
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/api/cylinders/trash", "/api/cylinders/reprint"])
def test_workers_may_not_trash_or_reprint(path, worker_client, add_cylinders):
    [cylinder] = add_cylinders()
    assert_problem(scan(worker_client, path, [cylinder], reason="x"), 403, "PERMISSION_DENIED")


def test_trash_needs_a_reason(admin_client, add_cylinders):
    [cylinder] = add_cylinders()
    assert_problem(scan(admin_client, "/api/cylinders/trash", [cylinder]), 400, "VALIDATION_ERROR")
    assert scan(admin_client, "/api/cylinders/trash", [cylinder], reason="valve damage").status_code == 200
    assert status_of(cylinder) == Status.TRASHED


def test_trash_refuses_a_blank_reason(admin_client, add_cylinders):
    [cylinder] = add_cylinders()
    body = assert_problem(scan(admin_client, "/api/cylinders/trash", [cylinder], reason="  "), 400, "VALIDATION_ERROR")
    assert list(body["errors"]) == ["reason"] and status_of(cylinder) == Status.AVAILABLE


def test_a_blank_scanned_code_is_an_unknown_code(worker_client, add_cylinders):
    [cylinder] = add_cylinders()
    response = worker_client.post("/api/cylinders/return", {"qr_codes": [cylinder.qr_code, " "]}, format="json")
    body = assert_problem(response, 409, "INVALID_TRANSITION")
    assert [item["result"] for item in body["errors"]["qr_codes"]] == ["failed", "failed"]


def test_reprint_answers_new_and_old_codes_and_the_old_stops_resolving(admin_client, add_cylinders):
    [cylinder] = add_cylinders()
    response = scan(admin_client, "/api/cylinders/reprint", [cylinder])
    [item] = response.json()["updated"]
    assert item["id"] == cylinder.pk and item["old_qr_code"] == cylinder.qr_code and item["qr_code"] != cylinder.qr_code
    assert_problem(admin_client.get(f"/api/cylinders/by-qr/{cylinder.qr_code}/"), 404, "CYLINDER_NOT_FOUND")
    assert admin_client.get(f"/api/cylinders/by-qr/{item['qr_code']}/").json()["id"] == cylinder.pk


def test_a_retried_scan_with_its_key_replays_instead_of_failing(worker_client, add_cylinders):
    [cylinder] = add_cylinders()
    body = {"qr_codes": [cylinder.qr_code], "sent_to": "Acme"}
    first = worker_client.post("/api/cylinders/ship", body, format="json", HTTP_IDEMPOTENCY_KEY="scan-1")
    again = worker_client.post("/api/cylinders/ship", body, format="json", HTTP_IDEMPOTENCY_KEY="scan-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert CylinderEvent.objects.filter(cylinder=cylinder, action="ship").count() == 1
    # Without the key, the retry is a second scan: the cylinder is already SENT.
    assert_problem(worker_client.post("/api/cylinders/ship", body, format="json"), 409, "INVALID_TRANSITION")


def test_a_key_reused_for_another_batch_is_422(worker_client, add_cylinders):
    a, b = add_cylinders(2)
    worker_client.post(
        "/api/cylinders/ship", {"qr_codes": [a.qr_code], "sent_to": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    response = worker_client.post(
        "/api/cylinders/ship", {"qr_codes": [b.qr_code], "sent_to": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert_problem(response, 422, "IDEMPOTENCY_KEY_REUSED")
    assert status_of(b) == Status.AVAILABLE


def test_a_refused_batch_replays_its_refusal(worker_client, add_cylinders):
    [cylinder] = add_cylinders()
    body = {"qr_codes": [cylinder.qr_code]}
    first = worker_client.post("/api/cylinders/return", body, format="json", HTTP_IDEMPOTENCY_KEY="r")
    again = worker_client.post("/api/cylinders/return", body, format="json", HTTP_IDEMPOTENCY_KEY="r")
    assert first.status_code == again.status_code == 409
