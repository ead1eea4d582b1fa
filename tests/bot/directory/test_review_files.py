"""Review: directory files as offices really save them (Excel, Outlook), and garbage."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.directory import Problem, read_absences, read_ics, read_people, read_tasks

PEOPLE = ["id;name;abteilung;telefon;raum;email;teams_id;gruppen;austritt",
          "bschneider;Birgit Schneider;Steueramt;07123 4567-214;1.10;b@x.de;;steueramt;",
          "jmüller;Jörg Müller;Bürgerbüro;;;;;;"]


def _write(folder: Path, name: str, lines: list[str], encoding: str = "utf-8",
           newline: str = "\n", delimiter: str = ";") -> None:
    text = newline.join(line.replace(";", delimiter) for line in lines) + newline
    (folder / name).write_bytes(text.encode(encoding))


@pytest.mark.parametrize(("encoding", "newline", "delimiter"), [
    ("utf-8-sig", "\r\n", ";"),  # Excel "CSV UTF-8"
    ("utf-8-sig", "\r\n", ","),  # Excel with an English list separator
    ("cp1252", "\r\n", ";"),  # Excel "CSV (Trennzeichen-getrennt)"
    ("utf-16", "\r\n", "\t"),  # Excel "Unicode-Text"
])
def test_people_file_as_excel_saves_it(tmp_path: Path, encoding: str, newline: str,
                                       delimiter: str) -> None:
    _write(tmp_path, "personen.csv", PEOPLE, encoding, newline, delimiter)
    problems: list[Problem] = []
    people = read_people(tmp_path, problems)
    assert problems == []
    assert sorted(people) == ["bschneider", "jmüller"]
    assert people["jmüller"].name == "Jörg Müller" and people["bschneider"].groups == (
        "steueramt",)


def test_absence_of_an_unknown_person_is_reported_not_stored(tmp_path: Path) -> None:
    _write(tmp_path, "personen.csv", PEOPLE)
    _write(tmp_path, "abwesenheiten.csv", ["person;von;bis;vertretung;grund",
                                           "niemand;03.08.2026;14.08.2026;;Urlaub",
                                           "bschneider;03.08.2026;14.08.2026;niemand;Urlaub"])
    problems: list[Problem] = []
    absences = read_absences(tmp_path, read_people(tmp_path, problems), problems)
    assert [(a.person, a.stand_in) for a in absences] == [("bschneider", None)]
    assert [(p.line, p.message) for p in problems] == [(2, "unknown person 'niemand'"),
                                                       (3, "unknown person 'niemand'")]


def test_misspelt_optional_column_is_reported(tmp_path: Path) -> None:
    """"stichwörter" instead of "stichwoerter": every task silently lost its keywords."""
    _write(tmp_path, "personen.csv", PEOPLE)
    _write(tmp_path, "zustaendigkeiten.csv", [
        "aufgabe_id;aufgabe;stichwörter;abteilung;zustaendig;vertretung1;vertretung2",
        "hundesteuer;Hundesteuer;Hundemarke;Steueramt;bschneider;;"])
    problems: list[Problem] = []
    tasks = read_tasks(tmp_path, read_people(tmp_path, problems), problems)
    assert "hundesteuer" in tasks
    assert [(p.file, p.line) for p in problems] == [("zustaendigkeiten.csv", 1)]
    assert "stichwörter" in problems[0].message and "stichwoerter" in problems[0].message


@pytest.mark.parametrize("content", [
    b"", b"\x00\xff\xfe garbage", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
    b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Urlaub\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:kaputt\r\nX-WISSENSLOTSE-PERSON:bschneider\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n",
])
def test_garbage_calendar_is_a_problem_not_a_crash(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "abwesenheiten.ics"
    path.write_bytes(content)
    problems: list[Problem] = []
    assert read_ics(path, {"bschneider": "bschneider"}, problems) == []
    assert len(problems) == 1 and problems[0].file == "abwesenheiten.ics"


def test_one_unreadable_calendar_date_does_not_break_who_handles(
        fixture_dir: Path) -> None:
    """icalendar keeps an unparsable DTSTART as the raw text; that string reached the absence
    and every chain through that person then failed with a TypeError."""
    from datetime import date

    from bot.directory.directory import Directory

    folder = fixture_dir
    (folder / "abwesenheiten.ics").write_bytes(
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:kaputt\r\nX-WISSENSLOTSE-PERSON:tkoch\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    directory = Directory.load(folder)
    assert [p.file for p in directory.problems] == ["abwesenheiten.ics"]
    assert directory.who_handles("hundesteuer", date(2026, 8, 5)).contact is not None


def test_unclosed_quote_is_reported_not_swallowing_rows_silently(tmp_path: Path) -> None:
    _write(tmp_path, "personen.csv", [PEOPLE[0], 'tkoch;"Tobias Koch;Steueramt;;;;;;',
                                      *PEOPLE[1:]])
    problems: list[Problem] = []
    people = read_people(tmp_path, problems)
    assert "tkoch" not in people  # its name would hold the following rows
    assert len(problems) == 1 and "quote" in problems[0].message


def test_unclosed_quote_in_a_big_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    rows = [f"p{n};Person {n};Amt;;;;;;" for n in range(8000)]
    _write(tmp_path, "personen.csv", [PEOPLE[0], 'kaputt;"Anfang', *rows])  # > 128 kB after it
    problems: list[Problem] = []
    read_people(tmp_path, problems)
    assert len(problems) == 1 and "unreadable CSV" in problems[0].message
