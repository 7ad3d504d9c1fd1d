"""Issue 7 item 6: behind a TLS proxy the production settings pass `manage.py check --deploy` cleanly,
with HSTS, secure cookies and the HTTPS redirect on. Settings are read once per process, so each case
starts a process with the environment an operator would give it."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = """
import django
django.setup()
from django.conf import settings as s
print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)
"""


def production_env(tmp_path, **extra) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "DATABASE_URL"}}
    return env | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATA_DIR": str(tmp_path),
        # Only parsed, never connected to: the checks need no database.
        "DATABASE_URL": "postgres://trackbase@db.internal:5432/trackbase",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "api.example.com",
        **extra,
    }


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_the_deploy_check_is_clean_behind_a_tls_proxy(tmp_path):
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path, BEHIND_TLS_PROXY="true"),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("proxy", "expected"), [("true", "True True True True"), ("false", "False False False False")])
def test_https_settings_follow_behind_tls_proxy(tmp_path, proxy, expected):
    result = run([sys.executable, "-c", PRINT_SETTINGS], production_env(tmp_path, BEHIND_TLS_PROXY=proxy))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
