from datetime import date, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from trackbase.core.testing import assert_problem
from trackbase.travel.models import ImportJob, TravelSegment

pytestmark = pytest.mark.django_db
UPLOAD = "/api/travel-segments/import/csv/"
STATUS = "/api/travel-segments/import/status/{}/"

GENERIC = """date,from,to,departure_time,arrival_time,flight_number
2031-01-10,JFK,FRA,18:00,07:30,LH401
2031-01-20,FRA,JFK,10:00,12:45,LH400
2031-01-25,XXX,FRA,,,
2031-13-01,JFK,FRA,,,
"""

FR24_HEADER = (
    "Date,Flight number,From,To,Dep time,Arr time,Duration,Airline,Aircraft,Registration,Seat number,"
    "Seat type,Flight class,Flight reason,Note,Dep_id,Arr_id,Airline_id,Aircraft_id\n"
)
# New York -> Frankfurt -> London, connecting airside at FRA the next morning; then London -> Paris.
FR24 = FR24_HEADER + (
    "2031-02-01,LH401,New York / John F. Kennedy International (JFK/KJFK),"
    '"Frankfurt / Frankfurt International (FRA/EDDF)",18:00:00,07:30:00,07:30:00,,,,,,,,,,,,\n'
    "2031-02-02,LH920,Frankfurt / Frankfurt International (FRA/EDDF),"
    "London / Heathrow (LHR/EGLL),09:30:00,10:15:00,01:45:00,,,,,,,,,,,,\n"
    "2031-02-20,AF1081,London / Heathrow (LHR/EGLL),Paris / Charles de Gaulle (CDG/LFPG),"
    "08:00:00,10:15:00,01:15:00,,,,,,,,,,,,\n"
)


def upload(client, text: str, encoding="utf-8", name="flights.csv"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data, content_type="text/csv")}, format="multipart")


def run(client, text, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, text, **kwargs)
    assert response.status_code == 202, response.content
    return client.get(STATUS.format(response.json()["task_id"])).json()


def test_a_generic_file_imports_with_per_row_errors(owner, owner_client, django_capture_on_commit_callbacks):
    status = run(owner_client, GENERIC, django_capture_on_commit_callbacks)
    assert status["status"] == "SUCCESS"
    assert status["progress"] == {"rows_done": 4, "rows_total": 4}
    assert status["result"]["created"] == 2 and status["result"]["duplicates"] == 0
    assert [e["row"] for e in status["result"]["errors"]] == [4, 5]
    assert "Unknown airport XXX" in status["result"]["errors"][0]["message"]
    inbound = TravelSegment.objects.get(user=owner, flight_number="LH401")
    assert (inbound.departure_country_id, inbound.arrival_country_id) == ("US", "DE")
    assert (inbound.departure_date, inbound.arrival_date) == (date(2031, 1, 10), date(2031, 1, 11))
    assert inbound.arrival_timezone == "Europe/Berlin"


def test_reimporting_the_same_file_creates_no_duplicates(owner, owner_client, django_capture_on_commit_callbacks):
    run(owner_client, GENERIC, django_capture_on_commit_callbacks)
    again = run(owner_client, GENERIC, django_capture_on_commit_callbacks)
    assert again["result"]["created"] == 0 and again["result"]["duplicates"] == 2
    assert TravelSegment.objects.filter(user=owner).count() == 2


def test_a_flightradar24_export_with_an_airside_layover(owner, owner_client, django_capture_on_commit_callbacks):
    status = run(owner_client, FR24, django_capture_on_commit_callbacks)
    assert status["result"] == {"created": 3, "duplicates": 0, "errors": []}
    inbound = TravelSegment.objects.get(user=owner, flight_number="LH401")
    assert inbound.transit is True and inbound.arrival_date == date(2031, 2, 2)
    assert not TravelSegment.objects.get(user=owner, flight_number="LH920").transit
    # US -> FRA (airside) -> GB: no Schengen day until Paris on 20 February.
    data = owner_client.get("/api/calculations/schengen/", {"date": "2031-02-19"}).json()
    assert data["days_used"] == 0
    days = owner_client.get("/api/calculations/days/", {"from": "2031-02-01", "to": "2031-02-03"}).json()["days"]
    assert [d["countries"] for d in days] == [["US"], ["GB"], ["GB"]]


def test_an_overlapping_file_in_another_encoding_adds_only_new_flights(
    owner, owner_client, django_capture_on_commit_callbacks
):
    run(owner_client, FR24, django_capture_on_commit_callbacks)
    latin = FR24.replace("Paris / Charles", "Paris / Aéroport Charles")
    status = run(owner_client, latin, django_capture_on_commit_callbacks, encoding="latin-1")
    assert status["result"]["created"] == 0 and status["result"]["duplicates"] == 3
    bom = run(owner_client, "\ufeff" + GENERIC, django_capture_on_commit_callbacks)
    assert bom["result"]["created"] == 2


def test_a_later_file_with_the_connecting_flight_marks_the_earlier_arrival_as_transit(
    owner, owner_client, django_capture_on_commit_callbacks
):
    first_leg = "".join(FR24.splitlines(keepends=True)[:2])
    run(owner_client, first_leg, django_capture_on_commit_callbacks)
    assert TravelSegment.objects.get(user=owner, flight_number="LH401").transit is False
    status = run(owner_client, FR24, django_capture_on_commit_callbacks)
    assert (status["result"]["created"], status["result"]["duplicates"]) == (2, 1)
    inbound = TravelSegment.objects.get(user=owner, flight_number="LH401")
    assert (inbound.transit, inbound.version) == (True, 2)


