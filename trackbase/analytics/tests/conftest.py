import pytest

from trackbase.analytics.buffer import request_log_buffer


@pytest.fixture(autouse=True)
def _request_log_on_explicit_flush(settings):
    """Logging on, no flush thread: entries wait for request_log_flush(), and none leak between tests."""
    request_log_buffer.stop()
    request_log_buffer.reset()
    settings.REQUEST_LOG_ENABLED = True
    settings.REQUEST_LOG_FLUSH_SECONDS = 0
    yield
    request_log_buffer.stop()
    request_log_buffer.reset()
