"""German public holidays, for counting working days (reminders of routed questions).

The nine federal holidays (fixed dates and those that move with Easter) always count; the
holidays of one Land are added with its two-letter code (``WISSENSLOTSE_HOLIDAY_LAND``), and
local ones (Rosenmontag in the Rhineland, a town's own day) as extra dates
(``WISSENSLOTSE_EXTRA_HOLIDAYS``: ``MM-DD`` every year or ``YYYY-MM-DD`` once).

Holidays that only part of a Land keeps (Fronleichnam in parts of Saxony and Thuringia,
Mariä Himmelfahrt in Catholic Bavarian towns, the Augsburg peace festival) are not in the
table: add them as extra dates where they apply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

LANDS = frozenset({"BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL",
                   "SN", "ST", "SH", "TH"})
_FIXED_FEDERAL = ((1, 1), (5, 1), (10, 3), (12, 25), (12, 26))
_EASTER_FEDERAL = (-2, 1, 39, 50)  # Karfreitag, Ostermontag, Christi Himmelfahrt, Pfingstmontag
_FIXED_LAND = {
    (1, 6): {"BW", "BY", "ST"},  # Heilige Drei Könige
    (3, 8): {"BE", "MV"},  # Internationaler Frauentag (MV since 2023)
    (8, 15): {"SL"},  # Mariä Himmelfahrt
    (9, 20): {"TH"},  # Weltkindertag
    (10, 31): {"BB", "HB", "HH", "MV", "NI", "SN", "ST", "SH", "TH"},  # Reformationstag
    (11, 1): {"BW", "BY", "NW", "RP", "SL"},  # Allerheiligen
}
_CORPUS_CHRISTI = {"BW", "BY", "HE", "NW", "RP", "SL"}  # Fronleichnam, Easter + 60
_EXTRA = re.compile(r"^(?:(\d{4})-)?(\d{2})-(\d{2})$")


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_shift = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_shift) // 451
    month, day = divmod(h + weekday_shift - 7 * m + 114, 31)
    return date(year, month, day + 1)


def repentance_day(year: int) -> date:
    """Buß- und Bettag: the Wednesday before 23 November (Saxony)."""
    day = date(year, 11, 22)
    return day - timedelta(days=(day.weekday() - 2) % 7)


@cache
def _holidays_of(year: int, land: str) -> frozenset[date]:
    easter = easter_sunday(year)
    days = {date(year, m, d) for m, d in _FIXED_FEDERAL}
    days |= {easter + timedelta(days=offset) for offset in _EASTER_FEDERAL}
    days |= {date(year, m, d) for (m, d), lands in _FIXED_LAND.items() if land in lands}
    if land in _CORPUS_CHRISTI:
        days.add(easter + timedelta(days=60))
    if land == "SN":
        days.add(repentance_day(year))
    return frozenset(days)


def check_land(land: str) -> str:
    """The Land code in capitals, or ValueError naming the allowed ones ('' = none)."""
    code = land.strip().upper()
    if code and code not in LANDS:
        raise ValueError(f"unknown Land {land!r}; use one of {', '.join(sorted(LANDS))} "
                         "or leave it empty for the federal holidays only")
    return code


def check_extra(entries: Iterable[str]) -> list[str]:
    """``MM-DD`` or ``YYYY-MM-DD`` each (a real date), or ValueError naming the bad entry."""
    checked = []
    for entry in entries:
        match = _EXTRA.match(entry.strip())
        try:
            if match is None:
                raise ValueError(entry)
            # a leap year, so that 02-29 passes as an every-year date
            date(int(match.group(1) or 2024), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise ValueError(f"extra holiday {entry!r} is not MM-DD or YYYY-MM-DD") from None
        checked.append(entry.strip())
    return checked


@dataclass(frozen=True)
class Holidays:
    """The days off of one town hall: federal, its Land's, and extra dates."""

    land: str = ""
    extra: tuple[str, ...] = field(default=())

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        if day in _holidays_of(day.year, self.land):
            return True
        return day.strftime("%m-%d") in self.extra or day.isoformat() in self.extra

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self


def working_days_between(start: date, end: date, holidays: Holidays | None = None) -> int:
    """Working days after ``start`` up to and including ``end`` (weekends and holidays
    do not count; 0 when ``end`` is not after ``start``)."""
    off = holidays or Holidays()
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += off.is_working_day(day)
    return days
