"""Admin reports on a small generated history, against numbers worked out by hand (see `depot`)."""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from trackbase.accounts.models import Role
from trackbase.accounts.tests.factories import UserFactory
from trackbase.core.testing import assert_problem, client_for
from trackbase.cylinders import services
from trackbase.cylinders.lifecycle import Action

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2031, 3, day, hour, tzinfo=UTC)  # 2031-03-03 and 2031-03-10 are Mondays


@pytest.fixture
def depot(time_machine, admin_user):
    """Six cylinders through a fortnight. By hand, at 2031-03-12 09:00:
    A1 A2 A3 AVAILABLE; B1 SENT to Acme since 03-03 09:00 (9 days); B2 and C1 TRASHED.
    Shipments: A1, A2 (w1, back after 2 days), B1 (w1, out), B2 (w2, back after 3 days), C1 (w2, trashed out).
    Refills: A1 6 h, A2 12 h, both at North Station."""
    w1 = UserFactory(username="w1", role=Role.WORKER)
    w2 = UserFactory(username="w2", role=Role.WORKER)
    time_machine.move_to(at(3), tick=False)
    specs = [
        {"serial_number": "A1", "gas_type": "O2", "next_test_due": date(2031, 3, 1)},
        {"serial_number": "A2", "gas_type": "O2", "next_test_due": date(2031, 3, 20)},
        {"serial_number": "A3", "gas_type": "O2"},
        {"serial_number": "B1", "gas_type": "CO2"},
        {"serial_number": "B2", "gas_type": "CO2"},
        {"serial_number": "C1", "gas_type": "N2"},
    ]
    c = {cyl.serial_number: cyl for cyl in services.cylinders_add(actor=admin_user, cylinders=specs)}

    def do(actor, action, serials, **kwargs):
        codes = [c[s].qr_code for s in serials]
        services.cylinders_transition(actor=actor, action=action, qr_codes=codes, **kwargs)

    do(w1, Action.SHIP, ["A1", "A2", "B1"], sent_to="Acme Gas")
    do(w2, Action.SHIP, ["B2"], sent_to="acme  gas")
    do(w2, Action.SHIP, ["C1"], sent_to="Beta Ltd")
    time_machine.move_to(at(5), tick=False)
    do(w1, Action.RETURN, ["A1", "A2"])
    time_machine.move_to(at(6), tick=False)
    do(w2, Action.RETURN, ["B2"])
    do(w2, Action.REFILL_SEND, ["A1"], sent_to="North Station")
    time_machine.move_to(at(6, 15), tick=False)
    do(w1, Action.REFILL_RECEIVE, ["A1"])
    time_machine.move_to(at(10), tick=False)
    do(w2, Action.REFILL_SEND, ["A2"], sent_to="North Station")
    do(admin_user, Action.TRASH, ["B2"], reason="dented")
    do(admin_user, Action.TRASH, ["C1"], reason="lost")
    time_machine.move_to(at(10, 21), tick=False)
    do(w1, Action.REFILL_RECEIVE, ["A2"])
    time_machine.move_to(at(12), tick=False)
    return {"w1": w1, "w2": w2, "admin": client_for(admin_user)}


def rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


# --- inventory ----------------------------------------------------------------------------------------
def test_inventory_counts_by_hand(depot):
    body = depot["admin"].get("/api/admin/inventory?out_days=7").json()
    assert body["total"] == 6
    assert body["by_status"] == {"AVAILABLE": 3, "SENT": 1, "RETURNED": 0, "IN_REFILL": 0, "TRASHED": 2}
    assert [(p["key"], p["count"]) for p in body["by_customer"]] == [("acme gas", 1)]
    assert body["by_station"] == []
    gases = {g["gas_type"]: (g["count"], {k: v for k, v in g["by_status"].items() if v}) for g in body["by_gas_type"]}
    assert gases == {"CO2": (2, {"SENT": 1, "TRASHED": 1}), "N2": (1, {"TRASHED": 1}), "O2": (3, {"AVAILABLE": 3})}
    out = body["out_longer_than"]
    assert (out["days"], out["count"]) == (7, 1)
    assert [(o["serial_number"], o["days_out"], o["sent_to"]) for o in out["cylinders"]] == [("B1", 9, "Acme Gas")]
    assert body["tests_due"] == {"within_days": 30, "overdue": 1, "due_soon": 1}


def test_inventory_windows_follow_the_parameters(depot):
    body = depot["admin"].get("/api/admin/inventory?out_days=10&test_due_days=5").json()
    assert body["out_longer_than"]["count"] == 0
    assert body["tests_due"] == {"within_days": 5, "overdue": 1, "due_soon": 0}


