import pytest

from trackbase.notifications.push.senders import senders_reset
from trackbase.notifications.tests.push_servers import ApnsServer, WebPushServer, b64url, p256_key, public_point

APNS_TEAM_ID, APNS_KEY_ID, APNS_TOPIC = "TEAM123456", "KEY1234567", "dev.trackbase.travel"
VAPID_SUBJECT = "mailto:push@trackbase.dev"


@pytest.fixture(autouse=True)
def _push_unconfigured(settings):
    """Every test starts with no push credentials (no request leaves the test) and fresh connections."""
    settings.APNS_KEY = settings.APNS_KEY_PATH = settings.APNS_KEY_ID = settings.APNS_TEAM_ID = ""
    settings.APNS_TOPIC = settings.VAPID_PRIVATE_KEY = settings.VAPID_SUBJECT = ""
    settings.WEB_PUSH_ALLOWED_HOSTS = ["127.0.0.1"]
    senders_reset()
    yield
    senders_reset()


@pytest.fixture(scope="session")
def apns_signing_key():
    return p256_key()


@pytest.fixture(scope="session")
def _apns_server(apns_signing_key):
    server = ApnsServer(team_id=APNS_TEAM_ID, key_id=APNS_KEY_ID, topic=APNS_TOPIC, signing_key=apns_signing_key)
    yield server.start()
    server.stop()


@pytest.fixture
def apns_server(_apns_server, settings, apns_signing_key):
    """The local APNs, with the settings pointing at it."""
    from trackbase.notifications.tests.push_servers import private_pem

    _apns_server.reset()
    settings.APNS_KEY = private_pem(apns_signing_key)
    settings.APNS_KEY_ID, settings.APNS_TEAM_ID, settings.APNS_TOPIC = APNS_KEY_ID, APNS_TEAM_ID, APNS_TOPIC
    settings.APNS_BASE_URL = _apns_server.url
    return _apns_server


@pytest.fixture(scope="session")
def vapid_key():
    return p256_key()


@pytest.fixture(scope="session")
def _web_push_server(vapid_key):
    server = WebPushServer(vapid_public_point=public_point(vapid_key), subject=VAPID_SUBJECT)
    yield server.start()
    server.stop()


@pytest.fixture
def web_push_server(_web_push_server, settings, vapid_key):
    """The local push service, with VAPID configured (the raw base64url private key, as `vapid` prints it)."""
    _web_push_server.reset()
    settings.VAPID_PRIVATE_KEY = b64url(vapid_key.private_numbers().private_value.to_bytes(32, "big"))
    settings.VAPID_SUBJECT = VAPID_SUBJECT
    return _web_push_server


@pytest.fixture(autouse=True)
def _frozen(frozen_clock):
    """Before the persona fixtures issue their tokens."""
    return frozen_clock
