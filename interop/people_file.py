"""Reading a file of people (CSV or XLSX) into rows, with every problem found.

The format is in ``templates/interop/people_import.html`` and the README: a
header row naming the columns, then one person a row. Reading checks only what
the file itself says (a name, a real date, a well-formed CHI number that fits
the date of birth, known ways of communicating); what the rows mean against the
organisation's records (teams, matches, duplicates) is for ``interop.services``.
"""

import csv
import datetime
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from common.dates import HAPPENED
from records.chi import CHI_LENGTH, chi_normalise, chi_problem
from records.models import EngagementChannel

# The columns a file may have, in the order the example file gives them.
COLUMNS = (
    "full_name",
    "preferred_name",
    "date_of_birth",
    "chi_number",
    "teams",
    "key_people",
    "ways_of_communicating",
    "communication_needs",
)
REQUIRED_COLUMNS = ("full_name", "teams")
# Several teams, key people or ways of communicating in one cell.
LIST_SEPARATOR = ";"
# Far more than a partnership's caseload, and short of what a crafted workbook
# (a few MB that unpack to millions of rows) would hold in memory.
MAX_ROWS = 500_000
# The most rows a spreadsheet has; blank rows up to it (formatted but empty, as
# a spreadsheet may save them) are passed over.
MAX_SHEET_ROWS = 1_048_576
MAX_CELL_LENGTH = {"full_name": 200, "preferred_name": 100, "communication_needs": 5000}
KEY_PERSON_LENGTH = {"name": 200, "relationship": 100}
# What a workbook may unpack to: a few times what a workbook of MAX_ROWS people
# written by Excel holds, and little enough that a small file crafted to unpack
# to gigabytes (a "zip bomb") is refused before any of it is read.
MAX_UNPACKED_BYTES = 128 * 1024 * 1024
# Delimiters a spreadsheet may have saved a CSV file with, in the order tried:
# a semicolon where a comma is the decimal mark, a tab for "Unicode text".
DELIMITERS = (",", ";", "\t")
# A cell starting with one of these is run as a formula by a spreadsheet; no
# name starts so, and no cell of a people file should hold a formula.
FORMULA_STARTS = ("=", "+", "-", "@")
NAME_COLUMNS = ("full_name", "preferred_name")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
CHANNEL_WORDS = {c.value: c.value for c in EngagementChannel} | {
    c.value.replace("_", " "): c.value for c in EngagementChannel
}


class FileRefused(Exception):
    """The file cannot be read at all: nothing in it was looked at row by row."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    """Something wrong with one cell (or one row, when ``column`` is empty)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        where = f"Row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class PersonRow:
    """One row of the file, as read. ``None`` for a column the file does not have."""

    row: int
    full_name: str
    preferred_name: str | None = None
    date_of_birth: datetime.date | None = None
    chi_number: str = ""
    teams: list[str] = field(default_factory=list)
    key_people: list[tuple[str, str]] | None = None
    engagement_channels: list[str] | None = None
    communication_needs: str | None = None
    has_date_of_birth: bool = False


def _column_key(heading: object) -> str:
    return "_".join(str(heading or "").lower().replace("-", " ").split())


# Control characters (a NUL the database cannot store, say), but for a tab and
# the line breaks that free text may hold; and the line breaks a name may not.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
LINE_BREAKS = re.compile("[\n\r\x85\u2028\u2029]")


