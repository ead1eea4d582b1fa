"""Absences from a calendar export (``abwesenheiten.ics``), read with ``icalendar``.

Each VEVENT is one absence. The absent person is, in this order: the property
``X-WISSENSLOTSE-PERSON`` (person id or e-mail), the ORGANIZER's e-mail, the only ATTENDEE's
e-mail. The stand-in is ``X-WISSENSLOTSE-VERTRETUNG`` (person id or e-mail), optional.
All-day events end the day before DTEND (iCalendar's DTEND is exclusive); timed events are
converted to Europe/Berlin. A broken file or event becomes a ``Problem``; never a crash.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.directory.dates import BERLIN
from bot.directory.model import Absence, Problem

log = logging.getLogger(__name__)

PERSON_PROPERTY = "X-WISSENSLOTSE-PERSON"
STAND_IN_PROPERTY = "X-WISSENSLOTSE-VERTRETUNG"


def read_ics(path: Path, people: Mapping[str, str], problems: list[Problem]) -> list[Absence]:
    """Absences of a calendar file; ``people`` maps lower-case e-mails and ids to person ids."""
    import icalendar

    name = path.name
    try:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
    except Exception as err:  # icalendar raises ValueError, KeyError, ...: any means "broken"
        problems.append(Problem(name, None, f"unreadable calendar: {err}"))
        return []
    absences = []
    for number, event in enumerate(calendar.walk("VEVENT"), start=1):
        try:
            absence = _absence(event, people, f"{name}#{number}")
        except _BadEvent as err:
            problems.append(Problem(name, None, f"event {number} ({_summary(event)}): {err}"))
            continue
        except Exception as err:  # a malformed property deep inside icalendar
            problems.append(Problem(name, None, f"event {number}: unreadable ({err})"))
            continue
        if event.get("RRULE") is not None:  # e.g. a part-timer's free Friday
            problems.append(Problem(name, None, f"event {number} ({_summary(event)}) repeats; "
                                    "only its first occurrence counts"))
        absences.append(absence)
    return absences


class _BadEvent(ValueError):
    """Private control flow (not in errors.py on purpose): one unusable VEVENT becomes a
    ``Problem`` of the load and never leaves this module."""


def _absence(event: Any, people: Mapping[str, str], origin: str) -> Absence:
    person = _person(event, people)
    start, end = _days(event)
    stand_in = None
    if event.get(STAND_IN_PROPERTY):
        key = _address(str(event.get(STAND_IN_PROPERTY)))
        stand_in = people.get(key)
        if stand_in is None:
            raise _BadEvent(f"unknown stand-in {key!r}")
    return Absence(person, start, end, stand_in, _summary(event), origin)


def _person(event: Any, people: Mapping[str, str]) -> str:
    candidates: list[str] = []
    if event.get(PERSON_PROPERTY):
        candidates = [str(event.get(PERSON_PROPERTY))]
    elif event.get("ORGANIZER"):
        candidates = [str(event.get("ORGANIZER"))]
    else:
        attendees = event.get("ATTENDEE")
        attendees = attendees if isinstance(attendees, list) else [attendees] if attendees else []
        if len(attendees) != 1:
            raise _BadEvent("names no single person (X-WISSENSLOTSE-PERSON, ORGANIZER, ATTENDEE)")
        candidates = [str(attendees[0])]
    key = _address(candidates[0])
    if key not in people:
        raise _BadEvent(f"unknown person {key!r}")
    return people[key]


def _address(value: str) -> str:
    return value.strip().removeprefix("mailto:").removeprefix("MAILTO:").strip().casefold()


def _days(event: Any) -> tuple[date, date]:
    if event.get("DTSTART") is None:
        raise _BadEvent("no DTSTART")
    start_value = event.decoded("DTSTART")
    end_value = event.decoded("DTEND") if event.get("DTEND") is not None else None
    if end_value is None and event.get("DURATION") is not None:
        end_value = start_value + event.decoded("DURATION")
    for value in (start_value, end_value):
        if value is not None and not isinstance(value, date):  # icalendar keeps "kaputt" as is
            raise _BadEvent(f"unreadable date {str(value)[:40]!r}")
    start = _local_day(start_value)
    if end_value is None:
        end = start
    elif isinstance(end_value, datetime):
        local = _local(end_value)
        midnight = local.time() == datetime.min.time()  # ends at 00:00: the day before
        end = max(local.date() - timedelta(days=1) if midnight else local.date(), start)
    else:
        end = end_value - timedelta(days=1)  # all-day: DTEND is exclusive
    if end < start:
        raise _BadEvent("ends before it starts")
    return start, end


def _local(value: datetime) -> datetime:
    return value.replace(tzinfo=BERLIN) if value.tzinfo is None else value.astimezone(BERLIN)


def _local_day(value: date | datetime) -> date:
    return _local(value).date() if isinstance(value, datetime) else value


def _summary(event: Any) -> str:
    return str(event.get("SUMMARY", "")).strip()
