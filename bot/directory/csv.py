"""Reading the directory's CSV files: rows in, data classes and ``Problem`` entries out.

A bad row is reported with its file and line and left out (or, for a bad person reference in
an otherwise good row, the reference is dropped); the rest of the file loads.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from bot.directory.dates import parse_full_date
from bot.directory.errors import DateError
from bot.directory.model import Absence, Department, Person, Problem, Task
from indexer.errors import LoaderError
from indexer.loaders.csv import sniff_delimiter
from indexer.loaders.text import decode_text, read_bytes

log = logging.getLogger(__name__)

PEOPLE_FILE = "personen.csv"
TASKS_FILE = "zustaendigkeiten.csv"
DEPARTMENTS_FILE = "abteilungen.csv"
ABSENCES_FILE = "abwesenheiten.csv"

PEOPLE_COLUMNS = ("id", "name", "abteilung", "telefon", "raum", "email", "teams_id", "gruppen",
                  "austritt", "austritt_geplant")
# a planned leaving year outside this range is a typo (2o31, 231), not a plan
PLANNED_YEARS = range(1950, 2101)
TASK_COLUMNS = ("aufgabe_id", "aufgabe", "stichwoerter", "abteilung", "zustaendig",
                "vertretung1", "vertretung2")
DEPARTMENT_COLUMNS = ("abteilung", "leitung", "telefon")
ABSENCE_COLUMNS = ("person", "von", "bis", "vertretung", "grund")

Row = dict[str, str]


def read_rows(
    path: Path, columns: tuple[str, ...], required: tuple[str, ...], problems: list[Problem]
) -> Iterator[tuple[int, Row]]:
    """Rows of a ``;`` CSV file as (line, row); missing files and bad rows become problems."""
    name = path.name
    if not path.is_file():
        problems.append(Problem(name, None, "file is missing"))
        return
    try:  # the loaders' decoding: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252
        text = decode_text(read_bytes(path))
    except LoaderError as error:
        problems.append(Problem(name, None, f"cannot read: {error.reason}"))
        return
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        absent = [c for c in required if c not in header]
        if absent:
            problems.append(Problem(name, 1, f"header lacks column(s) {', '.join(absent)}"))
            return
        unknown = [h for h in header if h and h not in columns]
        if unknown:  # a misspelt optional column would otherwise be empty without a word
            problems.append(Problem(name, 1, f"unknown column(s) {', '.join(unknown)} "
                                             f"ignored; known: {', '.join(columns)}"))
        for values in reader:
            problem = _row_problem(header, values, required)
            if problem:
                problems.append(Problem(name, reader.line_num, problem))
            elif problem is None:
                row = {h: v.strip() for h, v in zip(header, values, strict=False)}
                yield reader.line_num, {c: row.get(c, "") for c in columns}
    except csv.Error as err:  # e.g. a quote never closed in a big file: "field larger than"
        problems.append(Problem(name, reader.line_num,
                                f"unreadable CSV ({err}); the rest of the file is ignored"))


def _row_problem(header: list[str], values: list[str], required: tuple[str, ...]) -> str | None:
    """Why a row is left out; "" for an empty row (left out silently), None for a good one."""
    if not any(v.strip() for v in values):
        return ""
    if any("\n" in v or "\r" in v for v in values):
        return ('a value runs over several lines (a quote " not closed?); the rows it '
                "swallowed are lost too: fix the quote")
    if len(values) < len(header):
        return f"row lacks column(s) {', '.join(header[len(values):])}"
    row = dict(zip(header, values, strict=False))
    empty = [c for c in required if not row.get(c, "").strip()]
    if empty:
        return f"empty required value(s) {', '.join(empty)}"
    return None


def split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def read_people(folder: Path, problems: list[Problem]) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for line, row in read_rows(folder / PEOPLE_FILE, PEOPLE_COLUMNS, ("id", "name"), problems):
        if row["id"] in people:
            problems.append(Problem(PEOPLE_FILE, line, f"duplicate person id {row['id']!r}"))
            continue
        leaving = _optional_date(row["austritt"], PEOPLE_FILE, line, problems)
        planned, year_only = _planned_leaving(row["austritt_geplant"], line, problems)
        people[row["id"]] = Person(
            id=row["id"], name=row["name"], department=row["abteilung"], phone=row["telefon"],
            room=row["raum"], email=row["email"], teams_id=row["teams_id"],
            groups=split_list(row["gruppen"]), leaving=leaving, planned_leaving=planned,
            planned_year_only=year_only,
        )
    return people


def read_departments(
    folder: Path, people: dict[str, Person], problems: list[Problem]
) -> dict[str, Department]:
    departments: dict[str, Department] = {}
    path = folder / DEPARTMENTS_FILE
    for line, row in read_rows(path, DEPARTMENT_COLUMNS, ("abteilung",), problems):
        name = row["abteilung"]
        if name.casefold() in departments:
            problems.append(Problem(DEPARTMENTS_FILE, line, f"duplicate department {name!r}"))
            continue
        head = _person_ref(row["leitung"], people, DEPARTMENTS_FILE, line, problems)
        departments[name.casefold()] = Department(name, head, row["telefon"])
    return departments


def read_tasks(folder: Path, people: dict[str, Person], problems: list[Problem]) -> dict[str, Task]:
    tasks: dict[str, Task] = {}
    required = ("aufgabe_id", "aufgabe")
    for line, row in read_rows(folder / TASKS_FILE, TASK_COLUMNS, required, problems):
        task_id = row["aufgabe_id"]
        if task_id in tasks:
            problems.append(Problem(TASKS_FILE, line, f"duplicate task id {task_id!r}"))
            continue
        if not row["zustaendig"]:
            problems.append(Problem(TASKS_FILE, line, f"task {task_id!r} names no responsible"))
        responsible = _person_ref(row["zustaendig"], people, TASKS_FILE, line, problems)
        deputies = [
            _person_ref(row[c], people, TASKS_FILE, line, problems)
            for c in ("vertretung1", "vertretung2")
        ]
        tasks[task_id] = Task(
            id=task_id, name=row["aufgabe"], keywords=split_list(row["stichwoerter"]),
            department=row["abteilung"], responsible=responsible,
            deputies=tuple(d for d in deputies if d),
        )
    return tasks


def read_absences(
    folder: Path, people: dict[str, Person], problems: list[Problem]
) -> list[Absence]:
    absences: list[Absence] = []
    required = ("person", "von", "bis")
    for line, row in read_rows(folder / ABSENCES_FILE, ABSENCE_COLUMNS, required, problems):
        if row["person"] not in people:
            problems.append(Problem(ABSENCES_FILE, line, f"unknown person {row['person']!r}"))
            continue
        try:
            start, end = parse_full_date(row["von"]), parse_full_date(row["bis"])
        except DateError as err:
            problems.append(Problem(ABSENCES_FILE, line, f"unreadable date {err.value!r}"))
            continue
        if end < start:
            problems.append(Problem(ABSENCES_FILE, line, "end date lies before start date"))
            continue
        stand_in = _person_ref(row["vertretung"], people, ABSENCES_FILE, line, problems)
        absences.append(
            Absence(row["person"], start, end, stand_in, row["grund"], f"{ABSENCES_FILE}:{line}")
        )
    return absences


def report_overlaps(absences: list[Absence], problems: list[Problem]) -> None:
    """Two absences of one person from the same file that overlap: probably a typo."""
    ordered = sorted(absences, key=lambda a: (a.person, a.origin.split(":")[0], a.start))
    for before, after in zip(ordered, ordered[1:], strict=False):
        same_file = before.origin.split(":")[0] == after.origin.split(":")[0]
        if before.person == after.person and same_file and after.start <= before.end:
            file, _, line = after.origin.partition(":")
            problems.append(Problem(
                file, int(line) if line.isdigit() else None,
                f"absence of {after.person!r} overlaps the one from {before.origin}",
            ))


def _person_ref(
    pid: str, people: dict[str, Person], file: str, line: int, problems: list[Problem]
) -> str | None:
    if not pid:
        return None
    if pid not in people:
        problems.append(Problem(file, line, f"unknown person {pid!r}"))
        return None
    return pid


def _planned_leaving(
    value: str, line: int, problems: list[Problem]
) -> tuple[date | None, bool]:
    """``austritt_geplant``: a year (``2031``, read as 31.12.2031) or a full date."""
    if not value:
        return None, False
    if value.isdigit() and len(value) == 4 and int(value) in PLANNED_YEARS:
        return date(int(value), 12, 31), True
    try:
        day = parse_full_date(value)
    except DateError:
        day = None
    if day is None or day.year not in PLANNED_YEARS:
        problems.append(Problem(PEOPLE_FILE, line, f"unreadable planned leaving {value!r} "
                                                   "(austritt_geplant): use 2031 or 2031-06-30"))
        return None, False
    return day, False


def _optional_date(value: str, file: str, line: int, problems: list[Problem]) -> date | None:
    if not value:
        return None
    try:
        return parse_full_date(value)
    except DateError:
        problems.append(Problem(file, line, f"unreadable date {value!r}"))
        return None

