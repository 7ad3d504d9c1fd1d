"""The import job: checked and stored on upload, run by a task, reporting progress and per-row errors."""

import functools
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from itertools import islice

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.db.models.constants import OnConflict
from django.utils import timezone

from trackbase.core.errors import DomainError, NotFound
from trackbase.travel.imports import formats, journeys
from trackbase.travel.models import Country, ImportJob, ImportStatus, Transport, TravelSegment

PROGRESS_EVERY = 5000  # rows read between two progress writes
SAVE_BATCH = 1000  # flights per duplicate query and INSERT


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


def import_job_purge_finished() -> int:
    """Delete import jobs that ended more than TRAVEL_IMPORT_JOB_RETENTION_DAYS ago (their status is no
    longer asked for); pending and running ones stay. Returns how many went."""
    ended_before = timezone.now() - timedelta(days=settings.TRAVEL_IMPORT_JOB_RETENTION_DAYS)
    finished = ImportJob.objects.filter(status__in=[ImportStatus.SUCCESS, ImportStatus.FAILURE])
    deleted, _ = finished.filter(updated_at__lt=ended_before).delete()
    return deleted


def import_job_get(*, user, job_id) -> ImportJob:
    job = ImportJob.objects.filter(user=user, pk=job_id).first()
    if job is None:
        raise ImportNotFound()
    return job


def _read(job: ImportJob) -> tuple[list[journeys.Flight], list[dict]]:
    kind, rows = formats.reader(job.content)
    countries = set(Country.objects.values_list("iso_code", flat=True))
    flights, errors = [], []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        parsed = formats.parse_row(kind, number, row)
        if isinstance(parsed, formats.RawFlight):
            parsed = journeys.to_flight(parsed)
        if isinstance(parsed, journeys.Flight) and not (
            parsed.origin.country in countries and parsed.destination.country in countries
        ):
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


class _Adapted(dict):
    """Python value -> database value, each distinct value adapted once (a history repeats its days and times)."""

    def __init__(self, adapt):
        super().__init__()
        self.adapt = adapt

    def __missing__(self, value):
        self[value] = adapted = self.adapt(value)
        return adapted


COPY_NULL = "\\N"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: str) -> str:
    """A string as a field of PostgreSQL's COPY text format (backslash, tab and line ends escaped)."""
    return value.translate(_COPY_ESCAPES)


def _copy_time(value) -> str:
    return COPY_NULL if value is None else value.isoformat()


class _SegmentRows:
    """New segments as INSERT parameter tuples, in INSERT_FIELDS order: no model instance per row. On
    PostgreSQL every value is already COPY text (one joined line per row, no per-value adaptation in
    psycopg); elsewhere the values the connection's executemany takes."""

    def __init__(self, user_id: int):
        now = timezone.now()
        if connection.vendor == "postgresql":
            self.user_id, self.version, self.flags = str(user_id), "1", ("f", "t")
            self.days, self.times = _Adapted(date.isoformat), _Adapted(_copy_time)
            self.text, self.now = _Adapted(copy_text), now.isoformat()
            self.flight_number = copy_text
        else:
            ops = connection.ops
            self.user_id, self.version, self.flags = user_id, 1, (False, True)
            self.days = _Adapted(ops.adapt_datefield_value)
            self.times = _Adapted(ops.adapt_timefield_value)
            self.text, self.now = _Adapted(str), ops.adapt_datetimefield_value(now)
            self.flight_number = str
        self.transport = self.text[Transport.FLIGHT.value]

    def row(self, key: str, flight: journeys.Flight) -> tuple:
        origin, destination, days, times, text = flight.origin, flight.destination, self.days, self.times, self.text
        return (
            self.user_id,
            text[origin.country],
            text[destination.country],
            days[flight.departure_date],
            days[flight.arrival_date],
            times[flight.departure_time],
            times[flight.arrival_time],
            text[origin.tz],
            text[destination.tz],
            self.transport,
            text[destination.iata or destination.key],
            "",
            "",
            self.flags[flight.transit],
            self.flight_number(flight.flight_number),
            key,
            self.version,
            self.now,
            self.now,
        )


# Every TravelSegment column but the id, in _SegmentRows.row's order (a test checks none is missing).
INSERT_FIELDS = (
    "user",
    "departure_country",
    "arrival_country",
    "departure_date",
    "arrival_date",
    "departure_time",
    "arrival_time",
    "departure_timezone",
    "arrival_timezone",
    "mode_of_transport",
    "entry_point",
    "purpose",
    "notes",
    "transit",
    "flight_number",
    "import_key",
    "version",
    "created_at",
    "updated_at",
)


@functools.cache
def _insert_sql(vendor: str) -> str:
    ops, meta = connection.ops, TravelSegment._meta
    columns = ", ".join(ops.quote_name(meta.get_field(name).column) for name in INSERT_FIELDS)
    values = ", ".join(["%s"] * len(INSERT_FIELDS))
    # A concurrent import of the same file may insert a key between our check and this INSERT: skip it.
    suffix = ops.on_conflict_suffix_sql(None, OnConflict.IGNORE, None, None)
    statement = ops.insert_statement(on_conflict=OnConflict.IGNORE)
    return f"{statement} {ops.quote_name(meta.db_table)} ({columns}) VALUES ({values}) {suffix}".rstrip()


