"""``austritt_geplant`` of personen.csv: a year or a date; a bad value is a problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.directory import Directory

HEADER = "id;name;abteilung;telefon;raum;email;teams_id;gruppen;austritt;austritt_geplant\n"


def _load(tmp_path: Path, rows: str) -> Directory:
    (tmp_path / "personen.csv").write_text(HEADER + rows, encoding="utf-8")
    return Directory.load(tmp_path)


def test_year_date_and_firm_leaving(tmp_path: Path) -> None:
    directory = _load(tmp_path, "a;A;Amt;;;;;;;2031\n"
                                "b;B;Amt;;;;;;;30.06.2030\n"
                                "c;C;Amt;;;;;;31.08.2027;2033\n"
                                "d;D;Amt;;;;;;;\n")
    a, b, c, d = (directory.person(pid) for pid in "abcd")
    assert a is not None and (a.planned_leaving, a.planned_year_only) == (date(2031, 12, 31), True)
    assert b is not None and (b.leaves_on, b.planned_year_only) == (date(2030, 6, 30), False)
    assert c is not None and c.leaves_on == date(2027, 8, 31)  # the earlier of both
    assert d is not None and d.leaves_on is None
    assert [p.message for p in directory.problems if p.file == "personen.csv"] == []


def test_unreadable_year_is_a_problem_with_its_line(tmp_path: Path) -> None:
    directory = _load(tmp_path, "a;A;Amt;;;;;;;2o31\nb;B;Amt;;;;;;;bald\nc;C;Amt;;;;;;;31\n")
    problems = [(p.file, p.line) for p in directory.problems if "austritt_geplant" in p.message]
    assert problems == [("personen.csv", 2), ("personen.csv", 3), ("personen.csv", 4)]
    assert all(p.leaves_on is None for p in directory.people.values())


def test_old_files_without_the_column_still_load(tmp_path: Path) -> None:
    header = HEADER.replace(";austritt_geplant", "")
    (tmp_path / "personen.csv").write_text(header + "a;A;Amt;;;;;;2031-01-31\n", encoding="utf-8")
    directory = Directory.load(tmp_path)
    person = directory.person("a")
    assert person is not None and person.leaves_on == date(2031, 1, 31)
    assert not [p for p in directory.problems if p.file == "personen.csv"]


def test_the_gap_report_lists_a_planned_leaving_within_its_horizon(tmp_path: Path) -> None:
    from bot.gaps import gap_report

    directory = _load(tmp_path, "a;A;Amt;;;;;;;2027-03-31\nb;B;Amt;;;;;;;2031\n")
    report = gap_report(directory, date(2026, 12, 2), leaving_days=180)
    assert [(i.key, i.day) for i in report.of("austritt")] == [("a", date(2027, 3, 31))]
