"""Shared fixtures: the named personas every API test uses, and a clean slate per test."""

import uuid

import pytest

from trackbase.accounts.models import Role
from trackbase.accounts.tests.factories import UserFactory
from trackbase.core.testing import client_for, frozen_clock  # noqa: F401  (a fixture for every app)

# Argon2 costs ~0.3 s a hash by design and every persona hashes a password; tests that check the
# production hasher set PASSWORD_HASHERS back themselves.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Tasks run inline, uploads go to a temp dir, passwords hash fast, and the request log stays off
    (its flush thread would write outside the test transaction; the analytics tests turn it on).

    Each test gets a fresh cache namespace, so throttle counters start from zero. A namespace rather
    than cache.clear(): on Redis, clear() flushes the whole database, RQ's queues included."""
    settings.REQUEST_LOG_ENABLED = False
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CACHES = {"default": settings.CACHES["default"] | {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def worker(db):
    return UserFactory(username="worker", role=Role.WORKER)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, is_staff=True)


@pytest.fixture
def anon_client():
    return client_for()


@pytest.fixture
def owner_client(owner):
    return client_for(owner)


@pytest.fixture
def outsider_client(outsider):
    return client_for(outsider)


@pytest.fixture
def worker_client(worker):
    return client_for(worker)


@pytest.fixture
def admin_client(admin_user):
    return client_for(admin_user)