def test_inventory_as_csv(depot):
    rows = rows_of(depot["admin"].get("/api/admin/inventory?format=csv&out_days=7"))
    values = {(r["section"], r["key"], r["status"]): r["value"] for r in rows}
    assert values[("by_status", "SENT", "SENT")] == "1"
    assert values[("by_gas_type", "O2", "AVAILABLE")] == "3"
    assert values[("out_longer_than", "B1", "SENT")] == "9"
    assert values[("tests_due", "overdue", "")] == "1"


# --- shipments ----------------------------------------------------------------------------------------
def serials(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["serial_number"] for row in response.json()["results"])


def test_shipments_list_who_sent_and_received_what(depot):
    body = depot["admin"].get("/api/admin/shipments").json()
    assert body["total"] == 5 and body["limit"] == 20
    by_serial = {row["serial_number"]: row for row in body["results"]}
    assert {s: (r["sent_by"], r["received_by"], r["status"], r["days_out"]) for s, r in by_serial.items()} == {
        "A1": ("w1", "w1", "RETURNED", 2.0),
        "A2": ("w1", "w1", "RETURNED", 2.0),
        "B1": ("w1", None, "SHIPPED", None),
        "B2": ("w2", "w2", "RETURNED", 3.0),
        "C1": ("w2", None, "TRASHED", None),
    }


def test_shipments_filter_by_worker_place_status_and_dates(depot):
    admin = depot["admin"]
    assert serials(admin.get(f"/api/admin/shipments?worker={depot['w2'].pk}")) == ["B2", "C1"]
    assert serials(admin.get("/api/admin/shipments?worker=W2")) == ["B2", "C1"]
    assert serials(admin.get("/api/admin/shipments?worker=nobody")) == []
    assert_problem(admin.get("/api/admin/shipments?worker=a b"), 400, "VALIDATION_ERROR")
    assert serials(admin.get("/api/admin/shipments?sent_to=ACME GAS")) == ["A1", "A2", "B1", "B2"]
    assert serials(admin.get("/api/admin/shipments?status=RETURNED")) == ["A1", "A2", "B2"]
    assert serials(admin.get("/api/admin/shipments?date_from=2031-03-04")) == []
    assert serials(admin.get("/api/admin/shipments?date_from=2031-03-03&date_to=2031-03-03")) == [
        "A1",
        "A2",
        "B1",
        "B2",
        "C1",
    ]
    assert admin.get("/api/admin/shipments?limit=2").json()["total"] == 5


def test_shipments_keep_who_sent_and_received_them_after_the_account_is_deleted(depot):
    depot["w2"].delete()
    admin = depot["admin"]
    rows = {
        r["serial_number"]: (r["sent_by"], r["received_by"])
        for r in admin.get("/api/admin/shipments").json()["results"]
    }
    assert rows == {"A1": ("w1", "w1"), "A2": ("w1", "w1"), "B1": ("w1", None), "B2": ("w2", "w2"), "C1": ("w2", None)}
    assert serials(admin.get("/api/admin/shipments?worker=w2")) == ["B2", "C1"]


def test_shipments_as_csv_stream_every_row(depot):
    response = depot["admin"].get("/api/admin/shipments?limit=1", HTTP_ACCEPT="text/csv")
    rows = rows_of(response)
    assert len(rows) == 5 and response["Content-Disposition"] == 'attachment; filename="shipments.csv"'
    assert {r["serial_number"]: r["received_by"] for r in rows}["B1"] == ""


# --- activity -----------------------------------------------------------------------------------------
def test_reports_per_day(depot):
    body = depot["admin"].get("/api/admin/reports?date_from=2031-03-01&date_to=2031-03-12").json()
    series = {row["period"]: {k: v for k, v in row.items() if v and k != "period"} for row in body["series"]}
    assert series == {
        "2031-03-03": {"added": 6, "shipments": 5},
        "2031-03-05": {"returns": 2},
        "2031-03-06": {"returns": 1, "refills_sent": 1, "refills_received": 1},
        "2031-03-10": {"refills_sent": 1, "refills_received": 1, "trashed": 2},
    }
    assert body["refill_turnaround"] | {"by_station": None} == {
        "count": 2,
        "average_hours": 9.0,
        "min_hours": 6.0,
        "max_hours": 12.0,
        "by_station": None,
    }
    assert body["refill_turnaround"]["by_station"] == [{"station": "North Station", "count": 2, "average_hours": 9.0}]
    days = body["days_at_customer"]
    assert (days["count"], days["average_days"]) == (3, 2.33)
    assert [(c["sent_to"].lower(), c["count"], c["average_days"]) for c in days["by_customer"]] == [
        ("acme gas", 3, 2.33)
    ]
    workers = [(w["username"], w["total"], w["shipments"], w["returns"], w["refills_sent"]) for w in body["workers"]]
    assert workers == [("admin", 8, 0, 0, 0), ("w1", 7, 3, 2, 0), ("w2", 5, 2, 1, 2)]
    assert body["trashed_by_reason"] == [{"reason": "dented", "count": 1}, {"reason": "lost", "count": 1}]


