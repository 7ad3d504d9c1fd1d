"""MariaDB/MySQL: the C driver (mysqlclient, the `mysql` extra) when installed, PyMySQL otherwise or on request."""

import importlib.metadata
import os
import subprocess
import sys

import pytest

PROBE = "import django; django.setup(); import MySQLdb; print(MySQLdb.__name__)"


def _installed(distribution: str) -> bool:
    # Not find_spec("MySQLdb"): on MariaDB runs the settings install PyMySQL under that name in this process.
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


HAS_MYSQLCLIENT = _installed("mysqlclient")


def _driver_module(tmp_path, driver: str) -> subprocess.CompletedProcess:
    # Settings only configure the driver; nothing connects, so no server is needed.
    env = {
        **os.environ,
        "DATABASE_URL": "mysql://nobody@127.0.0.1:1/none",
        "SECRET_KEY": "k" * 48,
        "DATA_DIR": str(tmp_path),
        "MYSQL_DRIVER": driver,
    }
    env.pop("ANALYTICS_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)


def test_it_uses_pymysql_on_request(tmp_path):
    assert _driver_module(tmp_path, "pymysql").stdout.strip() == "pymysql"


def test_it_prefers_mysqlclient_when_installed(tmp_path):
    assert _driver_module(tmp_path, "auto").stdout.strip() == ("MySQLdb" if HAS_MYSQLCLIENT else "pymysql")


@pytest.mark.skipif(HAS_MYSQLCLIENT, reason="mysqlclient is installed here")
def test_it_refuses_to_start_when_mysqlclient_is_required_but_missing(tmp_path):
    done = _driver_module(tmp_path, "mysqlclient")
    assert done.returncode != 0 and "pip install -e .[mysql]" in done.stderr


def test_psycopg_runs_its_c_implementation():
    import psycopg

    assert psycopg.pq.__impl__ in {"binary", "c"}
