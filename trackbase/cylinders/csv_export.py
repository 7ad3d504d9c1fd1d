"""CSV for the admin reports: `Accept: text/csv` or `?format=csv`, streamed row by row.

Cells that a spreadsheet would run as a formula (text starting with =, +, -, @, tab or CR, which
anyone typing a customer name could plant) are prefixed with a quote, per OWASP's CSV injection advice."""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from trackbase.core.renderers import dumps

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CSVRenderer(BaseRenderer):
    """Lets DRF's content negotiation pick CSV. Successful CSV answers are streamed by the view itself;
    what reaches this renderer is a problem (401, 403, 400), which stays JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b"" if data is None else dumps(data)


def wants_csv(request) -> bool:
    return getattr(request.accepted_renderer, "format", None) == "csv"


def safe_cell(value) -> str:
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
