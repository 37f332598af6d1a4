"""Template helpers for the configuration pages."""

from django import template

register = template.Library()


def _words(value) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(_words(item) for item in value) or "(none)"
    return str(value)


@register.filter
def change_text(values) -> str:
    """An audit change ``[old, new]`` as "old → new" (or just "new" when it is new)."""
    if not isinstance(values, list) or len(values) != 2:
        return _words(values)
    old, new = values
    if old is None:
        return _words(new)
    return f"{_words(old)} → {_words(new)}"
