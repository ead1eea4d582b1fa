"""A deadline found in a document, as a rule that can be laid on a calendar (issue 12).

``Rule.key`` is the canonical spelling used by the hand-checked list
(``tests/fixtures/deadlines_expected.yaml``): ``date 2026-10-16``, ``yearly 02-15``,
``month 10`` (some day in October, every year), ``monthly 10`` (the 10th of every month;
``31`` means the month's last day; a trailing ``w`` moves a weekend day to the next
Monday: "erster Arbeitstag nach dem 20." is ``monthly 21w``), ``nth 2 1`` (the second
Tuesday of every month; ``-1`` is the last), ``weekly 0`` (every Monday), ``quarterly 10``
(ten days after each quarter's end; ``0`` is the quarter's last day).

``Rule.dates(start, end)`` expands it into the concrete days of a period; every loop is
bounded by the period's length (at most ``MAX_PERIOD_DAYS``).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

MAX_PERIOD_DAYS = 400  # an absence is at most a year (bot.directory.dates)


@dataclass(frozen=True)
class Rule:
    kind: str  # date | yearly | month | monthly | nth | weekly | quarterly
    year: int = 0
    month: int = 0
    day: int = 0  # day of month; weekday (0 = Monday) for nth and weekly; offset for quarterly
    nth: int = 0
    workday: bool = False

    @property
    def key(self) -> str:
        if self.kind == "date":
            return f"date {self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.kind == "yearly":
            return f"yearly {self.month:02d}-{self.day:02d}"
        if self.kind == "month":
            year = f"{self.year:04d}-" if self.year else ""
            return f"month {year}{self.month:02d}"
        if self.kind == "monthly":
            return f"monthly {self.day}{'w' if self.workday else ''}"
        if self.kind == "nth":
            return f"nth {self.nth} {self.day}"
        if self.kind == "weekly":
            return f"weekly {self.day}"
        return f"quarterly {self.day}"

    def dates(self, start: date, end: date) -> list[date]:
        """The days of ``start``..``end`` (both included) this rule falls on."""
        if end < start:
            return []
        end = min(end, start + timedelta(days=MAX_PERIOD_DAYS))
        found = sorted({d for d in self._candidates(start, end) if start <= d <= end})
        return found

    def _candidates(self, start: date, end: date) -> Iterator[date]:
        if self.kind == "date":
            yield _safe(self.year, self.month, self.day)
        elif self.kind == "weekly":
            first = start + timedelta(days=(self.day - start.weekday()) % 7)
            yield from (first + timedelta(weeks=w) for w in range((end - first).days // 7 + 1))
        else:
            for year, month in _months(start, end):
                yield from self._in_month(year, month)

    def _in_month(self, year: int, month: int) -> Iterator[date]:
        if self.kind == "yearly" and month == self.month:
            yield _safe(year, month, self.day)
        elif self.kind == "month" and month == self.month and self.year in (0, year):
            yield date(year, month, 1)
        elif self.kind == "monthly":
            day = _safe(year, month, self.day)
            yield _next_workday(day) if self.workday else day
        elif self.kind == "nth":
            yield _nth_weekday(year, month, self.day, self.nth)
        elif self.kind == "quarterly" and month in (3, 6, 9, 12):
            yield _safe(year, month, 31) + timedelta(days=self.day)


def _safe(year: int, month: int, day: int) -> date:
    """``day`` 31 in a 30-day month is its last day (``Monatsende``)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _months(start: date, end: date) -> Iterator[tuple[int, int]]:
    # one month more on each side: a quarterly rule of March lands in April
    year, month = (start.year, start.month - 1) if start.month > 1 else (start.year - 1, 12)
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)


def _next_workday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    days = [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)
            if date(year, month, d).weekday() == weekday]
    return days[nth - 1] if nth > 0 else days[nth]


@dataclass(frozen=True)
class Deadline:
    """A rule and where it was found: the sentence or table row, the document and section."""

    rule: Rule
    quote: str
    source: str
    section: str
    page: int | None = None


@dataclass(frozen=True)
class DueDate:
    """A concrete day in a period, with the deadline it comes from."""

    day: date
    deadline: Deadline
