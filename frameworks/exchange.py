"""Frameworks as JSON files, so partnerships can share them (format: frameworks/SCHEMA.md).

``framework_export`` writes a framework version and its scale as a document;
``framework_import`` checks a whole file against the schema and the framework
and scale rules, reports every problem with its location in the file, and
creates nothing unless the file is entirely right.
"""

import json
import math
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from common.actor import Actor

from .models import Band, CategoryKind, Framework, RatingScale, ScaleKind
from .services import framework_create, scale_create
from .specs import (
    CategorySpec,
    FrameworkSpec,
    OutcomeSpec,
    PointSpec,
    Problem,
    ScaleSpec,
    framework_problems,
    framework_spec_of,
    normalised_scale,
    scale_problems,
    scale_spec_of,
)

FORMAT = "personal-outcomes-framework"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 1_000_000
# A framework file is five levels deep; far deeper nesting is never a framework,
# and Python's JSON reader would run out of stack on it.
MAX_DEPTH = 20
# Scores are stored as 32-bit integers; a longer number is never a score, and
# turning thousands of digits into a number is slow (Python refuses past 4,300).
MAX_NUMBER = 2**31 - 1
MAX_DIGITS = 20


class ImportRefused(Exception):
    """The file cannot be imported; ``problems`` says where and why, in file order."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def framework_export(framework: Framework) -> dict:
    """The document for one framework version (with its scale), ready for ``json.dumps``.

    Retired outcomes are included and marked, so the file shows the whole
    framework; the framework's identity and version number are information
    only and are not read back on import.
    """
    spec = framework_spec_of(framework)
    scale = scale_spec_of(framework.scale)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "source": {"lineage": str(framework.lineage), "version": framework.version},
        "name": spec.name,
        "audience": spec.audience,
        "description": spec.description,
        "scale": {
            "name": scale.name,
            "kind": scale.kind,
            "description": scale.description,
            "points": [
                {
                    "score": p.score,
                    "label": p.label,
                    "description": p.description,
                    "band": p.band,
                }
                for p in scale.points
            ],
        },
        "categories": [
            {
                "name": c.name,
                "kind": c.kind,
                "outcomes": [
                    {"short_name": o.short_name, "description": o.description, "retired": o.retired}
                    for o in c.outcomes
                ],
            }
            for c in spec.categories
        ],
    }


# Reading a document -----------------------------------------------------------


class _Reader:
    """Walks a parsed document, collecting every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, location: str, message: str) -> None:
        self.problems.append(Problem(location, message))

    def object(self, value: Any, location: str, *, required: set[str], optional: set[str]) -> dict:
        if not isinstance(value, dict):
            self.problem(location, f"must be an object, not {_kind(value)}")
            return {}
        for name in sorted(required - value.keys()):
            self.problem(_at(location, name), "this field is required")
        for name in sorted(value.keys() - required - optional):
            self.problem(_at(location, name), "is not a field this format knows")
        return value

    def string(self, parent: dict, name: str, location: str, *, default: str | None = None) -> str:
        if name not in parent:
            return default or ""
        value = parent[name]
        if not isinstance(value, str):
            self.problem(_at(location, name), f"must be text, not {_kind(value)}")
            return ""
        return value

    def choice(self, parent: dict, name: str, location: str, choices: list[str]) -> str:
        value = self.string(parent, name, location)
        if name in parent and isinstance(parent[name], str) and value not in choices:
            self.problem(_at(location, name), f"must be one of {', '.join(choices)}")
        return value

    def integer(self, parent: dict, name: str, location: str) -> int:
        value = parent.get(name)
        if name in parent and (isinstance(value, bool) or not isinstance(value, int)):
            self.problem(_at(location, name), f"must be a whole number, not {_kind(value)}")
            return 0
        return value or 0

    def boolean(self, parent: dict, name: str, location: str) -> bool:
        value = parent.get(name, False)
        if not isinstance(value, bool):
            self.problem(_at(location, name), f"must be true or false, not {_kind(value)}")
            return False
        return value

    def array(
        self, parent: dict, name: str, location: str, read: Callable[[Any, str], Any]
    ) -> list:
        if name not in parent:
            return []
        value = parent[name]
        where = _at(location, name)
        if not isinstance(value, list):
            self.problem(where, f"must be a list, not {_kind(value)}")
            return []
        return [read(item, f"{where}[{i}]") for i, item in enumerate(value)]


