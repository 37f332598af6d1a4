"""Errors shared by every app's services and selectors."""

from django.http import Http404


class ConflictError(Exception):
    """Someone else saved this record (or conversation) after the form was opened."""

    def __init__(self, current):
        super().__init__("The record was changed by someone else.")
        self.current = current


class Refused(Http404):
    """Asked for a record the user may not see or change.

    Shown as a plain "Page not found" that does not reveal whether the record
    exists; ``audit.middleware`` writes the attempt to the audit trail.
    """

    def __init__(self, object_type: str, object_id: object):
        super().__init__("Not found")
        self.object_type = object_type
        self.object_id = _fitted(str(object_id))


# The audit trail holds object ids of up to 64 characters. A longer one (70
# digits typed into a URL, say) is kept in part, marked, so the attempt is
# still audited rather than failing to be. So is one with characters that
# PostgreSQL cannot store (NUL, half a surrogate pair), with those replaced.
MAX_ID_LENGTH = 64
KEPT_OF_LONG_ID = 60


def _fitted(object_id: str) -> str:
    object_id = object_id.replace("\x00", "\ufffd").encode("utf-8", "replace").decode()
    if len(object_id) <= MAX_ID_LENGTH:
        return object_id
    return f"{object_id[:KEPT_OF_LONG_ID]}…"
