"""Structural promises of the sample knowledge base (Stadt Musterstadt).

These tests read the real files in ``knowledge_base/``: counts and formats, the directory CSVs,
references between documents, people and tasks, the deputy situations the demo relies on
(computed for today's date), and the evaluation questions.
"""

from __future__ import annotations

import csv
import fnmatch
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

KB = Path(__file__).resolve().parents[1] / "knowledge_base"
DIRECTORY = KB / "_verzeichnis"
FORMATS = {".md", ".pdf", ".docx", ".odt", ".txt", ".csv"}
META_KEYS = {
    "titel",
    "aufgaben",
    "zustaendig",
    "vertretung",
    "stichwoerter",
    "zugriff",
    "abteilung",
    "dokumenttyp",
    "zuletzt_geprueft",
    "title",
    "tasks",
    "responsible",
    "deputies",
    "keywords",
    "groups",
    "department",
    "doc_type",
    "last_reviewed",
}
DOC_TYPES = {"uebergabe", "verfahren", "checkliste", "info"}
HEADERS = {
    "personen.csv": [
        "id",
        "name",
        "abteilung",
        "telefon",
        "raum",
        "email",
        "teams_id",
        "gruppen",
        "austritt",
        "austritt_geplant",
    ],
    "abteilungen.csv": ["abteilung", "leitung", "telefon"],
    "zustaendigkeiten.csv": [
        "aufgabe_id",
        "aufgabe",
        "stichwoerter",
        "abteilung",
        "zustaendig",
        "vertretung1",
        "vertretung2",
    ],
    "abwesenheiten.csv": ["person", "von", "bis", "vertretung", "grund"],
}


@dataclass(frozen=True)
class Absence:
    person: str
    start: date
    end: date  # inclusive
    stand_in: str | None


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DIRECTORY / name, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        rows = list(reader)
        assert reader.fieldnames == HEADERS[name], f"{name}: header {reader.fieldnames}"
    for line, row in enumerate(rows, start=2):
        assert None not in row and None not in row.values(), (
            f"{name}:{line}: wrong number of fields"
        )
    return rows


def parse_day(text: str) -> date:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def ignore_patterns() -> list[str]:
    lines = (KB / ".indexignore").read_text(encoding="utf-8").splitlines()
    return [s.strip() for s in lines if s.strip() and not s.strip().startswith("#")]


def documents() -> list[Path]:
    """The files the indexer will read: supported formats, no ignored paths, no sidecars."""
    patterns = ignore_patterns()
    found = []
    for path in sorted(KB.rglob("*")):
        rel = path.relative_to(KB)
        if not path.is_file() or path.suffix.lower() not in FORMATS:
            continue
        if any(part.startswith(("_", ".")) for part in rel.parts):
            continue
        if any(
            fnmatch.fnmatch(rel.as_posix(), p) or fnmatch.fnmatch(path.name, p) for p in patterns
        ):
            continue
        found.append(path)
    return found


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path.name}: no front matter"
    block = text.split("---\n", 2)[1]
    meta = yaml.safe_load(block)
    assert isinstance(meta, dict), f"{path.name}: front matter is not a mapping"
    return meta


def document_metas() -> Iterator[tuple[str, dict[str, Any]]]:
    """(relative path, metadata) for every Markdown document and every sidecar."""
    for path in documents():
        rel = path.relative_to(KB).as_posix()
        if path.suffix == ".md":
            yield rel, front_matter(path)
        sidecar = path.with_name(path.name + ".meta.yaml")
        if sidecar.exists():
            meta = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
            assert isinstance(meta, dict), f"{sidecar.name}: not a mapping"
            yield rel, meta


def listed(meta: dict[str, Any], *keys: str) -> list[str]:
    for key in keys:
        value = meta.get(key)
        if value is None:
            continue
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return []


def absences() -> list[Absence]:
    found = [
        Absence(r["person"], parse_day(r["von"]), parse_day(r["bis"]), r["vertretung"] or None)
        for r in read_csv("abwesenheiten.csv")
    ]
    icalendar = pytest.importorskip("icalendar")
    calendar = icalendar.Calendar.from_ical((DIRECTORY / "abwesenheiten.ics").read_bytes())
    for event in calendar.walk("VEVENT"):
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        if isinstance(start, datetime):
            start, end = start.date(), end.date()
        else:  # all-day: DTEND is exclusive
            end = end - timedelta(days=1)
        stand_in = event.get("X-WISSENSLOTSE-VERTRETUNG")
        found.append(
            Absence(
                str(event["X-WISSENSLOTSE-PERSON"]), start, end, str(stand_in) if stand_in else None
            )
        )
    return found


