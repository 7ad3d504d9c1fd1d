"""Each admin report as a CSV table: (file name, header, rows). Rows are generated lazily, so a large
shipment export streams from a server-side cursor instead of sitting in memory."""

from collections.abc import Iterable, Iterator

from trackbase.cylinders import reports
from trackbase.cylinders.report_serializers import ShipmentRowOutput

Table = tuple[str, list[str], Iterable[Iterable]]


def shipments_table(params: dict) -> Table:
    output = ShipmentRowOutput()
    header = list(output.fields)
    rows = reports.shipment_rows(**params).iterator(chunk_size=2000)
    # One serializer for every row (building one per row, or per cell, deep-copies its fields each time).
    return "shipments.csv", header, (_cells(output.to_representation(row), header) for row in rows)


def _cells(data: dict, header: list[str]) -> list:
    return [data[name] for name in header]


def inventory_table(params: dict) -> Table:
    return "inventory.csv", ["section", "key", "status", "value"], _inventory_lines(reports.inventory(**params))


def activity_table(params: dict) -> Table:
    return "reports.csv", ["section", "key", "metric", "value"], _activity_lines(reports.activity(**params))


TABLES = {"shipments": shipments_table, "inventory": inventory_table, "reports": activity_table}


def _inventory_lines(summary: dict) -> Iterator[list]:
    for status, n in summary["by_status"].items():
        yield ["by_status", status, status, n]
    for section in ("by_customer", "by_station"):
        for place in summary[section]:
            yield [section, place["sent_to"], "", place["count"]]
    for gas in summary["by_gas_type"]:
        for status, n in gas["by_status"].items():
            yield ["by_gas_type", gas["gas_type"], status, n]
    out = summary["out_longer_than"]
    yield ["out_longer_than", f"{out['days']} days", "", out["count"]]
    for cylinder in out["cylinders"]:
        yield ["out_longer_than", cylinder["serial_number"], cylinder["status"], cylinder["days_out"]]
    tests = summary["tests_due"]
    yield ["tests_due", "overdue", "", tests["overdue"]]
    yield ["tests_due", f"within {tests['within_days']} days", "", tests["due_soon"]]


def _activity_lines(report: dict) -> Iterator[list]:
    for row in report["series"]:
        for metric, value in row.items():
            if metric != "period":
                yield [f"per_{report['period']}", row["period"], metric, value]
    turnaround = report["refill_turnaround"]
    for metric in ("count", "average_hours", "min_hours", "max_hours"):
        yield ["refill_turnaround", "all", metric, turnaround[metric]]
    for station in turnaround["by_station"]:
        yield ["refill_turnaround", station["station"], "average_hours", station["average_hours"]]
    days = report["days_at_customer"]
    yield ["days_at_customer", "all", "average_days", days["average_days"]]
    for customer in days["by_customer"]:
        yield ["days_at_customer", customer["sent_to"], "average_days", customer["average_days"]]
    for worker in report["workers"]:
        for metric, value in worker.items():
            if metric not in ("user_id", "username"):
                yield ["workers", worker["username"], metric, value]
    for reason in report["trashed_by_reason"]:
        yield ["trashed_by_reason", reason["reason"], "count", reason["count"]]
