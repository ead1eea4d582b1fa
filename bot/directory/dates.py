"""German dates and date ranges as staff write them: 03.08., 3.8.2026, 3. August, 2026-08-03,
"vom 3. bis 14. August", "03.08.-14.08.", "ab morgen bis Freitag".

Year inference (a date written without a year), relative to ``today`` (Europe/Berlin):
- A single date (``bis 14.08.``, ``am 03.08.``) is in the current year, or in the next year
  when it already lies before today: nobody enters an absence that is entirely over.
- In a range, the end decides: it is in the current year, or the next year when it lies
  before today. A start without a year is in the end's year, or the year before when it
  would come after the end (``28.12.-06.01.``). A range whose start is written with a year
  and whose end is not takes the end from the start's year (or the next one).
  So on 10.08.2026 ``03.08.-14.08.`` is the running absence 03.08.2026-14.08.2026, while on
  20.08.2026 it means 03.08.2027-14.08.2027.
- "diese Woche" runs from today to Friday, "nächste Woche" (or "kommende") Monday to Friday.
- Two-digit years mean 20xx. Weekday names mean the next such day, today included
  (``bis Freitag`` on a Friday is today). ``heute``, ``morgen``, ``übermorgen`` as usual.

Impossible days (31.02.) raise ``DateError(kind="no_such_day")``; an end before its start
``inverted``; a range longer than a year ``too_long`` (also "bis 31.12.2030"); a year outside
2000-2099 ``year_out_of_range``. Every loop here is bounded: chat text is hostile input, and
``date(10000, ...)`` used to make the leap-year search spin forever on the event loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.directory.errors import DateError

BERLIN = ZoneInfo("Europe/Berlin")

MONTHS = {
    "januar": 1, "jan": 1, "jänner": 1, "februar": 2, "feb": 2, "märz": 3, "maerz": 3,
    "mär": 3, "mrz": 3, "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7,
    "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10,
    "okt": 10, "november": 11, "nov": 11, "dezember": 12, "dez": 12,
}
WEEKDAYS = {
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5,
    "sonnabend": 5, "sonntag": 6,
}
RELATIVE = {"heute": 0, "morgen": 1, "übermorgen": 2, "uebermorgen": 2}

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_ATOM = re.compile(
    r"(?<![\w.])(?:"
    r"(?P<iso>(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2}))"
    rf"|(?P<named>(?P<nd>\d{{1,2}})\.?\s*(?P<nm>{_MONTH_RE})\.?(?:\s+(?P<ny>\d{{4}}))?)"
    r"|(?P<num>(?P<dd>\d{1,2})\.(?P<dm>\d{1,2})(?:\.(?P<dy>\d{4}|\d{2}(?!\d))?)?)"
    r"|(?P<day>(?P<od>\d{1,2})\.)"
    rf"|(?P<rel>{'|'.join(RELATIVE)})"
    rf"|(?P<wd>{'|'.join(WEEKDAYS)})"
    r")(?![\w])(?!\s*uhr\b)",  # "8.30 Uhr" is a time, not the 8th of a 30th month
    re.IGNORECASE,
)
_CONNECTOR = re.compile(
    r"^\s*(?:-|–|—|bis(?:\s+(?:zum|einschließlich|einschl\.|inkl\.))?)\s*(?:zum\s+)?$",
    re.IGNORECASE,
)
_WEEK = re.compile(r"\b(diese|nächste|naechste|kommende)\s+woche\b", re.IGNORECASE)
_YEAR_WRAP_DAYS = 92  # a range may cross New Year only when it is this short
MIN_YEAR, MAX_YEAR = 2000, 2099  # two-digit years mean 20xx; nobody is away in 1999 or 2100
_LEAP_SEARCH_YEARS = 8  # a 29 February is at most 8 years from the next one (2096 -> 2104)
_UNTIL = re.compile(r"(?:^|\s)bis(?:\s+(?:zum|einschließlich|einschl\.|inkl\.))?\s*$", re.I)


@dataclass(frozen=True)
class DateRange:
    """A range found in a text; ``end`` is None for an open start (``ab 03.08.``)."""

    start: date
    end: date | None
    span: tuple[int, int]  # where it stands in the text

    @property
    def days(self) -> int:
        return 1 if self.end is None else (self.end - self.start).days + 1


@dataclass(frozen=True)
class _Atom:
    """A date expression before year inference: any part may be missing."""

    text: str
    span: tuple[int, int]
    day: int | None = None
    month: int | None = None
    year: int | None = None
    offset: int | None = None  # heute/morgen
    weekday: int | None = None


def today_in_berlin(now: datetime | None = None) -> date:
    """Today's date in Europe/Berlin (the date staff mean when they say "heute")."""
    return (now or datetime.now(tz=BERLIN)).astimezone(BERLIN).date()


