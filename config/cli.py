"""`manage.py`'s entry point: a misconfigured environment or an unmigrated database ends with a sentence
that says what to do, not a traceback (`--traceback` still shows one)."""

import sys

from django.core.exceptions import ImproperlyConfigured
from django.db.utils import OperationalError, ProgrammingError

# How each backend says a table is missing: SQLite, PostgreSQL, MariaDB/MySQL.
MISSING_TABLE_MARKERS = ("no such table", "does not exist", "doesn't exist")


def main(argv: list[str]) -> None:
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        if "--traceback" in argv:
            raise
        sys.exit(f"Configuration error: {exc}")
    except (OperationalError, ProgrammingError) as exc:
        if "--traceback" in argv or not any(marker in str(exc) for marker in MISSING_TABLE_MARKERS):
            raise
        sys.exit(missing_tables_message(exc))


def missing_tables_message(exc: Exception) -> str:
    from django.conf import settings

    database = settings.DATABASES["default"]
    where = f"DATA_DIR={settings.DATA_DIR}" if settings.EMBEDDED else f"DATABASE_URL (database {database['NAME']})"
    return (
        f"The database has no trackbase tables yet ({exc}). Using {where}.\n"
        "Migrate it first: `make run` does that (or run `.venv/bin/python manage.py migrate` and "
        "`.venv/bin/python manage.py migrate analytics --database analytics`). If `make run` already has your "
        "data, run this command with the same DATA_DIR / DATABASE_URL as `make run`."
    )
