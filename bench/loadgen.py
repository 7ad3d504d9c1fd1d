"""wrk: finding or installing it, running one endpoint, reading the Lua script's JSON summary."""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.endpoints import SINGLE_USE_POOLS, Endpoint

LUA_SCRIPT = Path(__file__).resolve().parent / "lua" / "pool.lua"
WINDOW_SCRIPT = Path(__file__).resolve().parent / "lua" / "contention.lua"
RESULT_MARKER = "BENCH_RESULT "
INSTALL_COMMAND = "sudo apt-get install -y wrk"


def ensure_wrk() -> str:
    """wrk's path; installs the Debian package when running as root, else says how and exits."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit(f"wrk (the load generator) is not installed. Install it with:\n    {INSTALL_COMMAND}")
    print("wrk not found; installing the Debian package", file=sys.stderr)
    install = ["apt-get", "install", "-y", "wrk"]
    if subprocess.run(install, check=False).returncode != 0:
        # A fresh machine may have no package lists yet.
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(install, check=True)
    found = shutil.which("wrk")
    if not found:
        sys.exit("apt-get reported success but wrk is still not on PATH")
    return found


@dataclass(frozen=True)
class Load:
    threads: int
    connections: int
    timeout_s: int


@dataclass(frozen=True)
class Result:
    requests: int
    duration_s: float
    p50_ms: float
    p99_ms: float
    statuses: dict[int, int]
    socket_errors: dict[str, int]
    wrapped: int  # single-use values handed out twice because the pool ran out
    # Windowed runs (run_window) only: error responses by "status CODE", requests sent, and the seconds
    # from the first request sent to the last answer read.
    codes: dict[str, int] = field(default_factory=dict)
    sent: int | None = None
    active_s: float | None = None

    @property
    def rps(self) -> float:
        seconds = self.active_s or self.duration_s
        return self.requests / seconds if seconds else 0.0

    def per_second(self, status: int) -> float:
        seconds = self.active_s or self.duration_s
        return self.statuses.get(status, 0) / seconds if seconds else 0.0

    @property
    def failures(self) -> dict[str, int]:
        """Every response that was not 2xx, and every socket error, by status or kind."""
        bad = {str(status): n for status, n in sorted(self.statuses.items()) if not 200 <= status < 300}
        bad.update({kind: n for kind, n in self.socket_errors.items() if n})
        return bad


def _headers(endpoint: Endpoint) -> str:
    return "\n".join(f"{name}: {value}" for name, value in endpoint.headers.items())


def run(wrk: str, base_url: str, endpoint: Endpoint, pool: Path | None, seconds: float, load: Load) -> Result:
    single_use = "1" if endpoint.pool in SINGLE_USE_POOLS else "0"
    script_args = [endpoint.method, endpoint.path, endpoint.body, _headers(endpoint), str(pool) if pool else ""]
    return _wrk(wrk, base_url, endpoint, LUA_SCRIPT, seconds, load, [*script_args, single_use, str(load.threads)])


def run_window(
    wrk: str, base_url: str, endpoint: Endpoint, pool: Path, window_s: float, drain_s: float, load: Load
) -> Result:
    """Send requests for `window_s` seconds, then wait up to `drain_s` for the last answers: every request
    sent is answered and counted (bench/lua/contention.lua says why that matters)."""
    script_args = [endpoint.method, endpoint.path, endpoint.body, _headers(endpoint), str(pool), str(load.threads)]
    script_args.append(str(round(window_s * 1000)))
    return _wrk(wrk, base_url, endpoint, WINDOW_SCRIPT, window_s + drain_s, load, script_args)


def _wrk(
    wrk: str, base_url: str, endpoint: Endpoint, script: Path, seconds: float, load: Load, script_args: list[str]
) -> Result:
    command = [
        wrk,
        f"--threads={load.threads}",
        f"--connections={load.connections}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={load.timeout_s}s",
        f"--script={script}",
        base_url + endpoint.path.split("$", 1)[0],  # the script sends the path; wrk only parses this URL
        "--",
        *script_args,
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_MARKER):
            return _parse(json.loads(line.removeprefix(RESULT_MARKER)))
    raise RuntimeError(f"wrk failed for {endpoint.name} (exit {completed.returncode}):\n{completed.stderr}")


def _parse(raw: dict) -> Result:
    return Result(
        requests=raw["requests"],
        duration_s=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1e3,
        p99_ms=raw["p99_us"] / 1e3,
        statuses={int(status): n for status, n in raw["statuses"].items()},
        socket_errors={kind: raw[kind] for kind in ("connect", "read", "write", "timeout")},
        wrapped=raw["wrapped"],
        codes=raw.get("codes", {}),
        sent=raw.get("sent"),
        active_s=raw["active_us"] / 1e6 if raw.get("active_us") else None,
    )