def parse_full_date(text: str) -> date:
    """A date with its year, as in the CSV files: ``TT.MM.JJJJ`` or ISO ``JJJJ-MM-TT``."""
    value = text.strip()
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})|(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if not match:
        raise DateError(value)
    if match.group(1):
        day, month, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
    else:
        year, month, day = int(match.group(4)), int(match.group(5)), int(match.group(6))
    return _make(value, year, month, day)


def parse_date(text: str, today: date) -> date:
    """One German date (any form above), the year inferred as a single date."""
    atoms = _atoms(text)
    if len(atoms) != 1 or atoms[0].day is not None and atoms[0].month is None:
        raise DateError(text.strip())
    return _resolve_single(atoms[0], today)


def parse_range(text: str, today: date) -> DateRange:
    """The whole text is a date or a range (``03.08.-14.08.``, ``vom 3. bis 14. August``)."""
    found = find_range(text, today)
    if found is None:
        raise DateError(text.strip())
    return found


def find_range(text: str, today: date) -> DateRange | None:
    """The first date or range in a free text, or None when it names no date at all."""
    atoms = _atoms(text)
    if not atoms:
        return _week(text, today)
    first = atoms[0]
    if len(atoms) > 1 and _CONNECTOR.match(text[first.span[1] : atoms[1].span[0]]):
        return _resolve_range(first, atoms[1], today, text[first.span[0] : atoms[1].span[1]])
    if first.day is not None and first.month is None:
        raise DateError(first.text)  # "3." alone: which month?
    if _UNTIL.search(text[: first.span[0]]):
        end = _resolve_single(first, today)
        return _checked(today, end, first.text, (first.span[0], first.span[1]))
    day = _resolve_single(first, today)
    prefix = text[: first.span[0]].rstrip().lower()
    open_start = prefix.endswith(("ab", "seit"))
    return DateRange(day, None if open_start else day, first.span)


def _week(text: str, today: date) -> DateRange | None:
    """"diese Woche" (today to Friday), "nächste/kommende Woche" (Monday to Friday)."""
    match = _WEEK.search(text)
    if match is None:
        return None
    monday = today - timedelta(days=today.weekday())
    if match.group(1).lower() == "diese":
        return DateRange(today, max(today, monday + timedelta(days=4)), match.span())
    monday += timedelta(days=7)
    return DateRange(monday, monday + timedelta(days=4), match.span())


def _atoms(text: str) -> list[_Atom]:
    atoms = []
    for m in _ATOM.finditer(text):
        span = (m.start(), m.end())
        if m.group("iso"):
            atom = _Atom(m.group(0), span, int(m["id"]), int(m["im"]), int(m["iy"]))
        elif m.group("named"):
            year = int(m["ny"]) if m["ny"] else None
            atom = _Atom(m.group(0), span, int(m["nd"]), MONTHS[m["nm"].lower()], year)
        elif m.group("num"):
            atom = _Atom(m.group(0), span, int(m["dd"]), int(m["dm"]), _year(m["dy"]))
        elif m.group("day"):
            atom = _Atom(m.group(0), span, int(m["od"]))
        elif m.group("rel"):
            atom = _Atom(m.group(0), span, offset=RELATIVE[m["rel"].lower()])
        else:
            atom = _Atom(m.group(0), span, weekday=WEEKDAYS[m["wd"].lower()])
        atoms.append(atom)
    return atoms


def _year(digits: str | None) -> int | None:
    if not digits:
        return None
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _make(text: str, year: int, month: int, day: int) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(text.strip(), "year_out_of_range")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(text.strip(), "no_such_day") from None


def _relative(atom: _Atom, reference: date) -> date | None:
    if atom.offset is not None:
        return reference + timedelta(days=atom.offset)
    if atom.weekday is not None:
        return reference + timedelta(days=(atom.weekday - reference.weekday()) % 7)
    return None


def _resolve_single(atom: _Atom, today: date) -> date:
    relative = _relative(atom, today)
    if relative is not None:
        return relative
    assert atom.day is not None and atom.month is not None
    if atom.year is not None:
        return _make(atom.text, atom.year, atom.month, atom.day)
    _make(atom.text, 2024, atom.month, atom.day)  # a leap year: rejects only impossible days
    day = _valid_in(atom, today.year)
    return day if day >= today else _valid_in(atom, today.year + 1)


def _valid_in(atom: _Atom, year: int) -> date:
    """The atom's day in ``year``; a 29 February moves to the next leap year's."""
    assert atom.day is not None and atom.month is not None
    for candidate in range(year, year + _LEAP_SEARCH_YEARS + 1):
        if not MIN_YEAR <= candidate <= MAX_YEAR:
            break
        try:
            return date(candidate, atom.month, atom.day)
        except ValueError:
            continue
    raise DateError(atom.text.strip(), "year_out_of_range")


def _resolve_range(first: _Atom, second: _Atom, today: date, text: str) -> DateRange:
    span = (first.span[0], second.span[1])
    if first.month is None and first.day is not None:  # "3. bis 14. August"
        first = _Atom(first.text, first.span, first.day, second.month, second.year)
    start_rel = _relative(first, today)
    if start_rel is not None:
        end = _relative(second, start_rel) or _resolve_end(second, start_rel, today)
        return _checked(start_rel, end, text, span)
    if second.day is not None and second.month is None:
        raise DateError(second.text)
    if first.year is not None and second.year is None and second.offset is None:
        start = _make(first.text, first.year, first.month or 0, first.day or 0)
        end = _resolve_end(second, start, today)
        return _checked(start, end, text, span)
    end = _relative(second, today) or _resolve_single(second, today)
    if first.year is not None:
        start = _make(first.text, first.year, first.month or 0, first.day or 0)
    else:
        _make(first.text, 2024, first.month or 0, first.day or 0)
        start = _valid_in(first, end.year)
        if start > end:  # "28.12.-06.01." crosses New Year; "14.08.-03.08." is a mistake
            earlier = _valid_in(first, end.year - 1)
            start = earlier if (end - earlier).days <= _YEAR_WRAP_DAYS else start
    return _checked(start, end, text, span)


def _resolve_end(atom: _Atom, start: date, today: date) -> date:
    """The end of a range whose start is known: the first such day on or after the start."""
    relative = _relative(atom, start)
    if relative is not None:
        return relative
    if atom.year is not None:
        return _make(atom.text, atom.year, atom.month or 0, atom.day or 0)
    _make(atom.text, 2024, atom.month or 0, atom.day or 0)
    end = _valid_in(atom, start.year)
    if end >= start:
        return end
    later = _valid_in(atom, start.year + 1)
    return later if (later - start).days <= _YEAR_WRAP_DAYS else end


def _checked(start: date, end: date, text: str, span: tuple[int, int]) -> DateRange:
    if end < start:
        raise DateError(text, "inverted")
    if (end - start).days > 366:
        raise DateError(text, "too_long")
    return DateRange(start, end, span)


def format_date(day: date) -> str:
    """A date as staff write it, 14.08.2026: the one formatter of every German text."""
    return day.strftime("%d.%m.%Y")
