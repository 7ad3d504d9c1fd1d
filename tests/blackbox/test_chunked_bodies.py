"""Chunked request bodies (`Transfer-Encoding: chunked`, no Content-Length) on both server shapes: read as the
body they are, and held to the size cap while they are read (trackbase/core/bodies.py)."""

import http.client
import json
import socket
from urllib.parse import urlsplit

import pytest

from tests.blackbox.server import gunicorn_for_fixture

pytestmark = pytest.mark.blackbox
CAP = 64 * 1024  # REQUEST_BODY_MAX_BYTES for these servers


@pytest.fixture(scope="module")
def serve_server(tmp_path_factory, throttle_scopes):
    from tests.blackbox.server import serve_for_fixture

    overrides = {"REQUEST_BODY_MAX_BYTES": str(CAP)}
    yield from serve_for_fixture(
        tmp_path_factory.mktemp("bb-chunked"), throttle_scopes=throttle_scopes, overrides=overrides
    )


@pytest.fixture(scope="module")
def gunicorn_server(tmp_path_factory, throttle_scopes):
    overrides = {"REQUEST_BODY_MAX_BYTES": str(CAP)}
    yield from gunicorn_for_fixture(
        tmp_path_factory.mktemp("bb-chunked-gunicorn"),
        throttle_scopes=throttle_scopes,
        workers=1,
        threads=2,
        overrides=overrides,
    )


@pytest.fixture(params=["serve", "gunicorn"])
def server_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_server").url


def post_chunked(url: str, path: str, chunks, content_type: str = "application/json") -> tuple[int, dict]:
    """POST `chunks` with Transfer-Encoding: chunked (http.client sends no Content-Length for an iterable)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("POST", path, body=iter(chunks), headers={"Content-Type": content_type}, encode_chunked=True)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def test_a_chunked_registration_and_login_are_read_whole(server_url):
    account = {"username": "chunky", "email": "chunky@example.com", "password": "Chunked-Body-2031"}
    body = json.dumps(account).encode()
    status, registered = post_chunked(server_url, "/api/auth/register/", [body[:10], body[10:30], body[30:]])
    assert status == 201, registered
    login = json.dumps({"login": "chunky", "password": account["password"]}).encode()
    status, tokens = post_chunked(server_url, "/api/auth/login/", [login[:7], login[7:]])
    assert status == 200, tokens
    assert tokens["access"] and tokens["refresh"]


def test_a_chunked_body_over_the_cap_is_refused_while_read(server_url):
    # A raw socket: the server answers 413 and closes while the client is still sending, which http.client
    # reports as a broken pipe before it reads the answer.
    parts = urlsplit(server_url)
    head = (
        f"POST /api/auth/login/ HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunk = b"2000\r\n" + b"y" * 0x2000 + b"\r\n"
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head)
        try:
            for _ in range(2 * CAP // 0x2000):  # twice the cap, never the terminating chunk
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused mid-body, as it should be
        answer = _read_all(sock)
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.split()[1] == b"413", answer[:300]
    assert json.loads(rest.split(b"\r\n\r\n", 1)[1])["code"] == "REQUEST_TOO_LARGE"


def _read_all(sock) -> bytes:
    received = b""
    try:
        while block := sock.recv(65536):
            received += block
            if b"\r\n\r\n" in received and received.rstrip().endswith(b"}"):
                break
    except (ConnectionResetError, TimeoutError):
        pass
    return received


def test_a_declared_length_over_the_cap_is_refused_before_reading(server_url):
    parts = urlsplit(server_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest("POST", "/api/auth/login/")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(CAP + 1))
        connection.endheaders()  # no body sent: the answer must not wait for it
        response = connection.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["code"] == "REQUEST_TOO_LARGE"
    finally:
        connection.close()
