"""A load process: python-socketio AsyncClients on one asyncio loop (`python -m bench.realtime.clients`).

It talks to the harness in JSON lines. stdin: `connect` (open every connection at once), `stop`.
stdout: `ready`; `connected` (each client's connect time, the failures, this process's CPU time);
one `delivery` per `notification` (or HuCares `friend-checked-in`) event received; `disconnected` when
the server drops a client; `stopped`. Times are time.monotonic(): CLOCK_MONOTONIC, one clock for every
process on the machine, so the harness can subtract its own send time from a receipt time taken here.
"""

import argparse
import asyncio
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import socketio

FD_HEADROOM = 256  # beyond one socket per client: the loop, pipes, aiohttp's resolver
GIVE_UP_GRACE_S = 10


def raise_fd_limit(needed: int) -> int:
    """Lift the soft open-files limit towards the hard one: each websocket is a file descriptor."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = needed if hard == resource.RLIM_INFINITY else min(max(needed, soft), hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def say(kind: str, **fields) -> None:
    sys.stdout.write(json.dumps({"kind": kind, **fields}) + "\n")
    sys.stdout.flush()


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Client:
    def __init__(self, user_id: int, token: str, timeout: float):
        self.user_id, self.token, self.timeout = user_id, token, timeout
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False, request_timeout=timeout)
        self.sio.on("notification", self.on_notification)
        self.sio.on("friend-checked-in", self.on_friend_checked_in)
        self.sio.on("disconnect", self.on_disconnect)
        self.stopping = False

    async def on_notification(self, payload) -> None:
        received = time.monotonic()
        event_id = (payload.get("data") or {}).get("event_id") if isinstance(payload, dict) else None
        say("delivery", user=self.user_id, event=event_id, t=received)

    async def on_friend_checked_in(self, payload) -> None:
        """HuCares' event (bench/wellness): one group per measured write, so the group names the write."""
        received = time.monotonic()
        group_id = payload.get("groupId") if isinstance(payload, dict) else None
        say("delivery", user=self.user_id, event=f"checkin-group-{group_id}", t=received)

    async def on_disconnect(self, reason=None) -> None:
        if not self.stopping:
            say("disconnected", user=self.user_id, reason=str(reason))

    async def connect(self, url: str) -> tuple[float | None, str | None]:
        """(seconds from calling connect to the server's CONNECT answer, None) or (None, why it failed)."""
        started = time.monotonic()
        connect = self.sio.connect(
            url, auth={"token": self.token}, transports=["websocket"], wait_timeout=self.timeout, retry=False
        )
        try:
            # After wait_timeout, python-socketio closes the half-open connection before raising, and that
            # close can wait on the server for long: the bench gives up on it sooner.
            await asyncio.wait_for(connect, self.timeout + GIVE_UP_GRACE_S)
        except TimeoutError:
            await self.sio.eio.disconnect(abort=True)
            return None, f"no CONNECT answer within {self.timeout:g} s (and the close hung)"
        except Exception as exc:  # a refused or timed-out handshake is a result, not a crash
            return None, f"{type(exc).__name__}: {exc}"[:200]
        return time.monotonic() - started, None

    async def stop(self) -> None:
        self.stopping = True
        await self.sio.disconnect()


async def connect_all(clients: list[Client], url: str) -> None:
    cpu_before, started = cpu_seconds(), time.monotonic()
    results = await asyncio.gather(*(client.connect(url) for client in clients))
    finished, cpu_after = time.monotonic(), cpu_seconds()
    say(
        "connected",
        users=[client.user_id for client, (seconds, _) in zip(clients, results, strict=True) if seconds is not None],
        times=[seconds for seconds, _ in results if seconds is not None],
        errors=dict(Counter(error for _, error in results if error)),
        started=started,
        finished=finished,
        cpu=cpu_after - cpu_before,
    )


async def run(url: str, users: list[tuple[int, str]], timeout: float) -> None:
    clients = [Client(user_id, token, timeout) for user_id, token in users]
    say("ready", clients=len(clients), fd_limit=raise_fd_limit(len(clients) + FD_HEADROOM))
    while (command := (await asyncio.to_thread(sys.stdin.readline)).strip()) != "stop":
        if command == "connect":
            await connect_all(clients, url)
        elif not command:  # the harness is gone
            break
    await asyncio.gather(*(client.stop() for client in clients), return_exceptions=True)
    say("stopped")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.realtime.clients")
    parser.add_argument("--url", required=True)
    parser.add_argument("--tokens", type=Path, required=True, help="JSON file from `bench.realtime.seed tokens`")
    parser.add_argument("--start", type=int, default=0, help="first user of the file this process connects")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=120, help="per-connection handshake timeout, seconds")
    args = parser.parse_args(argv)
    users = json.loads(args.tokens.read_text())["users"][args.start : args.start + args.count]
    asyncio.run(run(args.url, [(user_id, token) for user_id, token in users], args.timeout))


if __name__ == "__main__":
    main()
