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
