"""The results table: printed to the terminal and written as markdown to bench/results/."""

import math
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from statistics import median

from bench.endpoints import Endpoint
from bench.loadgen import Result

RESULTS_DIR = Path(__file__).resolve().parent / "results"
COLUMNS = ["endpoint", "req/s", "p50 ms", "p99 ms", "CPU ms/req", "errors", "vs ceiling", "CPU vs ceiling"]


@dataclass(frozen=True)
class Row:
    endpoint: Endpoint
    result: Result | None
    note: str = ""  # why there is no result (e.g. the endpoint answered 404 to the probe)
    cpu_ms: float = math.nan  # server CPU per response while wrk ran (Bench.server_cpu)
    # With --rounds: each measurement's ratios to the ceiling measured just before it (req/s, and CPU per
    # request the other way up), and the errors of the measurements not shown.
    round_ratios: tuple[float, ...] = ()
    round_cpu_ratios: tuple[float, ...] = ()
    other_rounds_errors: int = 0


def median_round(rows: list[Row]) -> Row:
    """Of one endpoint's measurements, the one with the median req/s (the lower middle of an even count)."""
    measured = sorted((row for row in rows if row.result), key=lambda row: row.result.rps)
    return measured[(len(measured) - 1) // 2] if measured else rows[0]


def _ratios(row: Row, ceiling: Row | None) -> tuple[float, float]:
    """(req/s over the ceiling's, the ceiling's CPU per request over this one's); nan when unknown."""
    if not (row.result and ceiling and ceiling.result and ceiling.result.rps):
        return math.nan, math.nan
    cpu = ceiling.cpu_ms / row.cpu_ms if row.cpu_ms > 0 else math.nan
    return row.result.rps / ceiling.result.rps, cpu


def combine_rounds(rounds: list[list[Row]]) -> list[Row]:
    """One row per endpoint from several rounds (a ceiling may be measured several times a round): its
    median measurement, with the ratios of each to the ceiling measured just before it in its round."""
    names = list(dict.fromkeys(row.endpoint.name for round_rows in rounds for row in round_rows))
    runs: dict[str, list[Row]] = {name: [] for name in names}
    ratios: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for round_rows in rounds:
        for i, row in enumerate(round_rows):
            runs[row.endpoint.name].append(row)
            before = [r for r in round_rows[:i] if r.endpoint.name == row.endpoint.ceiling]
            if before:
                ratios[row.endpoint.name].append(_ratios(row, before[-1]))
    combined = []
    for name in names:
        chosen = median_round(runs[name])
        others = sum(sum(row.result.failures.values()) for row in runs[name] if row.result and row is not chosen)
        rps_ratios = tuple(r for r, _ in ratios[name] if not math.isnan(r))
        cpu_ratios = tuple(c for _, c in ratios[name] if not math.isnan(c))
        combined.append(
            replace(chosen, round_ratios=rps_ratios, round_cpu_ratios=cpu_ratios, other_rounds_errors=others)
        )
    return combined


def _errors(result: Result) -> str:
    failures = result.failures
    total = sum(failures.values())
    text = f"{total} ({', '.join(f'{kind} x{n}' for kind, n in failures.items())})" if total else "0"
    if result.wrapped:
        text += f"; pool reused x{result.wrapped}"
    return text


def _errors_of(row: Row) -> str:
    text = _errors(row.result)
    return text + f"; {row.other_rounds_errors} in other rounds" if row.other_rounds_errors else text


def _ratio_text(ratios: tuple[float, ...], single: float, ceiling: str) -> str:
    if len(ratios) > 1:
        return f"{median(ratios):.2f} of {ceiling} ({min(ratios):.2f}-{max(ratios):.2f})"
    value = ratios[0] if ratios else single
    return "?" if math.isnan(value) else f"{value:.2f} of {ceiling}"


def cells(rows: list[Row]) -> list[list[str]]:
    ceilings = {row.endpoint.name: row for row in rows if row.endpoint.ceiling is None and row.result}
    table = []
    for row in rows:
        r = row.result
        if r is None:
            table.append([row.endpoint.name, "-", "-", "-", "-", row.note, "-", "-"])
            continue
        rps = f"{r.rps:,.0f}" if r.rps >= 100 else f"{r.rps:.1f}"
        cpu = "-" if math.isnan(row.cpu_ms) else f"{row.cpu_ms:.2f}"
        line = [row.endpoint.name, rps, f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}", cpu, _errors_of(row)]
        if row.endpoint.ceiling is None:
            table.append([*line, "ceiling", "ceiling"])
            continue
        rps_ratio, cpu_ratio = _ratios(row, ceilings.get(row.endpoint.ceiling))
        line.append(_ratio_text(row.round_ratios, rps_ratio, row.endpoint.ceiling))
        line.append(_ratio_text(row.round_cpu_ratios, cpu_ratio, row.endpoint.ceiling))
        table.append(line)
    return table


RIGHT = {1, 2, 3, 4}  # the number columns of COLUMNS


def plain_table(columns: list[str], table: list[list[str]], right: set[int]) -> str:
    widths = [max(len(line[i]) for line in [columns, *table]) for i in range(len(columns))]

    def fmt(line: list[str]) -> str:
        padded = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True)))
        return "  ".join(padded).rstrip()

    return "\n".join([fmt(columns), "  ".join("-" * w for w in widths), *(fmt(line) for line in table)])


def markdown_table(columns: list[str], table: list[list[str]], right: set[int]) -> str:
    lines = ["| " + " | ".join(columns) + " |"]
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(columns))) + "|")
    lines.extend("| " + " | ".join(line) + " |" for line in table)
    return "\n".join(lines)


def plain(rows: list[Row]) -> str:
    return plain_table(COLUMNS, cells(rows), RIGHT)


def markdown(rows: list[Row], context: list[str], extra: str = "") -> str:
    lines = ["# trackbase bench", "", *(f"- {item}" for item in context), ""]
    lines.append(markdown_table(COLUMNS, cells(rows), RIGHT))
    if extra:
        lines += ["", extra]
    return "\n".join(lines) + "\n"


def save(text: str) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{datetime.now().strftime('%Y%m%d-%H%M%S')}.md"
    path.write_text(text)
    return path
