"""`manage.py` with a wrong DATA_DIR: a sentence that says what to do, never a raw traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "ANALYTICS_DATABASE_URL", "REDIS_URL", "TASK_BACKEND"}
    }
    env["DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("where", ["a file", "inside a file"])
def test_it_says_what_to_do_when_data_dir_is_not_a_folder(tmp_path, where):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    data_dir = a_file if where == "a file" else a_file / "data"

    result = manage("check", data_dir=data_dir)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    assert f"DATA_DIR={data_dir} cannot be used" in result.stderr
    assert "Point DATA_DIR at a folder you can write to" in result.stderr


def test_it_says_to_migrate_when_data_dir_holds_no_database(tmp_path):
    result = manage("load_demo_data", data_dir=tmp_path / "fresh")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    assert "has no trackbase tables yet" in result.stderr
    assert f"DATA_DIR={tmp_path / 'fresh'}" in result.stderr
    assert "make run" in result.stderr


def test_traceback_still_shows_one(tmp_path):
    result = manage("load_demo_data", "--traceback", data_dir=tmp_path / "fresh")

    assert result.returncode == 1
    assert "Traceback" in result.stderr