def test_reports_per_week_start_on_monday(depot):
    body = depot["admin"].get("/api/admin/reports?period=week&date_from=2031-03-01&date_to=2031-03-12").json()
    series = {row["period"]: {k: v for k, v in row.items() if v and k != "period"} for row in body["series"]}
    assert series == {
        "2031-03-03": {"added": 6, "shipments": 5, "returns": 3, "refills_sent": 1, "refills_received": 1},
        "2031-03-10": {"refills_sent": 1, "refills_received": 1, "trashed": 2},
    }


def test_reports_default_to_the_last_30_days_and_a_range_narrows_them(depot):
    body = depot["admin"].get("/api/admin/reports").json()
    assert (body["date_from"], body["date_to"]) == ("2031-02-11", "2031-03-12")
    one_day = depot["admin"].get("/api/admin/reports?date_from=2031-03-06&date_to=2031-03-06").json()
    assert [row["period"] for row in one_day["series"]] == ["2031-03-06"]
    assert one_day["refill_turnaround"]["count"] == 1 and one_day["days_at_customer"]["count"] == 1


def test_reports_as_csv(depot):
    rows = rows_of(depot["admin"].get("/api/admin/reports?format=csv&date_from=2031-03-01&date_to=2031-03-12"))
    values = {(r["section"], r["key"], r["metric"]): r["value"] for r in rows}
    assert values[("per_day", "2031-03-03", "shipments")] == "5"
    assert values[("refill_turnaround", "all", "average_hours")] == "9.0"
    assert values[("workers", "w1", "total")] == "7"
    assert values[("trashed_by_reason", "lost", "count")] == "1"


@pytest.mark.parametrize(
    "query",
    [
        "period=month",
        "date_from=2031-03-10&date_to=2031-03-01",
        "date_from=2020-01-01&date_to=2031-01-01",
        "date_to=x",
    ],
)
def test_reports_reject_bad_ranges(admin_client, query):
    assert_problem(admin_client.get(f"/api/admin/reports?{query}"), 400, "VALIDATION_ERROR")


def test_csv_cells_cannot_smuggle_formulas(admin_user, worker):
    [cylinder] = services.cylinders_add(actor=admin_user, cylinders=[{"gas_type": "O2"}])
    services.cylinders_transition(
        actor=worker, action=Action.SHIP, qr_codes=[cylinder.qr_code], sent_to="=HYPERLINK(1)"
    )
    rows = rows_of(client_for(admin_user).get("/api/admin/shipments?format=csv"))
    assert rows[0]["sent_to"] == "'=HYPERLINK(1)"


REPORTS = ["/api/admin/shipments", "/api/admin/inventory", "/api/admin/reports"]


@pytest.mark.parametrize("path", REPORTS)
@pytest.mark.parametrize("suffix", ["", "/", "?format=csv"])
def test_reports_are_for_admins_only(path, suffix, worker_client, outsider_client, anon_client, admin_client):
    assert admin_client.get(path + suffix).status_code == 200
    assert_problem(worker_client.get(path + suffix), 403, "PERMISSION_DENIED")
    assert_problem(outsider_client.get(path + suffix), 403, "PERMISSION_DENIED")
    assert_problem(anon_client.get(path + suffix), 401, "NOT_AUTHENTICATED")


@pytest.mark.parametrize("path", REPORTS)
@pytest.mark.parametrize("query", ["format=AAA", "format=", "format=csv&format=json", "format=api"])
def test_an_unknown_format_is_a_400_naming_it(path, query, admin_client):
    body = assert_problem(admin_client.get(f"{path}?{query}"), 400, "VALIDATION_ERROR")
    assert list(body["errors"]) == ["format"]


@pytest.mark.parametrize("path", REPORTS)
def test_json_is_the_format_too(path, admin_client):
    response = admin_client.get(f"{path}?format=json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")


def test_shipments_as_csv_still_check_the_page_parameters(admin_client):
    assert_problem(admin_client.get("/api/admin/shipments?format=csv&limit=x"), 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("path", REPORTS)
def test_reports_answer_csv_to_an_accept_header(path, admin_client):
    response = admin_client.get(path, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
