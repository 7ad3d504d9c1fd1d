"""Label sheets: a PDF per batch, 21 labels a page, kept in file storage."""

import base64
import re
import zlib

import pytest
from django.core.files.storage import default_storage

from trackbase.core.testing import assert_problem
from trackbase.cylinders import services
from trackbase.cylinders.lifecycle import Action

pytestmark = pytest.mark.django_db


def page_texts(pdf: bytes) -> str:
    """The (decompressed) content streams of a PDF, enough to find the text drawn on it."""
    streams = re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S)
    out = []
    for stream in streams:
        data = stream.strip()
        if data.endswith(b"~>"):  # reportlab wraps its Flate streams in ASCII85
            data = base64.a85decode(data[:-2])
        try:
            out.append(zlib.decompress(data))
        except zlib.error:
            out.append(data)
    return b"\n".join(out).decode("latin-1")


def test_a_sheet_has_one_label_per_cylinder_21_to_a_page(admin_client, add_cylinders):
    cylinders = add_cylinders(23, capacity="50.00")
    response = admin_client.post("/api/cylinders/labels", {"ids": [c.pk for c in cylinders]}, format="json")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 2
    text = page_texts(pdf)
    assert all(c.serial_number in text and c.qr_code in text for c in cylinders)
    stored = response["X-Stored-As"]
    assert stored.startswith("cylinders/labels/") and default_storage.open(stored).read() == pdf


def test_a_sheet_refuses_unknown_ids(worker_client, add_cylinders):
    [cylinder] = add_cylinders()
    body = assert_problem(
        worker_client.post("/api/cylinders/labels", {"ids": [cylinder.pk, 999999]}, format="json"),
        404,
        "CYLINDER_NOT_FOUND",
    )
    assert body["errors"] == {"ids": ["No cylinder 999999."]}


@pytest.mark.parametrize("body", [{}, {"ids": []}, {"ids": [0]}, {"ids": list(range(1, 502))}, {"ids": "1"}])
def test_a_sheet_rejects_bad_input(admin_client, body):
    assert_problem(admin_client.post("/api/cylinders/labels", body, format="json"), 400, "VALIDATION_ERROR")


def test_a_sheet_is_for_workers_and_admins_only(outsider_client, anon_client, add_cylinders):
    [cylinder] = add_cylinders()
    assert_problem(outsider_client.post("/api/cylinders/labels", {"ids": [cylinder.pk]}, format="json"), 403)
    assert_problem(anon_client.post("/api/cylinders/labels", {"ids": [cylinder.pk]}, format="json"), 401)


def test_a_sheet_refuses_trashed_cylinders_naming_each(admin_client, admin_user, add_cylinders):
    kept, trashed = add_cylinders(2)
    services.cylinders_transition(actor=admin_user, action=Action.TRASH, qr_codes=[trashed.qr_code], reason="dented")
    response = admin_client.post("/api/cylinders/labels", {"ids": [kept.pk, trashed.pk]}, format="json")
    body = assert_problem(response, 409, "CYLINDER_TRASHED")
    assert body["errors"] == {"ids": [f"Cylinder {trashed.pk} ({trashed.serial_number}) is TRASHED."]}
    assert admin_client.post("/api/cylinders/labels", {"ids": [kept.pk]}, format="json").status_code == 200
