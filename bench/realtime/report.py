"""The real-time tables, printed and written as markdown to bench/results/realtime-<timestamp>.md."""

import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench.report import RESULTS_DIR

MIB = 1024


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (nan for no values): p99 of 1,000 values is the 990th smallest."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class ShapeResult:
    shape: str
    clients: int
    connect_s: list[float] = field(default_factory=list)  # per connected client
    connected_users: set[int] = field(default_factory=set)
    connect_errors: dict[str, int] = field(default_factory=dict)
    wall_s: float = math.nan  # first connect call to the last client connected
    client_cpu: list[float] = field(default_factory=list)  # per load process: CPU seconds / wall seconds
    server_cpu_s: float = math.nan  # the Socket.IO process while the clients connected
    rss_before_kib: int = 0
    rss_after_kib: int = 0
    dropped: int = 0  # connections the server closed before the bench stopped them
    room: int = 0  # the train's followers
    room_connected: int = 0  # of them, those whose handshake succeeded
    writes: int = 0
    expected: int = 0  # writes x connected followers
    latency_ms: list[float] = field(default_factory=list)  # REST request sent -> received, every delivery
    rest_ms: list[float] = field(default_factory=list)  # REST request sent -> its 201 read
    strays: int = 0  # notifications received by clients that follow no train
    sent_at: dict[int, datetime] = field(default_factory=dict)  # event id -> when its write was sent (UTC)
    slowest_ms: dict[int, float] = field(default_factory=dict)  # event id -> its last delivery's latency
    # production, per event id: (write sent -> its RQ job started, the job's run with its emits), ms
    job_ms: dict[int, tuple[float, float]] = field(default_factory=dict)
    note: str = ""

    @property
    def connected(self) -> int:
        return len(self.connect_s)


CONNECT_COLUMNS = [
    "shape",
    "connected",
    "connect p50 ms",
    "connect p99 ms",
    "all connected s",
    "server CPU ms/conn",
    "load proc CPU",
    "RSS before MiB",
    "RSS after MiB",
    "KiB/conn",
]
DELIVERY_COLUMNS = ["shape", "writes", "delivered", "p50 ms", "p99 ms", "max ms", "REST 201 p50 ms", "dropped"]


def _ms(seconds_or_ms: float, scale: float = 1) -> str:
    value = seconds_or_ms * scale
    return "-" if math.isnan(value) else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def connect_cells(results: list[ShapeResult]) -> list[list[str]]:
    table = []
    for r in results:
        failed = sum(r.connect_errors.values())
        per_conn_kib = (r.rss_after_kib - r.rss_before_kib) / r.connected if r.connected else math.nan
        table.append(
            [
                r.shape,
                f"{r.connected:,}/{r.clients:,}" + (f" ({failed} failed)" if failed else ""),
                _ms(percentile(r.connect_s, 50), 1000),
                _ms(percentile(r.connect_s, 99), 1000),
                # Never reached when a handshake failed: then it is only when the last attempt gave up.
                "-" if failed or math.isnan(r.wall_s) else f"{r.wall_s:.2f}",
                _ms(r.server_cpu_s / r.connected if r.connected else math.nan, 1000),
                " / ".join(f"{share:.0%}" for share in r.client_cpu) or "-",
                f"{r.rss_before_kib / MIB:.1f}",
                f"{r.rss_after_kib / MIB:.1f}",
                "-" if math.isnan(per_conn_kib) else f"{per_conn_kib:.1f}",
            ]
        )
    return table


def delivery_cells(results: list[ShapeResult]) -> list[list[str]]:
    table = []
    for r in results:
        delivered = f"{len(r.latency_ms):,}/{r.expected:,}" + (f" (+{r.strays} strays)" if r.strays else "")
        if r.room_connected < r.room:  # the others never connected: nothing to deliver to
            delivered += f" ({r.room_connected}/{r.room} members connected)"
        table.append(
            [
                r.shape,
                str(r.writes),
                delivered,
                _ms(percentile(r.latency_ms, 50)),
                _ms(percentile(r.latency_ms, 99)),
                _ms(max(r.latency_ms, default=math.nan)),
                _ms(percentile(r.rest_ms, 50)),
                str(r.dropped),
            ]
        )
    return table


def _plain(columns: list[str], rows: list[list[str]]) -> str:
    table = [columns, *rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]

    def fmt(line: list[str]) -> str:
        # Text in the first column, numbers right-aligned (as in bench/report.py).
        padded = (c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True)))
        return "  ".join(padded).rstrip()

    return "\n".join([fmt(columns), "  ".join("-" * w for w in widths), *(fmt(line) for line in rows)])


def _markdown(columns: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(columns) - 1)) + "|",
        *("| " + " | ".join(line) + " |" for line in rows),
    ]


def plain(results: list[ShapeResult]) -> str:
    return "\n\n".join(
        [
            "Connections\n" + _plain(CONNECT_COLUMNS, connect_cells(results)),
            "Delivery: REST write -> notification at each of the room's clients\n"
            + _plain(DELIVERY_COLUMNS, delivery_cells(results)),
        ]
    )


def markdown(results: list[ShapeResult], context: list[str], notes: list[str]) -> str:
    lines = ["# trackbase real-time bench", "", *(f"- {item}" for item in context), "", "## Connections", ""]
    lines += _markdown(CONNECT_COLUMNS, connect_cells(results))
    lines += ["", "## Delivery: REST write -> notification at each of the room's clients", ""]
    lines += _markdown(DELIVERY_COLUMNS, delivery_cells(results))
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    return "\n".join(lines) + "\n"


def save(text: str) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"realtime-{datetime.now().strftime('%Y%m%d-%H%M%S')}.md"
    path.write_text(text)
    return path
