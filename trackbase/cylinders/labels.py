"""Printable label sheets (PDF, reportlab): one label per cylinder, QR code and serial number.

A4 sheets of 3 x 7 labels of 63.5 x 38.1 mm (the common L7160 layout). The QR code is drawn as vector
squares from segno's matrix, so it prints sharp at any printer resolution."""

import io
import uuid

import segno
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

LABELS_DIR = "cylinders/labels"
COLUMNS, ROWS = 3, 7
LABEL_W, LABEL_H = 63.5 * mm, 38.1 * mm
PITCH_X = 66.0 * mm
MARGIN_LEFT, MARGIN_TOP = 7.2 * mm, 15.1 * mm
QR_SIZE = 32 * mm
PER_PAGE = COLUMNS * ROWS


def _draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    matrix = [list(row) for row in segno.make_qr(payload, error="m").matrix_iter(border=2)]
    module = size / len(matrix)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                path.rect(x + c * module, y + size - (r + 1) * module, module, module)
    canvas.drawPath(path, stroke=0, fill=1)


def _draw_label(canvas: Canvas, cylinder, x: float, y: float) -> None:
    pad = (LABEL_H - QR_SIZE) / 2
    _draw_qr(canvas, cylinder.qr_code, x + pad, y + pad, QR_SIZE)
    text_x = x + QR_SIZE + 2 * pad
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(text_x, y + LABEL_H - 10 * mm, cylinder.serial_number)
    canvas.setFont("Helvetica", 9)
    canvas.drawString(text_x, y + LABEL_H - 15 * mm, cylinder.gas_type)
    if cylinder.capacity is not None:
        canvas.drawString(text_x, y + LABEL_H - 19.5 * mm, f"{cylinder.capacity} L")
    canvas.setFont("Helvetica", 5)
    canvas.drawString(text_x, y + pad + 1 * mm, cylinder.qr_code)


def label_sheet(cylinders) -> bytes:
    """The PDF for `cylinders`, in the order given, 21 to a page."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setTitle("Cylinder labels")
    page_height = A4[1]
    for index, cylinder in enumerate(cylinders):
        slot = index % PER_PAGE
        if index and slot == 0:
            canvas.showPage()
        row, column = divmod(slot, COLUMNS)
        x = MARGIN_LEFT + column * PITCH_X
        y = page_height - MARGIN_TOP - (row + 1) * LABEL_H
        _draw_label(canvas, cylinder, x, y)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def label_sheet_store(cylinders) -> tuple[str, bytes]:
    """Render the sheet and keep it in file storage; -> (storage name, PDF bytes)."""
    content = label_sheet(cylinders)
    name = f"{LABELS_DIR}/{timezone.now():%Y/%m/%d}/labels-{uuid.uuid4().hex}.pdf"
    return default_storage.save(name, ContentFile(content)), content
