"""Disclosure control for organisation-level figures: the cell-key method.

The cell-key method adds a small, consistent amount of noise to every count an
organisation report or export shows (the ONS used it for Census 2021 outputs,
the ABS for TableBuilder). Hiding cells ("<5") could be undone: a hidden count
was pinned by a total beside it, by a mean, or by comparing two filters. Here
nothing is hidden and no count is exact, so differencing finds nothing exact.

How it works:

- Every record counted (an outcome, a rating, a review) has a *record key*, a
  number from 0 to 255 drawn from a keyed hash of its id (HMAC-SHA256 with
  ``settings.REPORT_KEY``): fixed for the record, unknowable without the key.
- A cell counts some records; its *cell key* is the sum of their record keys,
  modulo 256. The tallies keep the sum of record keys beside each count, since
  sums add up as counts do (``Count``).
- The *perturbation table* (``perturbed``) maps the true count and the cell key
  to the count shown. The same records give the same cell key, so the same cell
  shows the same value on every page, filter, export and reload: asking again
  averages nothing away.
- Totals are cells of their own (perturbed from their own count and key, not
  added up from perturbed cells), so a table need not add up exactly.
- Percentages and means are worked out from the counts shown, never from true
  counts, so they tell nothing the counts do not.

The parameters (``THRESHOLD``, ``MAX_PERTURBATION``) are published in
``METHOD_NOTE``, shown on every organisation report and export; the key is not.
"""

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings

THRESHOLD = 5  # no count from 1 to THRESHOLD - 1 is ever shown
MAX_PERTURBATION = 2  # a count of THRESHOLD or more is shown within this many of its true value
KEYS = 256  # record and cell keys run from 0 to 255

METHOD_NOTE = (
    "Cell-key perturbation (the method of the ONS for Census 2021 and of the ABS "
    "TableBuilder): every count is shown with a small, fixed amount of noise, the same "
    "each time the same people are counted. Counts of 1 to 4 are shown as 0 or 5; "
    "larger counts are shown at most 2 away from the true count, and never as 1 to 4. "
    "Totals are protected in their own right, so a table may not add up exactly. "
    "Percentages and means are worked out from the counts shown."
)

# The chance of each change for a count of THRESHOLD or more, from -2 to +2: a
# symmetric spread, so the noise adds no bias before the floor at THRESHOLD.
_SPREAD = (26, 51, 102, 51, 26)  # out of KEYS; adds up to 256


class Count(int):
    """A count of records, carrying the sum of their record keys (``key``).

    Adds and subtracts as an int does, key and all, so tallies and rows are added
    up unchanged; anything else (a template, a sum with plain ints) sees the count.
    """

    key: int

    def __new__(cls, n: int = 0, key: int = 0) -> "Count":
        count = super().__new__(cls, n)
        count.key = key
        return count

    def __add__(self, other):
        if isinstance(other, int):
            return Count(int(self) + int(other), self.key + getattr(other, "key", 0))
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, int):
            return Count(int(self) - int(other), self.key - getattr(other, "key", 0))
        return NotImplemented

    def __rsub__(self, other):
        if isinstance(other, int):
            return Count(int(other) - int(self), getattr(other, "key", 0) - self.key)
        return NotImplemented

    def __neg__(self):
        return Count(-int(self), -self.key)

    def __bool__(self) -> bool:
        # A change that swaps one record for another leaves the count but not the key.
        return int(self) != 0 or self.key != 0

    def __str__(self) -> str:
        return str(int(self))

    def __repr__(self) -> str:
        return f"Count({int(self)}, key={self.key})"

    def __reduce__(self):
        return (Count, (int(self), self.key))


# A count of nothing, shared: counts are never changed in place.
ZERO = Count()


@lru_cache(maxsize=1)
def _report_key() -> bytes:
    return settings.REPORT_KEY.encode()


def record_key(kind: str, pk: int) -> int:
    """The record key of an outcome or a review (``kind``), from 0 to 255."""
    return hmac.new(_report_key(), f"{kind}:{pk}".encode(), hashlib.sha256).digest()[0]


def record_key_sql(kind: str, column: str) -> str:
    """``record_key`` as a PostgreSQL expression of an id column (for the rebuild).

    PostgreSQL has SHA-256 but no HMAC without an extension, so the HMAC is spelt
    out: SHA-256 of the outer padded key and SHA-256 of the inner padded key and
    the message (RFC 2104). Only hex of the key goes into the text.
    """
    key = _report_key()
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = bytes(b ^ 0x36 for b in key).hex()
    outer = bytes(b ^ 0x5C for b in key).hex()
    message = f"convert_to('{kind}:' || {column}::text, 'UTF8')"
    return f"get_byte(sha256('\\x{outer}'::bytea || sha256('\\x{inner}'::bytea || {message})), 0)"


def cell_key(count: Count) -> int:
    return count.key % KEYS


def perturbed(count: int) -> int:
    """The count shown for a cell: its true count moved by the perturbation table.

    0 stays 0. A count of 1 to 4 is shown as 5 for a share of cell keys in
    proportion to it (so on average it is right), else as 0. A larger count moves
    by -2 to +2 as its cell key falls in the spread, and is never shown below 5.
    """
    if not isinstance(count, Count):
        raise TypeError("An organisation figure needs its record keys to be protected.")
    n = int(count)
    if n <= 0:
        return 0
    key = cell_key(count)
    if n < THRESHOLD:
        return THRESHOLD if key < round(KEYS * n / THRESHOLD) else 0
    for change, share in zip(range(-MAX_PERTURBATION, MAX_PERTURBATION + 1), _SPREAD, strict=True):
        if key < share:
            return max(n + change, THRESHOLD)
        key -= share
    raise AssertionError("the spread covers every cell key")


def possible_counts(shown: int) -> range:
    """Every true count the perturbation table could show as ``shown``: what someone
    who knows the method but not the key can tell from one cell."""
    if shown == 0:
        return range(0, THRESHOLD)
    low = 1 if shown == THRESHOLD else max(shown - MAX_PERTURBATION, THRESHOLD)
    return range(low, shown + MAX_PERTURBATION + 1)
