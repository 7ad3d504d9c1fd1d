"""Real Socket.IO clients for black-box tests: python-socketio's, and the official socket.io-client run by Node.

Both record every event the server sends, so a test can wait for one and then look at what else arrived.
"""

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import socketio

NODE_DIR = Path(__file__).resolve().parent / "node"
NODE_SCRIPT = NODE_DIR / "client.mjs"
CONNECT_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0


class Inbox:
    """Events as they arrive, from any thread: (name, payload) pairs."""

    def __init__(self):
        self._events: list[tuple[str, object]] = []
        self._changed = threading.Condition()

    def add(self, name: str, payload) -> None:
        with self._changed:
            self._events.append((name, payload))
            self._changed.notify_all()

    def named(self, name: str) -> list:
        with self._changed:
            return [payload for event, payload in self._events if event == name]

    def wait_for(self, name: str, *, timeout: float, match: Callable = lambda payload: True):
        """The first `name` event whose payload `match`es, waiting up to `timeout` seconds for it."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for event, payload in self._events:
                    if event == name and match(payload):
                        return payload
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no {name!r} event within {timeout:g}s; got {self._events!r}")
                self._changed.wait(remaining)


class PythonClient:
    """python-socketio's Client, connected with `auth: {token}`; use as a context manager."""

    def __init__(self, url: str, *, auth: dict | None, transports: list[str] | None = None):
        self.url, self.auth, self.transports = url, auth, transports
        self.inbox = Inbox()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", lambda event, *args: self.inbox.add(event, args[0] if len(args) == 1 else list(args)))
        self.sio.on("connect_error", lambda data=None: self.inbox.add("connect_error", data))
        self.sio.on("disconnect", lambda reason=None: self.inbox.add("disconnect", reason))

    def connect(self, *, wait: bool = True) -> "PythonClient":
        self.sio.connect(
            self.url, auth=self.auth, transports=self.transports, wait=wait, wait_timeout=CONNECT_TIMEOUT, retry=False
        )
        return self

    def call(self, event: str, *args):
        """Emit and return the server's acknowledgement."""
        return self.sio.call(event, args[0] if len(args) == 1 else args or None, timeout=CONNECT_TIMEOUT)

    @property
    def transport(self) -> str:
        return self.sio.transport()

    def close(self) -> None:
        """Hang up, and return once the server has been told. Over long-polling, python-engineio's client then
        waits for its pending GET, which python-engineio's server answers only at its next ping (25 s later):
        that wait runs in the background, after the close packet has been posted."""
        eio = self.sio.eio
        if eio.state != "connected" or eio.current_transport != "polling":
            self.sio.shutdown()
            return
        threading.Thread(target=self.sio.disconnect, daemon=True).start()
        deadline = time.monotonic() + CONNECT_TIMEOUT
        # `disconnect` queues the close packet and leaves the connected state; the write loop then posts it.
        while (eio.state == "connected" or eio.queue.unfinished_tasks) and time.monotonic() < deadline:
            time.sleep(0.01)

    def __enter__(self) -> "PythonClient":
        return self.connect()

    def __exit__(self, *exc) -> None:
        self.close()


def python_refusal(url: str, *, auth: dict | None, transports: list[str] | None = None) -> dict:
    """Connect as python-socketio would and return the connect_error data of the refusal."""
    client = PythonClient(url, auth=auth, transports=transports)
    # Without waiting: on a refusal the client hangs up by itself, and over long-polling that waits (see close).
    client.connect(wait=False)
    try:
        error = client.inbox.wait_for("connect_error", timeout=CONNECT_TIMEOUT)
        assert not client.sio.namespaces, f"the server accepted a connection with auth={auth!r}"
    finally:
        client.close()
    assert len(client.inbox.named("connect_error")) == 1, client.inbox.named("connect_error")
    return error


# --- Node ---------------------------------------------------------------------------------------------------
class NodeMissing(Exception):
    """`node` or `npm` is not on PATH."""


class NodeInstallFailed(Exception):
    """Node is there but installing socket.io-client failed."""


NODE_MISSING = (
    "The Node client tests need `node` (18 or newer) and `npm` on PATH to install socket.io-client "
    f"into {NODE_DIR}; install Node.js (e.g. `apt-get install nodejs npm`) to run them."
)


def ensure_node_client() -> None:
    """Install socket.io-client into tests/realtime/node from its lockfile unless it is there already."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node:
        raise NodeMissing(NODE_MISSING)
    if (NODE_DIR / "node_modules" / "socket.io-client" / "package.json").is_file():
        return
    if not npm:
        raise NodeMissing(NODE_MISSING)
    # `npm ci` installs exactly the committed lockfile; `npm install` is the fallback when the lockfile is absent.
    command = ["ci"] if (NODE_DIR / "package-lock.json").is_file() else ["install"]
    result = subprocess.run(
        [npm, *command, "--no-audit", "--no-fund"],
        cwd=NODE_DIR,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise NodeInstallFailed(f"`npm {command[0]}` in {NODE_DIR} failed:\n{result.stdout}\n{result.stderr}")


def node_client_ready(*, required: bool) -> None:
    """Install the Node client, or skip its tests with the reason when Node is absent. `required` (CI=true) turns
    the skip into a failure: CI must run them. A failed install is always a failure."""
    try:
        ensure_node_client()
    except NodeMissing as exc:
        if required:
            pytest.fail(f"{exc} CI=true: the Node client tests are required here.", pytrace=False)
        pytest.skip(f"Node client tests skipped: {exc} (On CI, CI=true makes them required.)")
    except NodeInstallFailed as exc:
        pytest.fail(str(exc), pytrace=False)


class NodeClient:
    """tests/realtime/node/client.mjs as a subprocess; its JSON lines land in `inbox`. A context manager."""

    def __init__(
        self,
        url: str,
        *,
        token: str | None,
        transport: str | None = None,
        timeout: float = 60,
        join_group: int | None = None,
    ):
        args = [shutil.which("node") or "node", str(NODE_SCRIPT), url, "--timeout", str(timeout)]
        if join_group is not None:
            args += ["--join-group", str(join_group)]
        if token is not None:
            args += ["--token", token]
        if transport:
            args += ["--transport", transport]
        self.args = args
        self.inbox = Inbox()
        self.lines: list[str] = []
        self.process: subprocess.Popen | None = None

    def start(self) -> "NodeClient":
        self.process = subprocess.Popen(
            self.args,
            cwd=NODE_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "NODE_NO_WARNINGS": "1"},
        )
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a stray warning; kept in self.lines for the failure message
            name = record.pop("event", "?")
            self.inbox.add(name, record.get("args", record) if "args" in record else record)

    def wait_for(self, name: str, *, timeout: float, match: Callable = lambda payload: True):
        try:
            return self.inbox.wait_for(name, timeout=timeout, match=match)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nnode output:\n{''.join(self.lines)}") from None

    def wait_exit(self, timeout: float = STOP_TIMEOUT) -> int:
        return self.process.wait(timeout)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the Node client ignored SIGTERM:\n{''.join(self.lines)}") from None

    def __enter__(self) -> "NodeClient":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
