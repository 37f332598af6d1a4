"""What an object id from a URL or a form can be before it is sent to the database."""

# The range of a 64-bit primary key: anything outside it cannot be a row, and
# SQLite raises OverflowError (a server error) if it is sent in a query.
MIN_ID, MAX_ID = -(2**63), 2**63 - 1


def possible_id(value: object) -> bool:
    """Whether ``value`` is a whole number that a 64-bit primary key could hold."""
    try:
        return MIN_ID <= int(str(value)) <= MAX_ID
    except (TypeError, ValueError):
        return False


class UnreadableId(int):
    """An id too long for Python to read as a number (more than 4,300 digits).

    It stands for no row (its value is past any primary key), and prints as
    the digits typed, so the refusal is audited like any other impossible id.
    """

    def __new__(cls, digits: str) -> "UnreadableId":
        unreadable = super().__new__(cls, MAX_ID + 1)
        unreadable.digits = digits
        return unreadable

    def __str__(self) -> str:
        return self.digits

    __repr__ = __str__


class IdConverter:
    """``<id:name>`` in a URL: a row id of any number of digits.

    Django's ``int`` converter fails to match more than 4,300 digits, which
    answers "Page not found" before any view runs, so the attempt is not
    audited. This one hands every run of digits to the view, whose selector
    refuses (and audits) an id that cannot be a row.
    """

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        try:
            return int(value)
        except ValueError:
            return UnreadableId(value)

    def to_url(self, value: object) -> str:
        return str(value)
