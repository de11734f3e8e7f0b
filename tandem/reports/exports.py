"""CSV and Excel exports of a report's rows: streamed through the door, with no row cap."""

import csv
import datetime
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from tandem.reports.engine import iter_rows

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value):
        return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    # A spreadsheet must not run what a user typed: neutralise formula-like text.
    if isinstance(value, str) and text.startswith(FORMULA_START):
        text = "'" + text
    return text


def _filename(name: str, ext: str) -> str:
    return f"{slugify(name) or 'report'}.{ext}"


def csv_response(p, user, name: str, sort: str = "", drill=None, ctx=None) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([c.label for c in p.columns])
        for row in iter_rows(p, user, ctx, sort, drill):
            yield writer.writerow([_text(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(name, "csv")}"'
    return response


def _cell(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (bool, int, float, datetime.date)) or value is None:
        return value
    if hasattr(value, "as_tuple"):  # Decimal
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", _text(value))


def xlsx_response(p, user, name: str, sort: str = "", drill=None, ctx=None) -> FileResponse:
    """An .xlsx written row by row in openpyxl's write-only mode (constant memory per row)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(
        title=(name or "Report")[:31].translate(str.maketrans("", "", "[]:*?/\\")) or "Report"
    )
    ws.append([c.label for c in p.columns])
    for row in iter_rows(p, user, ctx, sort, drill):
        ws.append([_cell(v) for v in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    wb.save(out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=_filename(name, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
