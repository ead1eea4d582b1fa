"""Absences from calendar exports; a broken file is a problem entry, never a crash."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from bot.directory import Directory

HEADER = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//DE\r\n"
FOOTER = "END:VCALENDAR\r\n"


def event(*lines: str) -> str:
    return "BEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20260701T080000Z\r\n" + "".join(
        f"{line}\r\n" for line in lines) + "END:VEVENT\r\n"


def write_ics(folder: Path, *events: str) -> None:
    (folder / "abwesenheiten.ics").write_text(HEADER + "".join(events) + FOOTER, encoding="utf-8")


def test_events_become_absences(fixture_dir: Path) -> None:
    write_ics(
        fixture_dir,
        # all-day: DTEND is exclusive, so the absence ends on 09.10.
        event("DTSTART;VALUE=DATE:20261005", "DTEND;VALUE=DATE:20261010",
              "SUMMARY:Urlaub", "X-WISSENSLOTSE-PERSON:tkoch",
              "X-WISSENSLOTSE-VERTRETUNG:m.weber@musterstadt.de"),
        # the person by ORGANIZER e-mail, timed (UTC) -> Berlin dates
        event("DTSTART:20261101T230000Z", "DTEND:20261103T150000Z",
              "ORGANIZER:mailto:K.Wolf@musterstadt.de", "SUMMARY:Dienstreise"),
        # the only ATTENDEE, no DTEND: one day
        event("DTSTART;VALUE=DATE:20261201", "ATTENDEE;CN=Hans:mailto:h.braun@musterstadt.de"),
    )
    directory = Directory.load(fixture_dir)
    assert directory.problems == []
    ics = sorted((a.person, a.start, a.end, a.stand_in) for a in directory.absences
                 if a.origin.startswith("abwesenheiten.ics"))
    assert ics == [
        ("hbraun", date(2026, 12, 1), date(2026, 12, 1), None),
        ("kwolf", date(2026, 11, 2), date(2026, 11, 3), None),
        ("tkoch", date(2026, 10, 5), date(2026, 10, 9), "mweber"),
    ]
    who = directory.who_handles("grundsteuer", date(2026, 10, 9))
    assert who.contact is not None and who.contact.id == "mweber"  # the event's stand-in
    assert directory.who_handles("grundsteuer", date(2026, 10, 10)).contact.id == "tkoch"  # type: ignore[union-attr]


def test_bad_events_are_reported_and_good_ones_kept(fixture_dir: Path) -> None:
    write_ics(
        fixture_dir,
        event("DTSTART;VALUE=DATE:20261005", "DTEND;VALUE=DATE:20261010",
              "SUMMARY:Unbekannt", "X-WISSENSLOTSE-PERSON:niemand"),
        event("SUMMARY:Ohne Datum", "X-WISSENSLOTSE-PERSON:tkoch"),
        event("DTSTART;VALUE=DATE:20261010", "DTEND;VALUE=DATE:20261005",
              "SUMMARY:Verkehrt", "X-WISSENSLOTSE-PERSON:tkoch"),
        event("DTSTART;VALUE=DATE:20261005", "SUMMARY:Zwei",
              "ATTENDEE:mailto:t.koch@musterstadt.de", "ATTENDEE:mailto:k.wolf@musterstadt.de"),
        event("DTSTART;VALUE=DATE:20261105", "DTEND;VALUE=DATE:20261107",
              "SUMMARY:Gut", "X-WISSENSLOTSE-PERSON:lfischer"),
    )
    directory = Directory.load(fixture_dir)
    messages = [p.message for p in directory.problems]
    assert all(p.file == "abwesenheiten.ics" for p in directory.problems)
    assert len(messages) == 4, messages
    assert "unknown person 'niemand'" in messages[0]
    assert "no DTSTART" in messages[1]
    assert "ends before it starts" in messages[2]
    assert "no single person" in messages[3]
    good = [a for a in directory.absences if a.origin.startswith("abwesenheiten.ics")]
    assert [(a.person, a.start, a.end) for a in good] == [
        ("lfischer", date(2026, 11, 5), date(2026, 11, 6))]


def test_recurring_event_counts_once_and_is_reported(fixture_dir: Path) -> None:
    write_ics(fixture_dir, event("DTSTART;VALUE=DATE:20261002", "DTEND;VALUE=DATE:20261003",
                                 "RRULE:FREQ=WEEKLY;BYDAY=FR", "SUMMARY:Teilzeit",
                                 "X-WISSENSLOTSE-PERSON:tkoch"))
    directory = Directory.load(fixture_dir)
    [problem] = directory.problems
    assert "repeats; only its first occurrence counts" in problem.message
    assert directory.absence_on("tkoch", date(2026, 10, 2)) is not None
    assert directory.absence_on("tkoch", date(2026, 10, 9)) is None


def test_broken_file_is_a_problem_and_the_rest_loads(fixture_dir: Path) -> None:
    (fixture_dir / "abwesenheiten.ics").write_bytes(b"BEGIN:VCALENDAR\r\nDas ist kaputt\x00\xff")
    directory = Directory.load(fixture_dir)
    [problem] = directory.problems
    assert problem.file == "abwesenheiten.ics" and "unreadable calendar" in problem.message
    assert len(directory.absences) == 4  # those of abwesenheiten.csv
    who = directory.who_handles("hundesteuer", date(2026, 8, 5))
    assert who.contact is not None and who.contact.id == "tkoch"


def test_empty_file_is_a_problem(fixture_dir: Path) -> None:
    (fixture_dir / "abwesenheiten.ics").write_bytes(b"")
    directory = Directory.load(fixture_dir)
    assert [p.file for p in directory.problems] == ["abwesenheiten.ics"]


def test_sample_calendar_event_with_stand_in(sample_dir: Path) -> None:
    directory = Directory.load(sample_dir)
    ines = [a for a in directory.absences if a.person == "iwalter"
            and a.origin.startswith("abwesenheiten.ics")]
    assert [(a.start, a.end, a.stand_in) for a in ines] == [
        (date(2026, 11, 23), date(2026, 11, 27), "hlehmann")]


def test_problems_are_logged_without_names_or_summaries(
        fixture_dir: Path, caplog: Any) -> None:
    import logging

    write_ics(fixture_dir, event("SUMMARY:Kur Tobias Koch", "X-WISSENSLOTSE-PERSON:tkoch"))
    with caplog.at_level(logging.DEBUG, logger="bot"):
        directory = Directory.load(fixture_dir)
    assert any("Kur Tobias Koch" in str(p) for p in directory.problems)  # for the admins
    assert "abwesenheiten.ics" in caplog.text
    assert "Kur" not in caplog.text and "Tobias" not in caplog.text
