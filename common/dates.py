"""The range of dates a record will accept, shared by forms and services.

A date outside it is almost always a slip of the keyboard (0001 for 2001, a
review set for 2205), and a date far out of range also breaks the arithmetic
of reports. Things that happened (a birth, a review, a conversation) fall
between 1 January 1900 and today; things planned (a next review, a date to
look at a risk again) between 1 January 2000 and ten years from today.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone


def _spoken(day: datetime.date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def _years_from(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year that has none
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class DateRange:
    earliest: datetime.date
    years_ahead: int  # the latest date is this many years from today

    def latest(self) -> datetime.date:
        return _years_from(timezone.localdate(), self.years_ahead)

    def problem(self, value: datetime.date | None) -> str | None:
        """Why ``value`` is out of range, in plain words; None if it is fine or empty."""
        if value is None:
            return None
        if value < self.earliest:
            return f"Give a date from {_spoken(self.earliest)} onwards."
        if value > self.latest():
            if self.years_ahead == 0:
                return "The date cannot be in the future."
            return (
                f"Give a date no later than {_spoken(self.latest())} "
                f"({self.years_ahead} years from today)."
            )
        return None

    def __call__(self, value: datetime.date | None) -> None:
        """A form field validator."""
        problem = self.problem(value)
        if problem:
            raise ValidationError(problem, code="date_out_of_range")


HAPPENED = DateRange(earliest=datetime.date(1900, 1, 1), years_ahead=0)
PLANNED = DateRange(earliest=datetime.date(2000, 1, 1), years_ahead=10)


def dates_check(**dates: tuple[datetime.date | None, DateRange]) -> None:
    """Raise a ValidationError naming each field whose date is out of its range.

    ``dates_check(closed_on=(closed_on, HAPPENED))``, for services: the same
    rule and words as the forms, for callers that bring no form.
    """
    problems = {
        name: problem
        for name, (value, allowed) in dates.items()
        if (problem := allowed.problem(value))
    }
    if problems:
        raise ValidationError(problems)