def _insert(rows: list[tuple]) -> None:
    """One statement per batch: COPY on PostgreSQL; elsewhere executemany, which mysqlclient sends as one
    multi-row INSERT and sqlite3 runs as one prepared statement. The ORM's bulk_create costs more per row in
    Python (a model and 19 field preparations) than the database does."""
    if connection.vendor == "postgresql":
        _copy(rows)
        return
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_insert_sql(connection.vendor), rows)


COPY_TABLE = "travel_import_rows"


def _copy(rows: list[tuple]) -> None:
    """COPY the batch into a temporary table, then INSERT ... SELECT it with the same conflict rule: psycopg
    parses a multi-row INSERT's 19,000 placeholders in Python, while COPY streams the rows in C."""
    ops, meta = connection.ops, TravelSegment._meta
    # Identifiers only, from the model's own metadata: nothing from the file reaches the SQL text.
    columns = ", ".join(ops.quote_name(meta.get_field(name).column) for name in INSERT_FIELDS)
    table = ops.quote_name(meta.db_table)
    create = f"CREATE TEMPORARY TABLE IF NOT EXISTS {COPY_TABLE} ON COMMIT DROP AS SELECT {columns} FROM {table}"  # noqa: S608
    move = f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {COPY_TABLE} ON CONFLICT DO NOTHING"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"{create} WITH NO DATA")
        with cursor.cursor.copy(f"COPY {COPY_TABLE} ({columns}) FROM STDIN") as copy:
            # The values are COPY text already (_SegmentRows): one buffer, no write_row per row.
            copy.write("".join(["\t".join(row) + "\n" for row in rows]))
        cursor.execute(move)
        cursor.execute(f"TRUNCATE {COPY_TABLE}")


def _existing_keys(user, keys: list[str]) -> set[str]:
    """The keys the user has imported before. Raw SQL: the ORM's IN lookup prepares each of the 1,000 keys
    in Python, and psycopg then parses the 1,000 placeholders. PostgreSQL takes them as one comma-separated
    string (hex digests, no comma in them), which psycopg sends as it is, not element by element as a list."""
    if not keys:
        return set()
    vendor = connection.vendor
    params = [user.pk, ",".join(keys)] if vendor == "postgresql" else [user.pk, *keys]
    with connection.cursor() as cursor:
        cursor.execute(_existing_keys_sql(vendor, len(keys)), params)
        return {key for (key,) in cursor.fetchall()}


@functools.cache
def _existing_keys_sql(vendor: str, count: int) -> str:
    ops, meta = connection.ops, TravelSegment._meta
    key, user = (ops.quote_name(meta.get_field(name).column) for name in ("import_key", "user"))
    keys = "= ANY(string_to_array(%s, ','))" if vendor == "postgresql" else f"IN ({', '.join(['%s'] * count)})"
    # The partial unique index's condition in its migration's words: without it neither PostgreSQL nor SQLite
    # proves that a long key list implies it, and they read every segment of the user instead; SQLite matches
    # the condition's form (`<> ''` reads them all again: 3 ms against 9-14 ms per 1,000 keys).
    table = ops.quote_name(meta.db_table)
    return f"SELECT {key} FROM {table} WHERE {user} = %s AND {key} {keys} AND NOT ({key} = '')"  # noqa: S608


def _batches(items: Iterable, size: int) -> Iterator[list]:
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch


def _save(user, flights: list[journeys.Flight]) -> tuple[int, int]:
    """Insert the flights not imported before, SAVE_BATCH at a time: per batch one duplicate query, one
    INSERT and at most one UPDATE (connections), whatever the file's length."""
    from trackbase.travel.services import after_segments_changed

    unique: dict[str, journeys.Flight] = {}
    for flight in flights:
        unique.setdefault(flight.import_key, flight)
    created = existing = 0
    rows = _SegmentRows(user.pk)
    with transaction.atomic():
        for batch in _batches(unique.items(), SAVE_BATCH):
            known = _existing_keys(user, [key for key, _ in batch])
            new = [rows.row(key, flight) for key, flight in batch if key not in known]
            _insert(new)
            _mark_new_connections(user, [key for key in known if unique[key].transit])
            created, existing = created + len(new), existing + len(known)
        after_segments_changed(user.pk, "imported")
    return created, len(flights) - len(unique) + existing


def _mark_new_connections(user, keys: list[str]) -> None:
    """A flight imported before its connecting flight becomes a transit arrival once the connection is
    known (an overlapping file); a file without the connection never unmarks one."""
    if keys:
        rows = TravelSegment.objects.filter(user=user, import_key__in=keys, transit=False).exclude(import_key="")
        rows.update(transit=True, version=F("version") + 1, updated_at=timezone.now())
