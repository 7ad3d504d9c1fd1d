"""Accounts sits below the real-time app: it announces ended sessions with a signal and never imports it;
the device code has one home, `trackbase/accounts/devices/`."""

import ast
from pathlib import Path

import pytest

from trackbase.accounts.devices.models import Device
from trackbase.accounts.signals import sessions_ended
from trackbase.accounts.tokens import tokens_revoke_all
from trackbase.realtime import services as realtime_services

ACCOUNTS = Path(__file__).resolve().parents[1] / "accounts"


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_accounts_never_imports_the_realtime_app():
    offenders = {
        str(path.relative_to(ACCOUNTS)): sorted(module for module in imported_modules(path) if "realtime" in module)
        for path in ACCOUNTS.rglob("*.py")
    }
    assert {path: modules for path, modules in offenders.items() if modules} == {}


def test_the_device_code_has_one_home():
    assert Device.__module__ == "trackbase.accounts.devices.models"
    assert (Device._meta.app_label, Device._meta.db_table) == ("accounts", "accounts_device")  # no migration
    strays = [path.name for path in ACCOUNTS.glob("*.py") if "device" in path.name or "push" in path.name]
    assert strays == []


@pytest.mark.django_db
def test_ending_every_session_sends_sessions_ended_after_commit(owner, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, *, user_id, **kwargs):
        received.append(user_id)

    sessions_ended.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            tokens_revoke_all(user_id=owner.pk)
            assert received == []  # not before the revocation is committed
        assert callbacks  # it ran on commit (the cached principal's invalidation runs there too)
    finally:
        sessions_ended.disconnect(receiver)
    assert received == [owner.pk]


@pytest.mark.django_db
def test_the_realtime_app_closes_the_users_sockets_on_it(owner, monkeypatch, django_capture_on_commit_callbacks):
    closed = []
    monkeypatch.setattr(realtime_services, "disconnect_user", closed.append)
    with django_capture_on_commit_callbacks(execute=True):
        tokens_revoke_all(user_id=owner.pk)
    assert closed == [owner.pk]


@pytest.mark.django_db
def test_a_failing_receiver_does_not_fail_the_revocation(owner, monkeypatch, django_capture_on_commit_callbacks):
    def redis_down(user_id):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(realtime_services, "disconnect_user", redis_down)
    with django_capture_on_commit_callbacks(execute=True):
        tokens_revoke_all(user_id=owner.pk)  # does not raise
