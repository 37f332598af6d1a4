"""Report tables as CSV and Excel downloads, streamed so memory use stays flat."""

import csv
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

from .tables import Table

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """The cell as text a spreadsheet will show, never run (CSV injection)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _xlsx_cell(value: object) -> object:
    # Whole numbers stay numbers so they can be added up; everything else is text.
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return int(value)
    return neutralise(value)


class _Echo:
    """A file-like object whose write returns the line, for streaming csv rows."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    yield writer.writerow([neutralise(h) for h in header])
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def csv_response(table: Table, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(table.header, table.rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def xlsx_response(table: Table, filename: str) -> FileResponse:
    """An Excel workbook written in write-only mode (rows go straight to disk)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.title[:31])
    sheet.append([neutralise(h) for h in table.header])
    for row in table.rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    workbook.save(spool)
    spool.seek(0)
    response = FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "no-store"
    return response