def _odd_characters(value: str, *, one_line: bool) -> str | None:
    """What is wrong with the characters of ``value``, if anything."""
    if one_line and LINE_BREAKS.search(value):
        return "A name must be on one line; this one has a line break in it."
    if control := CONTROL_CHARACTERS.search(value):
        return f"This holds a control character (U+{ord(control.group()):04X}); type it again."
    return None


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def _date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _looks_like_a_date_number(value: object) -> bool:
    """A spreadsheet's date kept as a number (17606 is 14 March 1948), in a number
    cell or written out as text in a CSV file."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or bool(
        re.fullmatch(r"\d{4,5}(\.\d+)?", str(value).strip())
    )


def _key_people(value: str) -> list[tuple[str, str]]:
    """``Mary Brown (daughter); Tom Green (neighbour)`` as (name, relationship) pairs."""
    people = []
    for part in _split(value):
        name, bracket, rest = part.partition("(")
        relationship = rest.rstrip(")").strip() if bracket else ""
        if not name.strip() or not relationship or not rest.endswith(")"):
            raise ValueError(part)
        if (name.strip(), relationship) not in people:  # the same person twice is one
            people.append((name.strip(), relationship))
    return people


def _key_people_problem(people: list[tuple[str, str]]) -> str | None:
    for name, relationship in people:
        for what, value in (("name", name), ("relationship", relationship)):
            if len(value) > KEY_PERSON_LENGTH[what]:
                return f"A key person's {what} is longer than {KEY_PERSON_LENGTH[what]} characters."
        if name.startswith(FORMULA_STARTS):
            return (
                f"“{name[:40]}” starts with “{name[0]}”, which a spreadsheet would take "
                "for a formula; no name starts so. Correct it in the file."
            )
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a CHI number typed into a number cell
    return str(value).strip()


def person_row(number: int, cells: dict[str, object]) -> tuple[PersonRow, list[Problem]]:
    """One row read from ``cells`` (column: value), with its problems."""
    problems = []

    def problem(column: str, message: str) -> None:
        problems.append(Problem(number, column, message))

    text = {column: _text(value) for column, value in cells.items() if column != "date_of_birth"}
    for column, limit in MAX_CELL_LENGTH.items():
        if len(text.get(column, "")) > limit:
            problem(column, f"This is longer than {limit} characters.")
    for column, value in text.items():
        if odd := _odd_characters(value, one_line=column != "communication_needs"):
            problem(column, odd)
        elif value.startswith("=") or (column in NAME_COLUMNS and value.startswith(FORMULA_STARTS)):
            problem(
                column,
                f"“{value[:40]}” starts with “{value[0]}”, which a spreadsheet would take "
                "for a formula; no name starts so. Correct it in the file.",
            )
    row = PersonRow(row=number, full_name=text.get("full_name", ""))
    if not row.full_name:
        problem("full_name", "The person's full name is missing.")
    if "preferred_name" in cells:
        row.preferred_name = text["preferred_name"]
    if "date_of_birth" in cells:
        row.has_date_of_birth = True
        raw = cells["date_of_birth"]
        if raw not in (None, "") and str(raw).strip():
            try:
                row.date_of_birth = _date(raw)
            except ValueError:
                problem(
                    "date_of_birth",
                    f"“{_text(raw)[:40]}” is "
                    + (
                        "a number, not a date (a spreadsheet keeps dates as numbers): format "
                        "the column as dates, or write it as 1950-03-31 or 31/03/1950."
                        if _looks_like_a_date_number(raw)
                        else "not a date: write it as 1950-03-31 or 31/03/1950."
                    ),
                )
            else:
                if out_of_range := HAPPENED.problem(row.date_of_birth):
                    problem("date_of_birth", out_of_range)
                    row.date_of_birth = None
    chi = chi_normalise("".join(text.get("chi_number", "").replace("-", " ").split()))
    if isinstance(cells.get("chi_number"), int | float) and len(chi) == CHI_LENGTH - 1:
        # A number cell drops the leading 0 of a CHI number for someone born on the 1st to 9th.
        chi = "0" + chi
    if chi:
        if chi_trouble := chi_problem(chi):
            problem("chi_number", chi_trouble)
        elif row.date_of_birth and row.date_of_birth.strftime("%d%m%y") != chi[:6]:
            problem("chi_number", "The CHI number does not match the date of birth given.")
        else:
            row.chi_number = chi
    row.teams = _split(text.get("teams", ""))
    if not row.teams:
        problem("teams", "Name at least one team whose caseload the person is on.")
    if "key_people" in cells:
        try:
            row.key_people = _key_people(text["key_people"])
        except ValueError as bad:
            problem(
                "key_people",
                f"“{str(bad)[:60]}” should be a name and, in brackets, who they are to "
                "the person: Mary Brown (daughter).",
            )
        else:
            said = any(p.column == "key_people" for p in problems)
            if not said and (trouble := _key_people_problem(row.key_people)):
                problem("key_people", trouble)
    if "ways_of_communicating" in cells:
        words = [w.lower() for w in _split(text["ways_of_communicating"])]
        unknown = [w for w in words if w not in CHANNEL_WORDS]
        if unknown:
            problem(
                "ways_of_communicating",
                f"“{unknown[0][:40]}” is not one of: "
                + ", ".join(c.value for c in EngagementChannel)
                + ".",
            )
        chosen = {CHANNEL_WORDS[w] for w in words if w in CHANNEL_WORDS}
        row.engagement_channels = [c for c in EngagementChannel.values if c in chosen]
    if "communication_needs" in cells:
        row.communication_needs = text["communication_needs"]
    return row, problems


def _header(cells: list[object]) -> list[str]:
    """The column names of the header row, refusing the file if it cannot be one."""
    names = [_column_key(c) for c in cells]
    while names and not names[-1]:
        names.pop()
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise FileRefused(
            "The first row must be the header, naming the columns; "
            f"it has no {' or '.join(missing)} column. "
            "Download the example file to see the columns."
        )
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        shown = unknown[0] or "(a blank heading)"
        raise FileRefused(
            f"The header has a column this import does not know: “{shown[:40]}”. "
            f"The columns are: {', '.join(COLUMNS)}."
        )
    repeated = {n for n in names if names.count(n) > 1}
    if repeated:
        raise FileRefused(f"The header names the column {sorted(repeated)[0]} twice.")
    return names


def _decoded(content: bytes) -> str:
    # "Unicode text" from Excel is UTF-16, which starts with its byte order mark.
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in content[:65536]:
        raise FileRefused(
            "This file is not a CSV file: it holds binary data. Save the spreadsheet "
            "as “CSV UTF-8” or as an Excel workbook (.xlsx) and choose that file."
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            "This file is not in the UTF-8 encoding (it may have been saved as “CSV” "
            "rather than “CSV UTF-8”), so names with accents would be garbled. Save it "
            "again as “CSV UTF-8” and choose that file."
        ) from error


def _delimiter(text: str) -> str:
    """The delimiter that makes the first line a header with the required columns;
    a comma when none does (the header is then refused with its own message)."""
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    for delimiter in DELIMITERS:
        names = {_column_key(name.strip().strip('"')) for name in first_line.split(delimiter)}
        if all(column in names for column in REQUIRED_COLUMNS):
            return delimiter
    return ","


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    text = _decoded(content)
    reader = csv.reader(
        io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=_delimiter(text), strict=True
    )
    # The line the unreadable row starts on: an unclosed quotation mark is only
    # noticed at the end of the file, far from where it was typed.
    started = 1
    try:
        for cells in reader:
            yield cells
            started = reader.line_num + 1
    except csv.Error as error:
        raise FileRefused(
            f"The file cannot be read as CSV from line {started} on ({error}): a quotation "
            "mark there may be missing or one too many, or a cell far too long."
        ) from error


UNREADABLE_WORKBOOK = (
    "This file could not be read as an Excel workbook (.xlsx). Open it in a "
    "spreadsheet and save it again, as .xlsx or as “CSV UTF-8”."
)
# What openpyxl and the libraries under it raise for a damaged or crafted workbook.
WORKBOOK_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    SyntaxError,  # xml.etree.ElementTree.ParseError
    LookupError,
    ValueError,
    TypeError,
    AttributeError,
    ArithmeticError,
    OSError,
    EOFError,
)


def _unpacked_size(content: bytes) -> int:
    """What the workbook's parts add up to unpacked, as its directory says (zipfile
    never unpacks a part past its stated size)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _values(number: int, cells) -> list[object]:
    values = []
    for column, cell in enumerate(cells, start=1):
        if cell.data_type == "f":
            raise FileRefused(
                f"Row {number}, column {column} holds a formula. The file must hold "
                "values only: copy the sheet and paste it as values, then save it."
            )
        values.append(cell.value)
    return values


