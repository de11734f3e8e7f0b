"""CSV and Excel exports of a report's rows: streamed through the door, with no row cap."""

import csv
import datetime
import io
import itertools
import tempfile

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from tandem.reports.engine import iter_raw_rows, iter_rows

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


FORMULA_FIRST = frozenset(FORMULA_START)
CSV_BATCH = 1000  # rows per streamed chunk: one write per batch, not per row


def _safe(value) -> str:
    if value is None:
        return ""
    if value.__class__ is not str:
        return _text(value)
    return "'" + value if value[:1] in FORMULA_FIRST else value


def _checkbox(value) -> str:
    return "" if value is None else ("true" if value else "false")


def _date(value) -> str:
    if value is None:
        return ""
    return value if value.__class__ is str else value.isoformat()  # SQLite hands back text


def _datetime(value) -> str:
    if value.__class__ is str:  # SQLite: naive UTC text
        value = datetime.datetime.fromisoformat(value)
        if settings.USE_TZ and value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
    return _text(value)


def _number(places):
    def number(value) -> str:
        if value is None:
            return ""
        if places and value.__class__ in (int, float):  # SQLite: a number, not a Decimal
            return f"{value:.{places}f}"
        return str(value)

    number.places = places
    return number


def raw_formatter(col):
    """Text of a column's values as the database driver returns them (engine.iter_raw_rows)."""
    kind = col.type
    if col.spec.is_custom:
        return _text  # JSON values come back as text or numbers: the general conversion
    if kind in ("number", "currency", "percent"):
        return _number(col.spec.decimal_places)
    if kind == "date":
        return _date
    if kind == "datetime":
        return _datetime
    if kind == "checkbox":
        return _checkbox
    return _safe


def _quoted(text: str) -> str:
    """A CSV field as csv.writer writes it (the excel dialect, minimal quoting)."""
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


# The formatters above, written inline in a whole row's formatter (csv_row_formatter): a
# Python call per value, and csv.writer, cost more than the values' own conversion. "@"
# stands for the value; each template gives exactly what its formatter returns, already
# quoted as csv.writer would quote it (only text can hold a comma, quote or line break).
_INLINE = {
    _safe: (
        "(@ if @.__class__ is str and @[:1] not in FORMULA_FIRST and not"
        """ ('"' in @ or "," in @ or "\\n" in @ or "\\r" in @) else _quoted(_safe(@)))"""
    ),
    _date: '("" if @ is None else _quoted(@) if @.__class__ is str else @.isoformat())',
    _checkbox: '("" if @ is None else "true" if @ else "false")',
}


def _inline(fmt, i: int, names: dict) -> str:
    if fmt in _INLINE:
        return _INLINE[fmt]
    if not hasattr(fmt, "places"):
        names[f"f{i}"] = fmt
        return f"_quoted(f{i}(@))"
    places = fmt.places
    if not places:
        return '("" if @ is None else str(@) if @.__class__ in _PLAIN else _quoted(str(@)))'
    text = 'f"{@:.' + str(int(places)) + 'f}"'
    return f'("" if @ is None else {text} if @.__class__ in _PLAIN else _quoted(str(@)))'


def csv_row_formatter(columns):
    """One function turning a driver row into its CSV line (without the line end), the same
    text as raw_formatter per value written by csv.writer; for two columns or more (csv.writer
    quotes a lone empty field, which this does not).

    Generated once per export from the fixed templates above (column positions and decimal
    places only, nothing a user typed), so a row costs one call instead of one per value."""
    assert len(columns) > 1
    names = {"FORMULA_FIRST": FORMULA_FIRST, "_safe": _safe, "_PLAIN": (int, float)}
    names["_quoted"] = _quoted
    fields = [
        _inline(raw_formatter(col), i, names).replace("@", f"v{i}") for i, col in enumerate(columns)
    ]
    values = "".join(f"v{i}, " for i in range(len(fields)))
    source = f"def row(r):\n    ({values}) = r\n    return ','.join(({''.join(f + ', ' for f in fields)}))\n"
    exec(source, names)  # noqa: S102 - fixed templates, see above
    return names["row"]


def csv_lines(p, user, sort: str = "", drill=None, ctx=None):
    """The CSV text of a report's rows, header first, in chunks of CSV_BATCH rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.label for c in p.columns])
    rows = iter_raw_rows(p, user, ctx, sort, drill)
    if len(p.columns) > 1:
        line = csv_row_formatter(p.columns)
        write = buffer.write
    else:
        formatters = [raw_formatter(c) for c in p.columns]
    while True:
        batch = list(itertools.islice(rows, CSV_BATCH))
        if len(p.columns) > 1:
            if batch:
                write("\r\n".join(map(line, batch)))
                write("\r\n")
        else:
            writer.writerows([[f(v) for f, v in zip(formatters, r)] for r in batch])
        if len(batch) < CSV_BATCH:
            yield buffer.getvalue()
            return
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_response(p, user, name: str, sort: str = "", drill=None, ctx=None) -> StreamingHttpResponse:
    def chunks():
        first = True
        for text in csv_lines(p, user, sort, drill, ctx):
            # A BOM first, so spreadsheet programs read the file as UTF-8.
            yield ("\ufeff" + text if first else text).encode("utf-8")
            first = False

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
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