def test_it_rejects_what_is_not_a_csv_flight_history(owner_client):
    assert_problem(upload(owner_client, b"\x89PNG\x00\x00binary"), 400, "NOT_CSV")
    assert_problem(upload(owner_client, "name,age\nbob,3\n"), 400, "NOT_CSV")
    assert_problem(owner_client.post(UPLOAD, {}, format="multipart"), 400, "VALIDATION_ERROR")


def test_it_rejects_files_over_the_limits(owner_client, settings):
    settings.TRAVEL_IMPORT_MAX_BYTES = 100
    assert_problem(upload(owner_client, GENERIC * 3), 413, "FILE_TOO_LARGE")
    settings.TRAVEL_IMPORT_MAX_BYTES = 10_000
    settings.TRAVEL_IMPORT_MAX_ROWS = 2
    assert_problem(upload(owner_client, GENERIC), 413, "TOO_MANY_ROWS")


def test_an_outsider_cannot_see_my_import(owner_client, outsider_client, anon_client):
    task_id = upload(owner_client, GENERIC).json()["task_id"]
    assert_problem(outsider_client.get(STATUS.format(task_id)), 404, "IMPORT_NOT_FOUND")
    assert_problem(anon_client.get(STATUS.format(task_id)), 401)
    assert_problem(anon_client.post(UPLOAD, {}, format="multipart"), 401)
    assert owner_client.get(STATUS.format(task_id)).json()["status"] == "PENDING"


def test_the_database_task_backend_runs_the_import(
    owner, owner_client, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker closes connections between tasks; inside a test transaction that would end the test's.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        task_id = upload(owner_client, GENERIC).json()["task_id"]
    assert ImportJob.objects.get(pk=task_id).status == "PENDING"
    call_command("db_worker", batch=True, verbosity=0)
    status = owner_client.get(STATUS.format(task_id)).json()
    assert status["status"] == "SUCCESS" and status["result"]["created"] == 2


def test_the_rq_backend_runs_the_import(owner, owner_client, settings, django_capture_on_commit_callbacks):
    """The Redis legs of CI (REDIS_URL set): enqueued on RQ, run by an in-process burst worker."""
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL)")
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        task_id = upload(owner_client, GENERIC).json()["task_id"]
    assert owner_client.get(STATUS.format(task_id)).json()["status"] == "PENDING"
    queue = django_rq.get_queue("default", job_class=Job)
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    status = owner_client.get(STATUS.format(task_id)).json()
    assert status["status"] == "SUCCESS" and status["result"]["created"] == 2


def test_a_retried_upload_with_the_same_idempotency_key_starts_one_import(owner, owner_client):
    first = owner_client.post(
        UPLOAD, {"file": SimpleUploadedFile("f.csv", GENERIC.encode())}, format="multipart", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    retry = owner_client.post(
        UPLOAD, {"file": SimpleUploadedFile("f.csv", GENERIC.encode())}, format="multipart", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == retry.status_code == 202
    assert first.json() == retry.json()
    assert ImportJob.objects.filter(user=owner).count() == 1


def many_flights(count: int) -> str:
    lines = ["date,from,to,departure_time,flight_number"]
    lines += [f"2030-{1 + n % 12:02d}-{1 + n % 28:02d},FRA,JFK,{n % 24:02d}:{n % 60:02d},XB{n}" for n in range(count)]
    return "\n".join(lines) + "\n"


def test_a_large_import_and_its_reimport_cost_queries_per_batch_not_per_row(
    owner, owner_client, django_capture_on_commit_callbacks, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from trackbase.travel.imports import service

    text = many_flights(2 * service.SAVE_BATCH + 10)  # three batches
    for expected_created in (2 * service.SAVE_BATCH + 10, 0):
        with CaptureQueriesContext(connection) as queries:
            status = run(owner_client, text, django_capture_on_commit_callbacks)
        assert status["result"]["created"] == expected_created
        assert status["result"]["duplicates"] == 2 * service.SAVE_BATCH + 10 - expected_created
        assert len(queries) < 60, [q["sql"][:80] for q in queries]
    assert TravelSegment.objects.filter(user=owner).count() == 2 * service.SAVE_BATCH + 10


def test_the_bulk_insert_writes_every_segment_column():
    from trackbase.travel.imports.service import INSERT_FIELDS

    columns = {field.name for field in TravelSegment._meta.concrete_fields} - {"id"}
    assert set(INSERT_FIELDS) == columns and len(INSERT_FIELDS) == len(columns)


def test_values_with_copy_format_characters_are_stored_exactly(owner, owner_client, django_capture_on_commit_callbacks):
    # PostgreSQL's COPY text format gives backslash, tab and line ends a meaning: the file's are escaped.
    text = 'date,from,to,departure_time,flight_number\n2031-01-10,JFK,FRA,18:05,"L\\\\N\t7\r\n"\n'
    status = run(owner_client, text, django_capture_on_commit_callbacks)
    assert status["result"] == {"created": 1, "duplicates": 0, "errors": []}
    segment = TravelSegment.objects.get(user=owner)
    assert segment.flight_number == "L\\\\N\t7"
    assert (segment.departure_time, segment.arrival_time) == (time(18, 5), None)
    assert segment.created_at == segment.updated_at and segment.version == 1 and segment.entry_point == "FRA"
