"""Report tables as CSV and Excel downloads that carry their meaning with them.

Every file says what it is before it gives any figure: the organisation or team,
the period, the filters, when it was made, how the figures were counted and how
small counts are protected (``About``).

- CSV: the file opens with rows of two cells, a label and its value (the first
  reads "About this file"), then one empty row, then the table's header and
  rows. A spreadsheet shows the description above the table; a program reads
  from the row after the first empty one.
- Excel: an "About" sheet first, then one sheet per table. Counts are numbers,
  shares are percentages (format 0.0%), means are numbers with two decimals
  (0.00); an empty cell means there is nothing to show, and a withheld figure
  is the text the page shows ("<5", "*").

CSV is streamed and Excel written in write-only mode, so memory use stays flat.
"""

import csv
import datetime
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .tables import NONE, Table

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

WHOLE = re.compile(r"-?\d+")
DECIMAL = re.compile(r"-?\d+\.\d+")
PERCENT = re.compile(r"(-?\d+(?:\.\d+)?)%")
PERCENT_FORMAT = "0.0%"
MEAN_FORMAT = "0.00"
# Column widths in characters: wide enough for a short heading, never a whole screen.
NARROWEST, WIDEST = 8, 60


@dataclass(frozen=True)
class About:
    """What a downloaded report says about itself."""

    report: str  # "Organisation report", "Team dashboard"
    of: str  # the organisation's or team's name
    period: str
    filters: str
    counted: Sequence[str]
    disclosure: str
    generated: datetime.datetime

    def rows(self, tables: Sequence[Table]) -> list[tuple[str, str]]:
        """Label and value pairs, in reading order."""
        rows = [
            ("About this file", f"{self.report}: {self.of}"),
            ("Tables", "; ".join(t.title for t in tables)),
            ("Period", self.period),
            ("Filters", self.filters),
            ("Generated", f"{timezone.localtime(self.generated):%-d %B %Y at %H:%M %Z}"),
            ("How it was counted", " ".join(self.counted)),
            ("Disclosure control", self.disclosure),
        ]
        rows += [(f"Note on {t.title.lower()}", t.note) for t in tables if t.note]
        return rows


def neutralise(value: object) -> str:
    """The cell as text a spreadsheet will show, never run (CSV injection)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def typed_cell(value: object) -> tuple[object, str | None]:
    """A report cell as a spreadsheet value and its number format.

    Counts become whole numbers, "45%" the fraction 0.45 shown as a percentage,
    "0.95" a number with two decimals; nothing to show (an en dash) becomes an empty
    cell; anything else stays text, neutralised.
    """
    if value is None or isinstance(value, bool):
        return (None if value is None else neutralise(value)), None
    if isinstance(value, int):
        return value, None
    if isinstance(value, float):
        return value, MEAN_FORMAT
    text = str(value).strip()
    if text in ("", NONE):
        return None, None
    if WHOLE.fullmatch(text):
        return int(text), None
    if DECIMAL.fullmatch(text):
        return float(text), MEAN_FORMAT
    if match := PERCENT.fullmatch(text):
        return float(match.group(1)) / 100, PERCENT_FORMAT
    return neutralise(text), None


class _Echo:
    """A file-like object whose write returns the line, for streaming csv rows."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    header: list[str], rows: Iterable[list], about: About | None = None, table: Table | None = None
) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    if about is not None:
        for label, value in about.rows([table] if table else []):
            yield writer.writerow([neutralise(label), neutralise(value)])
        yield writer.writerow([])
    yield writer.writerow([neutralise(h) for h in header])
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def csv_response(table: Table, filename: str, about: About) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(table.header, table.rows, about, table),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _sheet_titles(tables: Sequence[Table]) -> list[str]:
    """Sheet names Excel accepts: 31 characters at most, none of []:*?/\\, each once."""
    titles, used = [], {"about"}
    for table in tables:
        base = re.sub(r"[\[\]:*?/\\]", " ", table.title)[:31].rstrip(" ,;")
        title, n = base, 2
        while title.lower() in used:
            suffix = f" ({n})"
            title, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(title.lower())
        titles.append(title)
    return titles


def _widths(header: list[str], rows: Sequence[Sequence]) -> list[float]:
    widths = [len(str(h)) for h in header]
    for row in rows:
        for i, cell in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], len(str(cell)))
    return [min(max(w + 2, NARROWEST), WIDEST) for w in widths]


def _about_sheet(workbook: Workbook, about: About, tables: Sequence[Table]) -> None:
    sheet = workbook.create_sheet(title="About")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 100
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for label, value in about.rows(tables):
        heading = WriteOnlyCell(sheet, value=neutralise(label))
        heading.font, heading.alignment = bold, wrap
        text = WriteOnlyCell(sheet, value=neutralise(value))
        text.alignment = wrap
        sheet.append([heading, text])


def _table_sheet(workbook: Workbook, table: Table, title: str) -> None:
    sheet = workbook.create_sheet(title=title)
    # Widths must be set before the first row in write-only mode.
    for i, width in enumerate(_widths(table.header, table.rows), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    header = []
    for h in table.header:
        cell = WriteOnlyCell(sheet, value=neutralise(h))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        # The first cell names the row (a team called "2020" stays a name).
        cells = [WriteOnlyCell(sheet, value=neutralise(row[0]))] if row else []
        for value in row[1:]:
            typed, number_format = typed_cell(value)
            cell = WriteOnlyCell(sheet, value=typed)
            if number_format:
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)


def xlsx_response(tables: Sequence[Table], filename: str, about: About) -> FileResponse:
    """An Excel workbook: the About sheet, then one sheet per table."""
    workbook = Workbook(write_only=True)
    _about_sheet(workbook, about, tables)
    for table, title in zip(tables, _sheet_titles(tables), strict=True):
        _table_sheet(workbook, table, title)
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
