"""The import job: checked and stored on upload, run by a task, reporting progress and per-row errors."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from trackbase.core.errors import DomainError, NotFound
from trackbase.travel.imports import formats, journeys
from trackbase.travel.models import Country, ImportJob, ImportStatus, Transport, TravelSegment

PROGRESS_EVERY = 500


class NotCsvFile(DomainError):
    code, detail = "NOT_CSV", "The file is not a CSV flight history we can read."


class FileTooLarge(DomainError):
    status, code, detail = 413, "FILE_TOO_LARGE", "The file is too large."


class TooManyRows(DomainError):
    status, code = 413, "TOO_MANY_ROWS"


class ImportNotFound(NotFound):
    code, detail = "IMPORT_NOT_FOUND", "No such import."


def max_bytes() -> int:
    return settings.TRAVEL_IMPORT_MAX_BYTES


def import_job_create(*, user, data: bytes) -> ImportJob:
    """Check an upload (size, encoding, header, row count) and store it as a pending job."""
    if len(data) > settings.TRAVEL_IMPORT_MAX_BYTES:
        raise FileTooLarge(f"The file is larger than {settings.TRAVEL_IMPORT_MAX_BYTES} bytes.")
    try:
        text = formats.decode(data)
        formats.reader(text)
    except formats.NotCsv as exc:
        raise NotCsvFile(str(exc)) from None
    rows = max(0, len(text.splitlines()) - 1)
    if rows > settings.TRAVEL_IMPORT_MAX_ROWS:
        raise TooManyRows(f"At most {settings.TRAVEL_IMPORT_MAX_ROWS} rows per file.")
    job = ImportJob.objects.create(user=user, content=text, rows_total=rows)
    from trackbase.travel.tasks import import_csv

    transaction.on_commit(lambda: import_csv.enqueue(job_id=str(job.pk)))
    return job


def import_job_get(*, user, job_id) -> ImportJob:
    job = ImportJob.objects.filter(user=user, pk=job_id).first()
    if job is None:
        raise ImportNotFound()
    return job


def _segment(user, flight: journeys.Flight) -> TravelSegment:
    return TravelSegment(
        user=user,
        departure_country_id=flight.origin.country,
        arrival_country_id=flight.destination.country,
        departure_date=flight.departure_date,
        arrival_date=flight.arrival_date,
        departure_time=flight.departure_time,
        arrival_time=flight.arrival_time,
        departure_timezone=flight.origin.tz,
        arrival_timezone=flight.destination.tz,
        mode_of_transport=Transport.FLIGHT,
        entry_point=flight.destination.iata or flight.destination.key,
        flight_number=flight.flight_number,
        transit=flight.transit,
        import_key=flight.import_key,
    )


def _read(job: ImportJob) -> tuple[list[journeys.Flight], list[dict]]:
    kind, rows = formats.reader(job.content)
    countries = set(Country.objects.values_list("iso_code", flat=True))
    flights, errors = [], []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        parsed = formats.parse_row(kind, number, row)
        if isinstance(parsed, formats.RawFlight):
            parsed = journeys.to_flight(parsed)
        if isinstance(parsed, journeys.Flight) and not {parsed.origin.country, parsed.destination.country} <= countries:
            parsed = formats.RowError(number, "The airport's country is not an ISO 3166-1 country.")
        if isinstance(parsed, formats.RowError):
            errors.append({"row": parsed.row, "message": parsed.message})
        else:
            flights.append(parsed)
        if number % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job.pk).update(rows_done=number - 1)
    return flights, errors


def import_job_run(*, job_id) -> None:
    """Run a pending import: create the new segments, count duplicates, record per-row errors."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(status=ImportStatus.STARTED)
    if not claimed:
        return  # already run (a retried task) or unknown
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    try:
        flights, errors = _read(job)
        layover = timedelta(hours=settings.TRAVEL_LAYOVER_HOURS)
        flights = journeys.mark_layovers(flights, layover=layover)
        created, duplicates = _save(job.user, flights)
    except Exception as exc:
        failure = {
            "created": 0,
            "duplicates": 0,
            "errors": [{"row": 0, "message": f"Import failed: {type(exc).__name__}"}],
        }
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILURE, content="", result=failure)
        raise
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.SUCCESS,
        content="",
        rows_done=job.rows_total,
        result={"created": created, "duplicates": duplicates, "errors": errors},
    )


def _save(user, flights: list[journeys.Flight]) -> tuple[int, int]:
    from trackbase.travel.services import after_segments_changed

    unique: dict[str, journeys.Flight] = {}
    for flight in flights:
        unique.setdefault(flight.import_key, flight)
    in_file_duplicates = len(flights) - len(unique)
    with transaction.atomic():
        keys, existing = list(unique), set()
        for start in range(0, len(keys), 1000):
            chunk = keys[start : start + 1000]
            rows = TravelSegment.objects.filter(user=user, import_key__in=chunk).values_list("import_key", flat=True)
            existing.update(rows)
        new = [_segment(user, f) for key, f in unique.items() if key not in existing]
        TravelSegment.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        _mark_new_connections(user, [key for key in existing if unique[key].transit])
        after_segments_changed(user.pk, "imported")
    return len(new), in_file_duplicates + len(existing)


def _mark_new_connections(user, keys: list[str]) -> None:
    """A flight imported before its connecting flight becomes a transit arrival once the connection is
    known (an overlapping file); a file without the connection never unmarks one."""
    for start in range(0, len(keys), 1000):
        rows = TravelSegment.objects.filter(user=user, import_key__in=keys[start : start + 1000], transit=False)
        rows.update(transit=True, version=F("version") + 1, updated_at=timezone.now())