def _at(location: str, name: str) -> str:
    return f"{location}.{name}" if location else name


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _read_point(reader: _Reader, value: Any, location: str) -> PointSpec:
    data = reader.object(
        value, location, required={"score", "label", "band"}, optional={"description"}
    )
    return PointSpec(
        score=reader.integer(data, "score", location),
        label=reader.string(data, "label", location),
        band=reader.choice(data, "band", location, Band.values),
        description=reader.string(data, "description", location),
    )


def _read_scale(reader: _Reader, value: Any, location: str) -> ScaleSpec:
    data = reader.object(
        value, location, required={"name", "kind", "points"}, optional={"description"}
    )
    return ScaleSpec(
        name=reader.string(data, "name", location),
        kind=reader.choice(data, "kind", location, ScaleKind.values),
        description=reader.string(data, "description", location),
        points=tuple(
            reader.array(data, "points", location, lambda v, at: _read_point(reader, v, at))
        ),
    )


def _read_outcome(reader: _Reader, value: Any, location: str) -> OutcomeSpec:
    data = reader.object(
        value, location, required={"short_name"}, optional={"description", "retired"}
    )
    return OutcomeSpec(
        short_name=reader.string(data, "short_name", location),
        description=reader.string(data, "description", location),
        retired=reader.boolean(data, "retired", location),
    )


def _read_category(reader: _Reader, value: Any, location: str) -> CategorySpec:
    data = reader.object(value, location, required={"name", "kind", "outcomes"}, optional=set())
    return CategorySpec(
        name=reader.string(data, "name", location),
        kind=reader.choice(data, "kind", location, CategoryKind.values),
        outcomes=tuple(
            reader.array(data, "outcomes", location, lambda v, at: _read_outcome(reader, v, at))
        ),
    )