def away_on(day: date) -> set[str]:
    return {a.person for a in absences() if a.start <= day <= a.end}


# --- documents -----------------------------------------------------------------------------


def test_enough_documents_in_enough_departments() -> None:
    docs = documents()
    departments = {p.relative_to(KB).parts[0] for p in docs if len(p.relative_to(KB).parts) > 1}
    assert len(docs) >= 30, f"only {len(docs)} documents"
    assert len(departments) >= 6, f"only departments {sorted(departments)}"


def test_office_formats_present() -> None:
    by_suffix: dict[str, list[Path]] = {}
    for path in documents():
        by_suffix.setdefault(path.suffix.lower(), []).append(path)
    assert len(by_suffix.get(".pdf", [])) >= 5
    assert len(by_suffix.get(".docx", [])) >= 4
    assert len(by_suffix.get(".odt", [])) >= 2


def test_some_pdfs_have_several_pages_and_text() -> None:
    pypdf = pytest.importorskip("pypdf")
    pages = []
    for path in (p for p in documents() if p.suffix == ".pdf"):
        reader = pypdf.PdfReader(str(path))
        text = " ".join(page.extract_text() or "" for page in reader.pages)
        assert len(text.split()) >= 200, f"{path.name}: too little extractable text"
        pages.append(len(reader.pages))
    assert sum(1 for n in pages if n >= 2) >= 2, f"page counts {pages}"


def test_office_documents_have_text() -> None:
    docx = pytest.importorskip("docx")
    for path in (p for p in documents() if p.suffix == ".docx"):
        words = sum(len(par.text.split()) for par in docx.Document(str(path)).paragraphs)
        assert words >= 200, f"{path.name}: only {words} words"
    odf_opendocument = pytest.importorskip("odf.opendocument")
    odf_text = pytest.importorskip("odf.text")
    from odf import teletype

    for path in (p for p in documents() if p.suffix == ".odt"):
        doc = odf_opendocument.load(str(path))
        elements = doc.getElementsByType(odf_text.P) + doc.getElementsByType(odf_text.H)
        words = sum(len(teletype.extractText(e).split()) for e in elements)
        assert words >= 200, f"{path.name}: only {words} words"


def test_markdown_documents_are_substantial_and_well_formed() -> None:
    for path in (p for p in documents() if p.suffix == ".md"):
        meta = front_matter(path)
        unknown = set(meta) - META_KEYS
        assert not unknown, f"{path.name}: unknown keys {unknown}"
        assert meta.get("titel") or meta.get("title"), f"{path.name}: no title"
        assert (meta.get("dokumenttyp") or meta.get("doc_type")) in DOC_TYPES, path.name
        reviewed = meta.get("zuletzt_geprueft") or meta.get("last_reviewed")
        assert isinstance(reviewed, date), f"{path.name}: zuletzt_geprueft is not a date"
        words = len(path.read_text(encoding="utf-8").split("---\n", 2)[2].split())
        assert words >= 300, f"{path.name}: only {words} words"


def test_a_document_is_restricted_to_a_group() -> None:
    groups = {g for r in read_csv("personen.csv") for g in r["gruppen"].split(",") if g}
    restricted = {
        rel: listed(m, "zugriff", "groups")
        for rel, m in document_metas()
        if listed(m, "zugriff", "groups")
    }
    assert restricted, "no document restricted to a group"
    for rel, needed in restricted.items():
        assert set(needed) <= groups, f"{rel}: unknown groups {set(needed) - groups}"


def test_ignore_file_and_templates() -> None:
    assert {"README.md", "fragen.jsonl"} <= set(ignore_patterns())
    for name in ("uebergabedokument.md", "verfahrensbeschreibung.md"):
        assert (KB / "_vorlagen" / name).is_file()
    rels = {p.relative_to(KB).as_posix() for p in documents()}
    assert "README.md" not in rels and "fragen.jsonl" not in rels


# --- directory -------------------------------------------------------------------------------


def test_people_are_valid() -> None:
    people = read_csv("personen.csv")
    ids = [r["id"] for r in people]
    assert len(ids) == len(set(ids)) and len(ids) >= 30
    emails = [r["email"].lower() for r in people]
    assert len(emails) == len(set(emails)) and all("@" in e for e in emails)
    departments = {r["abteilung"] for r in read_csv("abteilungen.csv")}
    for row in people:
        assert row["abteilung"] in departments, row["id"]
        if row["austritt"]:
            parse_day(row["austritt"])
    assert any(r["austritt"] for r in people), "no planned leaving date"


