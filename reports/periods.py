"""Reporting periods: this quarter, last quarter, last 12 months, or custom dates.

The preset periods are whole calendar months (the last 12 months are this month
and the 11 before it), so reports can add up monthly tallies; a team dashboard
also takes custom dates to the day.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError

PERIOD_CHOICES = [
    ("this_quarter", "This quarter"),
    ("last_quarter", "Last quarter"),
    ("last_12_months", "Last 12 months"),
    ("custom", "Custom dates"),
]
MAX_CUSTOM_DAYS = 5 * 366
# Custom dates outside these years are typing slips; refusing them also keeps the
# period before (and the months around) a period within the calendar.
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2199, 12, 31)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length just before this one: as many whole months
        for a period of whole months, else as many days."""
        end = self.start - datetime.timedelta(days=1)
        if self.whole_months():
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
            start = _months_before(self.start, months + 1)
        else:
            start = end - datetime.timedelta(days=self.days - 1)
        return Period(start, end, f"{start:%-d %b %Y} to {end:%-d %b %Y}")

    def whole_months(self) -> bool:
        return self.start.day == 1 and (self.end + datetime.timedelta(days=1)).day == 1

    def widened_to_whole_months(self) -> "Period":
        start = self.start.replace(day=1)
        end = _months_before(self.end.replace(day=1), -1) - datetime.timedelta(days=1)
        if (start, end) == (self.start, self.end):
            return self
        return Period(start, end, f"{start:%-d %b %Y} to {end:%-d %b %Y} (whole months)")


def _months_before(first_of_month: datetime.date, months: int) -> datetime.date:
    index = first_of_month.year * 12 + first_of_month.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _quarter_end(day: datetime.date) -> datetime.date:
    start = _quarter_start(day)
    month = start.month + 3
    year = start.year + (month > 12)
    return datetime.date(year, (month - 1) % 12 + 1, 1) - datetime.timedelta(days=1)


def period_from(
    kind: str,
    today: datetime.date,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Period:
    """The period a report covers. Raises ValidationError for custom dates that make no sense."""
    if kind == "last_quarter":
        q_end = _quarter_start(today) - datetime.timedelta(days=1)
        q_start = _quarter_start(q_end)
        return Period(q_start, q_end, f"Last quarter ({q_start:%-d %b} to {q_end:%-d %b %Y})")
    if kind == "last_12_months":
        begin = _months_before(today.replace(day=1), 11)
        end = _months_before(today.replace(day=1), -1) - datetime.timedelta(days=1)
        return Period(
            begin, end, f"Last 12 months ({begin:%b %Y} to {end:%b %Y}, this month included)"
        )
    if kind == "custom":
        if not start or not end:
            raise ValidationError("Give both a start and an end date.")
        if end < start:
            raise ValidationError("The end date is before the start date.")
        if start < EARLIEST or end > LATEST:
            raise ValidationError(
                f"Choose dates between {EARLIEST:%-d %B %Y} and {LATEST:%-d %B %Y}."
            )
        if (end - start).days > MAX_CUSTOM_DAYS:
            raise ValidationError("Choose a period of five years or less.")
        return Period(start, end, f"{start:%-d %b %Y} to {end:%-d %b %Y}")
    q_start = _quarter_start(today)
    return Period(
        q_start,
        _quarter_end(today),
        f"This quarter ({q_start:%-d %b} to {_quarter_end(today):%-d %b %Y})",
    )


def quarters_to(day: datetime.date, count: int) -> list[Period]:
    """The ``count`` calendar quarters up to and including the one ``day`` falls in, oldest
    first; the last is labelled "so far" if ``day`` is before its end."""
    quarters = []
    end = _quarter_end(day)
    for _ in range(count):
        start = _quarter_start(end)
        label = f"{start:%b} to {end:%b %Y}"
        quarters.append(Period(start, end, label))
        end = start - datetime.timedelta(days=1)
    quarters.reverse()
    return quarters
