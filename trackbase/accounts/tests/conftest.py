import pytest

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 costs ~0.3 s a hash by design; these tests hash hundreds of times, so they use MD5.
    The one test that checks the production hasher sets PASSWORD_HASHERS back itself."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _no_request_log(settings):
    """The request log is the analytics app's concern; its flush thread has no business in these tests."""
    settings.REQUEST_LOG_ENABLED = False
