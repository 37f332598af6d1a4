"""Reporting periods: this quarter, last quarter, last 12 months, or custom dates."""

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


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        end = self.start - datetime.timedelta(days=1)
        if self._is_quarter():
            start = _quarter_start(end)
        else:
            start = end - datetime.timedelta(days=self.days - 1)
        return Period(start, end, f"{start:%-d %b %Y} to {end:%-d %b %Y}")

    def _is_quarter(self) -> bool:
        return self.start == _quarter_start(self.start) and self.end == _quarter_end(self.start)


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
        begin = today.replace(year=today.year - 1) + datetime.timedelta(days=1)
        return Period(begin, today, f"Last 12 months ({begin:%-d %b %Y} to {today:%-d %b %Y})")
    if kind == "custom":
        if not start or not end:
            raise ValidationError("Give both a start and an end date.")
        if end < start:
            raise ValidationError("The end date is before the start date.")
        if (end - start).days > MAX_CUSTOM_DAYS:
            raise ValidationError("Choose a period of five years or less.")
        return Period(start, end, f"{start:%-d %b %Y} to {end:%-d %b %Y}")
    q_start = _quarter_start(today)
    return Period(
        q_start,
        _quarter_end(today),
        f"This quarter ({q_start:%-d %b} to {_quarter_end(today):%-d %b %Y})",
    )
