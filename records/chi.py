"""Scotland's Community Health Index (CHI) number.

Ten digits: the first six are the date of birth as DDMMYY and the tenth is a
modulus-11 check digit over the first nine (weights 10 down to 2).
"""

import datetime

CHI_LENGTH = 10


def chi_check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when no digit can be valid (remainder 1)."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def chi_problem(raw: str) -> str | None:
    """Why ``raw`` is not a valid CHI number, in plain words; None if it is valid."""
    value = raw.replace(" ", "")
    if len(value) != CHI_LENGTH or not value.isascii() or not value.isdigit():
        return "A CHI number is 10 digits, for example 0101501234."
    day, month, year = int(value[0:2]), int(value[2:4]), int(value[4:6])
    try:
        # The century is not in the number; 2000 is a leap year, so 29 February passes.
        datetime.date(2000 + year, month, day)
    except ValueError:
        return "The first six digits of a CHI number are a date of birth (DDMMYY)."
    if chi_check_digit(value[:9]) != int(value[9]):
        return "This CHI number's last digit does not match; please check it was typed correctly."
    return None


def chi_normalise(raw: str) -> str:
    return raw.replace(" ", "")
