"""Report exports: 202 at once, a task writes the CSV into file storage, the admin downloads it."""

import csv
import io

import pytest
from django.core.files.storage import default_storage

from trackbase.core.testing import assert_problem
from trackbase.cylinders import exports, services
from trackbase.cylinders.lifecycle import Action
from trackbase.cylinders.models import ExportStatus, ReportExport

pytestmark = pytest.mark.django_db


def export(client, body, capture):
    with capture(execute=True):
        response = client.post("/api/admin/exports", body, format="json")
    assert response.status_code == 202, response.content
    return response.json()


def download(client, export_id) -> list[dict]:
    response = client.get(f"/api/admin/exports/{export_id}/file")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_a_shipments_export_is_written_to_storage_and_downloaded(
    admin_client, admin_user, worker, add_cylinders, django_capture_on_commit_callbacks
):
    cylinders = add_cylinders(3)
    services.cylinders_transition(
        actor=worker, action=Action.SHIP, qr_codes=[c.qr_code for c in cylinders], sent_to="Acme"
    )
    queued = export(
        admin_client, {"report": "shipments", "params": {"sent_to": "acme"}}, django_capture_on_commit_callbacks
    )
    assert queued["status"] == "PENDING" and queued["requested_by"] == "admin"
    done = admin_client.get(f"/api/admin/exports/{queued['id']}").json()
    assert (done["status"], done["rows"]) == ("DONE", 3)
    assert done["file"].startswith("cylinders/exports/") and default_storage.exists(done["file"])
    rows = download(admin_client, queued["id"])
    assert sorted(r["serial_number"] for r in rows) == sorted(c.serial_number for c in cylinders)
    assert admin_client.get("/api/admin/exports").json()["total"] == 1


@pytest.mark.parametrize("report", ["inventory", "reports"])
def test_every_report_can_be_exported(report, admin_client, add_cylinders, django_capture_on_commit_callbacks):
    add_cylinders(2)
    queued = export(admin_client, {"report": report}, django_capture_on_commit_callbacks)
    assert admin_client.get(f"/api/admin/exports/{queued['id']}").json()["status"] == "DONE"
    assert download(admin_client, queued["id"])


def test_the_report_defaults_are_fixed_when_requested(admin_client, django_capture_on_commit_callbacks):
    queued = export(
        admin_client, {"report": "reports", "params": {"period": "week"}}, django_capture_on_commit_callbacks
    )
    assert set(queued["params"]) == {"period", "date_from", "date_to"}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"report": "everything"},
        {"report": "reports", "params": {"period": "month"}},
        {"report": "shipments", "params": []},
        {"report": "shipments", "params": {"sent_to": {"nested": "x"}}},
        {"report": "shipments", "params": {f"k{i}": "v" for i in range(11)}},
    ],
)
def test_it_rejects_bad_exports(admin_client, body):
    assert_problem(admin_client.post("/api/admin/exports", body, format="json"), 400, "VALIDATION_ERROR")
    assert not ReportExport.objects.exists()


def test_a_pending_export_has_no_file_yet(admin_client, admin_user):
    pending = ReportExport.objects.create(report="inventory", requested_by=admin_user)
    assert_problem(admin_client.get(f"/api/admin/exports/{pending.pk}/file"), 404, "EXPORT_NOT_READY")
    assert_problem(admin_client.get("/api/admin/exports/999999"), 404, "EXPORT_NOT_FOUND")


def test_a_failing_export_is_marked_failed_and_a_rerun_changes_nothing(admin_user, monkeypatch):
    pending = ReportExport.objects.create(report="inventory", requested_by=admin_user)

    def broken(params):
        raise RuntimeError("disk full")

    monkeypatch.setitem(exports.TABLES, "inventory", broken)
    assert exports.report_export_run(export_id=pending.pk).status == ExportStatus.FAILED
    pending.refresh_from_db()
    assert (pending.status, pending.error) == (ExportStatus.FAILED, "RuntimeError")
    monkeypatch.undo()
    assert exports.report_export_run(export_id=pending.pk).status == ExportStatus.FAILED


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/admin/exports"),
        ("get", "/api/admin/exports"),
        ("get", "/api/admin/exports/1"),
        ("get", "/api/admin/exports/1/file"),
    ],
)
def test_exports_are_for_admins_only(method, path, worker_client, outsider_client, anon_client):
    body = {"report": "inventory"}
    for client, status in [(worker_client, 403), (outsider_client, 403), (anon_client, 401)]:
        assert_problem(getattr(client, method)(path, body, format="json"), status)
