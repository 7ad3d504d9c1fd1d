"""The harness side of the load: client processes, their connect phase, and the REST writes whose
notifications they time."""

import http.client
import json
import math
import queue
import random
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from bench.realtime.report import ShapeResult
from bench.server import PROJECT_DIR

READY_TIMEOUT_S = 60
STOP_TIMEOUT_S = 60
GAP_S = (0.2, 0.8)  # seconds between one write's last delivery and the next write


class Inbox:
    """Every `notification` the clients received, by event id, from any reader thread."""

    def __init__(self):
        self.by_event: dict[object, list[tuple[int, float]]] = defaultdict(list)
        self.dropped: list[tuple[int, str]] = []
        self._changed = threading.Condition()

    def add(self, event_id, user_id: int, received: float) -> None:
        with self._changed:
            self.by_event[event_id].append((user_id, received))
            self._changed.notify_all()

    def wait(self, event_id, count: int, timeout: float) -> None:
        """Until `count` receipts of the event arrived, or `timeout`."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.by_event[event_id]) >= count, timeout)

    def receipts(self, event_id) -> list[tuple[int, float]]:
        with self._changed:
            return list(self.by_event[event_id])


class LoadProcess:
    """One `python -m bench.realtime.clients` child and a thread reading its JSON lines."""

    def __init__(self, name: str, arguments: list[str], inbox: Inbox, log: Path):
        command = [sys.executable, "-m", "bench.realtime.clients", *arguments]
        self.name, self.inbox, self.messages = name, inbox, queue.Queue()
        with log.open("ab") as stderr:
            self.process = subprocess.Popen(
                command, cwd=PROJECT_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, text=True
            )
        threading.Thread(target=self._read, name=self.name, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            message = json.loads(line)
            if message["kind"] == "delivery":
                self.inbox.add(message["event"], message["user"], message["t"])
            elif message["kind"] == "disconnected":
                self.inbox.dropped.append((message["user"], message["reason"]))
            else:
                self.messages.put(message)
        self.messages.put({"kind": "exited"})

    def expect(self, kind: str, timeout: float) -> dict:
        try:
            message = self.messages.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"{self.name}: no {kind!r} within {timeout:g}s") from None
        if message["kind"] != kind:
            raise RuntimeError(f"{self.name}: expected {kind!r}, got {message} (exit code {self.process.poll()})")
        return message

    def send(self, command: str) -> None:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.send("stop")
                self.expect("stopped", STOP_TIMEOUT_S)
            except (OSError, RuntimeError):
                self.process.kill()
        self.process.wait(timeout=STOP_TIMEOUT_S)


def start_load(
    url: str, tokens: Path, *, clients: int, processes: int, timeout: float, inbox: Inbox, log: Path
) -> list[LoadProcess]:
    """Client processes with their slices of the users, each ready (imported, clients built)."""
    bounds = [round(clients * i / processes) for i in range(processes + 1)]
    started = []
    for i in range(processes):
        arguments = [f"--url={url}", f"--tokens={tokens}", f"--timeout={timeout:g}"]
        arguments += [f"--start={bounds[i]}", f"--count={bounds[i + 1] - bounds[i]}"]
        started.append(LoadProcess(f"clients-{i}", arguments, inbox, log))
    for load in started:
        load.expect("ready", READY_TIMEOUT_S)
    return started


def connect_phase(loads: list[LoadProcess], result: ShapeResult, timeout: float) -> None:
    """Every process opens all its connections at the same moment; record the times and failures."""
    for load in loads:
        load.send("connect")
    reports = [load.expect("connected", timeout) for load in loads]
    result.connect_s = [seconds for report in reports for seconds in report["times"]]
    result.connected_users = {user for report in reports for user in report["users"]}
    for report in reports:
        for error, count in report["errors"].items():
            result.connect_errors[error] = result.connect_errors.get(error, 0) + count
    result.wall_s = max(r["finished"] for r in reports) - min(r["started"] for r in reports)
    result.client_cpu = [r["cpu"] / (r["finished"] - r["started"]) for r in reports]


class Writer:
    """An admin recording train status events over REST: each one notifies the train's followers."""

    def __init__(self, rest_url: str, admin_token: str, train_number: str):
        self.parts = urlsplit(rest_url)
        self.path = f"/api/trains/{train_number}/events/"
        self.headers = {"Authorization": f"Bearer {admin_token}", "Content-Type": "application/json"}

    def write(self, number: int) -> tuple[int, float, float, datetime]:
        """(event id, when the request was sent, when its 201 was read: monotonic seconds, and the send as UTC)."""
        body = json.dumps({"type": "DELAY", "delay_minutes": number % 120 + 1})
        # A fresh connection per write: an idle keep-alive one may have been closed by the server meanwhile.
        connection = http.client.HTTPConnection(self.parts.hostname, self.parts.port, timeout=30)
        try:
            sent, sent_at = time.monotonic(), datetime.now(UTC)
            connection.request("POST", self.path, body=body, headers=self.headers)
            response = connection.getresponse()
            data = response.read()
            answered = time.monotonic()
        finally:
            connection.close()
        if response.status != 201:
            raise RuntimeError(f"POST {self.path} answered {response.status}: {data[:300]!r}")
        return json.loads(data)["id"], sent, answered, sent_at


def delivery_phase(
    writer: Writer, inbox: Inbox, followers: list[int], result: ShapeResult, *, writes: int, warmup: int, timeout: float
) -> None:
    """`warmup` unmeasured writes, then `writes` measured ones, one at a time: each waits for its
    notifications to reach every connected follower (or `timeout`) before the next is sent."""
    room = set(followers)
    members = room & result.connected_users
    result.room, result.room_connected = len(room), len(members)
    for number in range(warmup + writes):
        event_id, sent, answered, sent_at = writer.write(number)
        inbox.wait(event_id, len(members), timeout)
        time.sleep(0.2)  # a duplicate or a stray arriving just after still shows up
        receipts = inbox.receipts(event_id)
        if number < warmup:
            continue
        result.writes += 1
        result.sent_at[event_id] = sent_at
        result.expected += len(members)
        result.rest_ms.append((answered - sent) * 1000)
        latencies = [(received - sent) * 1000 for user, received in receipts if user in members]
        result.latency_ms += latencies
        result.slowest_ms[event_id] = max(latencies, default=math.nan)
        result.strays += sum(1 for user, _ in receipts if user not in room)
        # A random gap: writes at a fixed period would lock into phase with the embedded worker's 0.5 s poll.
        time.sleep(random.uniform(*GAP_S))
