"""Admin reports exported to file storage (local or S3) as CSV by a background task.

A live CSV answer streams to the admin's browser; an export is for the report that should be kept or
handed on, and for one too large to wait for: the request answers 202 at once, a task writes the file,
and the admin downloads it when the export says DONE."""

import csv
import io
import logging
import tempfile
from datetime import date

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from trackbase.core.errors import NotFound
from trackbase.cylinders.csv_export import safe_cell
from trackbase.cylinders.models import ExportStatus, ReportExport
from trackbase.cylinders.report_inputs import ActivityFilter, InventoryFilter, ShipmentFilter
from trackbase.cylinders.report_tables import TABLES

logger = logging.getLogger(__name__)

EXPORTS_DIR = "cylinders/exports"
FILTERS = {"shipments": ShipmentFilter, "inventory": InventoryFilter, "reports": ActivityFilter}


class ExportNotFound(NotFound):
    code, detail = "EXPORT_NOT_FOUND", "No such export."


class ExportNotReady(NotFound):
    code, detail = "EXPORT_NOT_READY", "This export has no file (yet): see its status."


def report_export_request(*, actor, report: str, params: dict) -> ReportExport:
    """Record an export of `report` with already-validated `params`, and queue its task after commit."""
    stored = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
    with transaction.atomic():
        export = ReportExport.objects.create(report=report, params=stored, requested_by=actor)
        transaction.on_commit(lambda: _enqueue(export.pk))
    return export


def _enqueue(export_id: int) -> None:
    from trackbase.cylinders.tasks import export_report

    export_report.enqueue(export_id=export_id)


def report_export_run(*, export_id: int) -> ReportExport:
    """Write the export's CSV to storage. Idempotent: a finished export is left as it is."""
    export = ReportExport.objects.get(pk=export_id)
    if export.status != ExportStatus.PENDING:
        return export
    try:
        params = _revalidate(export)
        name, rows = _write(export, params)
    except Exception as exc:
        logger.exception("cylinder report export failed", extra={"export_id": export_id})
        _finish(export, status=ExportStatus.FAILED, error=f"{type(exc).__name__}"[:255])
    else:
        _finish(export, status=ExportStatus.DONE, file=name, rows=rows)
    return export


def _revalidate(export: ReportExport) -> dict:
    serializer = FILTERS[export.report](data=export.params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _write(export: ReportExport, params: dict) -> tuple[str, int]:
    filename, header, rows = TABLES[export.report](params)
    count = 0
    # Spooled: a small report stays in memory, a large one goes to a temporary file, never all in RAM.
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b") as buffer:
        text = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(header)
        for row in rows:
            writer.writerow([safe_cell(cell) for cell in row])
            count += 1
        text.flush()
        text.detach()
        buffer.seek(0)
        stem = filename.removesuffix(".csv")
        name = default_storage.save(f"{EXPORTS_DIR}/{timezone.now():%Y/%m/%d}/{stem}-{export.pk}.csv", File(buffer))
    return name, count


def _finish(export: ReportExport, **fields) -> None:
    fields["finished_at"] = timezone.now()
    ReportExport.objects.filter(pk=export.pk).update(**fields)
    for name, value in fields.items():
        setattr(export, name, value)


def report_export_get(*, export_id: int) -> ReportExport:
    export = ReportExport.objects.filter(pk=export_id).first()
    if export is None:
        raise ExportNotFound()
    return export


def report_export_open(*, export_id: int):
    """(file object, download name) of a finished export."""
    export = report_export_get(export_id=export_id)
    if export.status != ExportStatus.DONE or not export.file:
        raise ExportNotReady()
    return default_storage.open(export.file, "rb"), export.file.rsplit("/", 1)[-1]