def _xlsx_rows(content: bytes) -> Iterator[list[object]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        if _unpacked_size(content) > MAX_UNPACKED_BYTES:
            raise FileRefused(
                f"This workbook unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB. "
                "Save it as “CSV UTF-8”, or split it into smaller files."
            )
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (*WORKBOOK_ERRORS, InvalidFileException) as error:
        raise FileRefused(UNREADABLE_WORKBOOK) from error
    try:
        if not workbook.worksheets:
            raise FileRefused("This workbook has no sheet of people in it.")
        sheet = workbook.worksheets[0]
        # The size a sheet states for itself may be wrong or made up (a million
        # columns in every row); read what it holds, no wider than the header.
        sheet.reset_dimensions()
        header = next(iter(sheet.iter_rows(min_row=1, max_row=1)), ())
        header = _values(1, header)
        yield header
        named = [n for n, value in enumerate(header, start=1) if str(value or "").strip()]
        # One column past the header, to notice a row with more cells than it names.
        width = (named[-1] if named else 0) + 1
        for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=width), start=2):
            yield _values(number, cells)
    except WORKBOOK_ERRORS as error:
        raise FileRefused(UNREADABLE_WORKBOOK) from error
    finally:
        workbook.close()


def is_workbook(content: bytes) -> bool:
    return content[:4] == b"PK\x03\x04"


def people_rows(content: bytes) -> Iterator[tuple[PersonRow | None, list[Problem]]]:
    """Each row of the file, read, with its problems; raises ``FileRefused`` for a
    file that cannot be read at all. Blank rows are passed over."""
    rows = _xlsx_rows(content) if is_workbook(content) else _csv_rows(content)
    header = None
    people = 0
    for number, cells in enumerate(rows, start=1):
        if header is None:
            header = _header(list(cells))
            continue
        if number > MAX_SHEET_ROWS:
            # Blank rows cost little, but a row numbered in the billions would
            # have a workbook hand over every blank row before it.
            raise FileRefused(
                f"The file has more than {MAX_SHEET_ROWS:,} rows, more than a spreadsheet "
                "can hold. Remove the empty rows at its end, or split it into smaller files."
            )
        if not any(_text(c) for c in cells):
            continue
        people += 1
        if people > MAX_ROWS:
            raise FileRefused(
                f"The file has more than {MAX_ROWS:,} rows of people. Split it into smaller files."
            )
        if len(cells) > len(header) and any(_text(c) for c in cells[len(header) :]):
            yield None, [Problem(number, "", "This row has more cells than the header names.")]
            continue
        cells = [*cells, *[""] * (len(header) - len(cells))]
        yield person_row(number, dict(zip(header, cells, strict=False)))
    if header is None:
        raise FileRefused("The file is empty: it has no header row and no people.")
    if not people:
        raise FileRefused("The file has a header row but no people under it.")