def document_read(content: bytes) -> tuple[FrameworkSpec, ScaleSpec]:
    """The framework and scale in a file, or ImportRefused listing every problem.

    Checks, in order: the file is UTF-8 JSON; it matches the schema (known
    fields only, each of the right type, required ones present); and the
    framework and scale keep their rules (see ``frameworks.specs``).
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            [Problem("", f"the file is not UTF-8 text (byte {error.start} cannot be read)")]
        ) from None
    too_deep = _too_deep(text)
    if too_deep:
        raise ImportRefused([too_deep])
    try:
        document = json.loads(
            text,
            parse_int=_whole_number,
            parse_float=_number,
            parse_constant=_Unreadable.constant,
        )
    except json.JSONDecodeError as error:
        raise ImportRefused(
            [
                Problem(
                    f"line {error.lineno}, column {error.colno}",
                    f"this is not valid JSON: {error.msg}",
                )
            ]
        ) from None
    unreadable = _unreadable_values(document, "")
    if unreadable:
        raise ImportRefused(unreadable)
    reader = _Reader()
    data = reader.object(
        document,
        "",
        required={"format", "format_version", "name", "audience", "scale", "categories"},
        optional={"description", "exported_at", "source"},
    )
    if "format" in data and data["format"] != FORMAT:
        reader.problem("format", f"must be “{FORMAT}”: this is not a framework file")
    if "format_version" in data and data["format_version"] != FORMAT_VERSION:
        reader.problem(
            "format_version",
            f"this site reads format version {FORMAT_VERSION}, not {data['format_version']!r}",
        )
    framework = FrameworkSpec(
        name=reader.string(data, "name", ""),
        audience=reader.string(data, "audience", ""),
        description=reader.string(data, "description", ""),
        categories=tuple(
            reader.array(data, "categories", "", lambda v, at: _read_category(reader, v, at))
        ),
    )
    scale = _read_scale(reader, data.get("scale"), "scale") if "scale" in data else None
    if reader.problems:
        raise ImportRefused(reader.problems)
    problems = framework_problems(framework) + scale_problems(scale, prefix="scale.")
    if problems:
        raise ImportRefused(sorted(problems, key=_file_order))
    return framework, scale


# A string (skipped whole, escapes included) or a bracket that opens or closes a level.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_NOT_UNICODE = re.compile("[\ud800-\udfff]")


def _too_deep(text: str) -> Problem | None:
    """A problem at the first bracket nested more than ``MAX_DEPTH`` levels, if any."""
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        found = match.group()
        if found in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                column = match.start() - text.rfind("\n", 0, match.start())
                return Problem(
                    f"line {line}, column {column}",
                    f"lists and objects are nested more than {MAX_DEPTH} levels deep here",
                )
        elif found in ("]", "}"):
            depth -= 1
    return None


class _Unreadable:
    """A number in the file that cannot be a value here; reported where it is."""

    def __init__(self, message: str):
        self.message = message

    @classmethod
    def constant(cls, name: str) -> "_Unreadable":
        return cls(f"{name} is not a number this format allows")


def _digits(literal: str) -> int:
    return sum(character.isdigit() for character in literal)


def _whole_number(literal: str) -> "int | _Unreadable":
    # Counted before converting: a 5,000-digit number never becomes an int.
    if _digits(literal) > MAX_DIGITS or abs(int(literal)) > MAX_NUMBER:
        return _Unreadable(f"must be a whole number from -{MAX_NUMBER} to {MAX_NUMBER}")
    return int(literal)


def _number(literal: str) -> "float | _Unreadable":
    if _digits(literal) > MAX_DIGITS or not math.isfinite(float(literal)):
        return _Unreadable(f"must be a number of at most {MAX_DIGITS} digits")
    return float(literal)


def _text_problem(text: str) -> str:
    # Neither can be stored in PostgreSQL text, nor a half surrogate shown on a page.
    if "\x00" in text:
        return "must not contain the NUL character (\\u0000)"
    if _NOT_UNICODE.search(text):
        return "must not contain half of a surrogate pair (\\ud800 to \\udfff)"
    return ""


def _unreadable_values(value: Any, location: str) -> list[Problem]:
    """Numbers out of range, and text the database cannot store, anywhere in the document.

    Text may not hold the NUL character, nor half of a surrogate pair (which
    JSON can write as ``\\ud800`` but is not a character at all). A field name
    that does is reported at the object holding it, so the location can be shown.
    """
    if isinstance(value, _Unreadable):
        return [Problem(location, value.message)]
    if isinstance(value, str):
        message = _text_problem(value)
        return [Problem(location, message)] if message else []
    problems = []
    if isinstance(value, dict):
        for name, item in value.items():
            message = _text_problem(name)
            if message:
                problems.append(Problem(location, f"a field name {message}"))
            else:
                problems += _unreadable_values(item, _at(location, name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            problems += _unreadable_values(item, f"{location}[{i}]")
    return problems


def _file_order(problem: Problem) -> tuple:
    # Scale problems first, as the scale comes before the categories in an export.
    return (not problem.location.startswith("scale"), problem.location)


def _scale_for_import(actor: Actor, organisation: Organisation, spec: ScaleSpec) -> RatingScale:
    """The organisation's current scale identical to ``spec``, or a new scale made from it."""
    wanted = normalised_scale(spec)
    candidates = RatingScale.objects.filter(
        organisation=organisation,
        superseded_at__isnull=True,
        retired_at__isnull=True,
        kind=spec.kind,
    ).prefetch_related("points")
    for scale in candidates:
        if normalised_scale(scale_spec_of(scale)) == wanted:
            return scale
    return scale_create(actor=actor, organisation=organisation, spec=spec)


@transaction.atomic
def framework_import(*, actor: Actor, organisation: Organisation, content: bytes) -> Framework:
    """Create one of ``organisation``'s frameworks (and its scale, unless an identical one
    exists) from a file.

    Raises ImportRefused, with every problem and its location, if anything
    is wrong; then nothing at all has been created.
    """
    if len(content) > MAX_FILE_BYTES:
        raise ImportRefused([Problem("", f"the file is larger than {MAX_FILE_BYTES // 1000} kB")])
    framework, scale_spec = document_read(content)
    try:
        scale = _scale_for_import(actor, organisation, scale_spec)
    except ValidationError as error:
        raise ImportRefused(_problems(error, prefix="scale.")) from None
    try:
        return framework_create(
            actor=actor, spec=framework, scale=scale, summary="Framework imported from a file"
        )
    except ValidationError as error:
        raise ImportRefused(_problems(error, prefix="")) from None


def _problems(error: ValidationError, *, prefix: str) -> list[Problem]:
    if not hasattr(error, "error_dict"):
        return [Problem("", message) for message in error.messages]
    return [
        Problem("" if field == NON_FIELD_ERRORS else f"{prefix}{field}", message)
        for field, errors in error.error_dict.items()
        for message in ValidationError(errors).messages
    ]
