"""Every URL pattern of the project, with sample values for its parameters.

Used by the tests that walk the whole site with each role, so a new URL is
covered the moment it is added.
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

SAMPLE_VALUES = {"id": "1", "int": "1", "str": "sample", "slug": "sample", "path": "sample"}


@dataclass(frozen=True)
class Route:
    name: str | None
    pattern: str
    params: tuple[str, ...]

    def path(self, **values: object) -> str:
        """The URL with each parameter replaced by ``values`` or a sample."""

        def fill(match: re.Match) -> str:
            converter, name = match.group(1) or "str", match.group(2)
            if name in values:
                return str(values[name])
            if converter == "uuid":
                return "00000000-0000-0000-0000-000000000001"
            return SAMPLE_VALUES.get(converter, "sample")

        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, self.pattern)


def _as_path(pattern) -> str:
    """A ``re_path`` pattern written like a ``path`` one: ``^(?P<app_label>a|b)/$`` as
    ``<app_label>/``, so it is walked like any other (the admin site has a few)."""
    if not isinstance(pattern, RegexPattern):
        return str(pattern)
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", str(pattern)).lstrip("^").rstrip("$")


def _walk(patterns, prefix: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + _as_path(entry.pattern))
        elif isinstance(entry, URLPattern):
            pattern = prefix + _as_path(entry.pattern)
            params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", pattern))
            yield Route(name=entry.name, pattern=pattern, params=params)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))
