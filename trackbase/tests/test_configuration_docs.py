"""The README's configuration table is the one list of environment variables: every variable the code
reads is in it, and settings are read from the environment in config/settings.py only."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list"}
# Variables of the process environment that select the program, not configure it.
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE"}
SOURCE_DIRS = ("config", "trackbase")


def _python_files():
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "tests" not in path.relative_to(ROOT).parts and path.name != "conftest.py":
                yield path


def _name_of_call(node: ast.Call) -> str | None:
    """The variable name read by env_*("X"), os.environ.get("X"), os.getenv("X") or os.environ["X"]."""
    func = node.func
    called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    reads_env = called in ENV_HELPERS or called == "getenv"
    if called == "get" and isinstance(func, ast.Attribute) and ast.unparse(func.value) == "os.environ":
        reads_env = True
    if reads_env and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.args[0].value
    return None


def variables_read(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and (name := _name_of_call(node)):
            names.add(name)
        elif (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) == "os.environ"  # not a WSGI `environ` (the request's, not the process's)
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
    return names - NOT_SETTINGS


def readme_table_variables() -> set[str]:
    """Names in backticks in the first column of the README's configuration table."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def test_the_parser_finds_what_settings_reads():
    read = variables_read(ROOT / "config" / "settings.py")
    assert {"DATABASE_URL", "SECRET_KEY", "THROTTLE_LOGIN"} <= read


@pytest.mark.parametrize(
    "path",
    [path for path in _python_files() if variables_read(path)],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_every_environment_variable_the_code_reads_is_in_the_readme_table(path):
    missing = sorted(variables_read(path) - readme_table_variables())
    assert not missing, f"{path.relative_to(ROOT)} reads {missing}; add them to the README's configuration table"


def test_the_readme_table_names_no_variable_the_code_does_not_read():
    read = set().union(*(variables_read(path) for path in _python_files()))
    assert not sorted(readme_table_variables() - read)


def test_only_settings_and_the_run_command_read_the_environment():
    readers = {str(path.relative_to(ROOT)) for path in _python_files() if variables_read(path)}
    assert readers <= {"config/settings.py", "config/env.py", "trackbase/core/management/commands/serve.py"}


def test_apps_read_settings_without_a_fallback_of_their_own():
    """`getattr(settings, "X", default)` hides a setting from the README table and from config/env.py."""
    offenders = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "getattr"
                and len(node.args) == 3
                and ast.unparse(node.args[0]) == "settings"
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders


def test_rail_search_cache_seconds_comes_from_the_environment():
    code = "import django; django.setup(); from django.conf import settings; print(settings.RAIL_SEARCH_CACHE_SECONDS)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "RAIL_SEARCH_CACHE_SECONDS": "7"}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "7"