def test_a_third_to_40_percent_leave_within_ten_years() -> None:
    """docs/wissensrisiko.md: a town hall with an average age near 50 (as of 02.12.2026)."""
    people = read_csv("personen.csv")
    years = [int(value[-4:]) if "." in value else int(value[:4])
             for r in people for value in [r["austritt"] or r["austritt_geplant"]] if value]
    within = [y for y in years if 2026 <= y <= 2036]
    assert len(within) == len(years)
    assert 1 / 3 <= len(within) / len(people) <= 0.4, (len(within), len(people))


def test_tasks_are_valid_and_reference_existing_people() -> None:
    people = {r["id"] for r in read_csv("personen.csv")}
    departments = read_csv("abteilungen.csv")
    assert {d["leitung"] for d in departments} <= people
    tasks = read_csv("zustaendigkeiten.csv")
    ids = [t["aufgabe_id"] for t in tasks]
    assert len(ids) == len(set(ids)) and len(ids) >= 60
    assert "hundesteuer" in ids
    for task in tasks:
        assert task["abteilung"] in {d["abteilung"] for d in departments}, task["aufgabe_id"]
        assert task["zustaendig"] in people, task["aufgabe_id"]
        for key in ("vertretung1", "vertretung2"):
            assert not task[key] or task[key] in people, (task["aufgabe_id"], key)
        assert task["vertretung1"] or not task["vertretung2"], f"{task['aufgabe_id']}: gap in chain"
    assert any(not t["vertretung1"] for t in tasks), "no task without a deputy"


def test_absences_are_valid() -> None:
    people = {r["id"] for r in read_csv("personen.csv")}
    found = absences()
    assert len(found) >= 10
    for absence in found:
        assert absence.person in people, absence
        assert absence.start <= absence.end, absence
        assert absence.stand_in is None or absence.stand_in in people, absence
    assert any(a.stand_in for a in found), "no absence names its own stand-in"


def test_today_shows_the_deputy_logic() -> None:
    away = away_on(date.today())
    tasks = read_csv("zustaendigkeiten.csv")
    deputy_steps_in = [
        t["aufgabe_id"]
        for t in tasks
        if t["zustaendig"] in away and t["vertretung1"] and t["vertretung1"] not in away
    ]
    whole_chain_away = [
        t["aufgabe_id"]
        for t in tasks
        if t["vertretung1"] and {t["zustaendig"], t["vertretung1"], t["vertretung2"]} - {""} <= away
    ]
    assert deputy_steps_in, (
        f"no task whose owner is away and first deputy present (away: {sorted(away)})"
    )
    assert whole_chain_away, f"no task whose whole chain is away (away: {sorted(away)})"


def test_hundesteuer_demo_holds_today() -> None:
    task = next(t for t in read_csv("zustaendigkeiten.csv") if t["aufgabe_id"] == "hundesteuer")
    away = away_on(date.today())
    assert task["zustaendig"] in away and task["vertretung1"] not in away


# --- references between documents and directory -------------------------------------------------


def test_document_metadata_agrees_with_directory() -> None:
    people = {r["id"] for r in read_csv("personen.csv")}
    tasks = {t["aufgabe_id"]: t for t in read_csv("zustaendigkeiten.csv")}
    for rel, meta in document_metas():
        responsible = listed(meta, "zustaendig", "responsible")
        deputies = listed(meta, "vertretung", "deputies")
        for person in responsible + deputies:
            assert person in people, f"{rel}: unknown person {person}"
        for task_id in listed(meta, "aufgaben", "tasks"):
            assert task_id in tasks, f"{rel}: unknown task {task_id}"
            task = tasks[task_id]
            chain = [p for p in (task["vertretung1"], task["vertretung2"]) if p]
            assert responsible == [task["zustaendig"]], (
                f"{rel}: responsible differs from CSV for {task_id}"
            )
            assert deputies == chain, (
                f"{rel}: deputies {deputies} differ from CSV {chain} for {task_id}"
            )


def test_questions_point_at_existing_documents() -> None:
    rels = [p.relative_to(KB).as_posix() for p in documents()]
    lines = (KB / "fragen.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line) for line in lines if line.strip()]
    assert len(questions) >= 60, f"only {len(questions)} questions"
    covered: set[str] = set()
    for item in questions:
        assert isinstance(item["question"], str) and len(item["question"]) > 10, item
        assert item["relevant"], item
        for needle in item["relevant"]:
            matches = [r for r in rels if needle in r]
            assert matches, f"{item['question']!r}: no document matches {needle!r}"
            covered.update(r.split("/")[0] for r in matches)
    assert len(covered) >= 6, f"questions cover only {sorted(covered)}"
    assert len({q["question"] for q in questions}) == len(questions), "duplicate questions"
