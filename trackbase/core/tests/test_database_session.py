"""Every server connection ends a transaction left idle (a vanished worker's locks are freed)."""

import pytest
from django.db import connection

QUERIES = {
    "postgresql": ("SHOW idle_in_transaction_session_timeout", "5min"),
    "mysql": ("SELECT @@SESSION.idle_transaction_timeout", 300),
}


@pytest.mark.django_db
def test_the_server_ends_idle_transactions():
    if connection.vendor not in QUERIES:
        pytest.skip("SQLite is in-process: no connection can outlive its worker")
    query, expected = QUERIES[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(query)
        assert cursor.fetchone()[0] == expected


@pytest.mark.django_db
def test_postgresql_connections_send_keepalives():
    if connection.vendor != "postgresql":
        pytest.skip("keepalive options are libpq's")
    connection.ensure_connection()
    parameters = connection.connection.info.get_parameters()
    assert (parameters["keepalives"], parameters["keepalives_idle"]) == ("1", "30")
