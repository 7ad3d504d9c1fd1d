"""The results table: printed to the terminal and written as markdown to bench/results/."""

import math
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from statistics import median

from bench.endpoints import Endpoint
from bench.loadgen import Result

RESULTS_DIR = Path(__file__).resolve().parent / "results"
COLUMNS = ["endpoint", "req/s", "p50 ms", "p99 ms", "CPU ms/req", "errors", "vs ceiling"]


@dataclass(frozen=True)
class Row:
    endpoint: Endpoint
    result: Result | None
    note: str = ""  # why there is no result (e.g. the endpoint answered 404 to the probe)
    cpu_ms: float = math.nan  # server CPU (all workers) per response while wrk ran
    # With --rounds: the ratio to the ceiling in each round, and the errors of the rounds not shown.
    round_ratios: tuple[float, ...] = ()
    other_rounds_errors: int = 0


def median_round(rows: list[Row]) -> Row:
    """Of one endpoint's rounds, the one with the median req/s (the lower middle of an even count)."""
    measured = sorted((row for row in rows if row.result), key=lambda row: row.result.rps)
    return measured[(len(measured) - 1) // 2] if measured else rows[0]


def combine_rounds(rounds: list[list[Row]]) -> list[Row]:
    """One row per endpoint from several rounds of all of them: the median round, with every round's ratio."""
    combined = []
    for runs in zip(*rounds, strict=True):
        chosen = median_round(list(runs))
        ratios = []
        for round_rows, row in zip(rounds, runs, strict=True):
            ceiling = next((r.result for r in round_rows if r.endpoint.name == row.endpoint.ceiling), None)
            if row.result and ceiling and ceiling.rps:
                ratios.append(row.result.rps / ceiling.rps)
        others = sum(sum(row.result.failures.values()) for row in runs if row.result and row is not chosen)
        combined.append(replace(chosen, round_ratios=tuple(ratios), other_rounds_errors=others))
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


def _ratio(row: Row, ceilings: dict[str, Result]) -> str:
    if row.endpoint.ceiling is None:
        return "ceiling"
    ceiling = ceilings.get(row.endpoint.ceiling)
    if len(row.round_ratios) > 1:
        low, high = min(row.round_ratios), max(row.round_ratios)
        return f"{median(row.round_ratios):.2f} of {row.endpoint.ceiling} ({low:.2f}-{high:.2f})"
    if not ceiling or not ceiling.rps:
        return "?"
    return f"{row.result.rps / ceiling.rps:.2g} of {row.endpoint.ceiling}"


def cells(rows: list[Row]) -> list[list[str]]:
    ceilings = {row.endpoint.name: row.result for row in rows if row.endpoint.ceiling is None and row.result}
    table = []
    for row in rows:
        r = row.result
        if r is None:
            table.append([row.endpoint.name, "-", "-", "-", "-", row.note, "-"])
            continue
        rps = f"{r.rps:,.0f}" if r.rps >= 100 else f"{r.rps:.1f}"
        cpu = "-" if math.isnan(row.cpu_ms) else f"{row.cpu_ms:.2f}"
        table.append(
            [row.endpoint.name, rps, f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}", cpu, _errors_of(row), _ratio(row, ceilings)]
        )
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
