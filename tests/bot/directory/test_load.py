"""Loading the directory: good files, malformed rows reported with file and line, lookups."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.directory import Problem, read_absences, read_ics, read_people, read_tasks
from bot.directory.directory import Directory
from indexer.model import DocumentMeta


def append(path: Path, *rows: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(f"{row}\n" for row in rows))


def problems_at(directory: Directory, file: str) -> dict[int | None, str]:
    return {p.line: p.message for p in directory.problems if p.file == file}


def test_fixture_loads_without_problems(fixture_dir: Path) -> None:
    directory = Directory.load(fixture_dir)
    assert directory.problems == []
    assert len(directory.people) == 6 and len(directory.tasks) == 5
    birgit = directory.person("bschneider")
    assert birgit is not None and birgit.groups == ("steueramt",)
    assert directory.person("kwolf").leaving == date(2026, 12, 31)  # type: ignore[union-attr]
    task = directory.task("hundesteuer")
    assert task is not None and task.chain == ("bschneider", "tkoch", "mweber")
    assert task.keywords == ("Hundemarke", "Hund anmelden", "Hund abmelden")


def test_sample_knowledge_base_loads_without_problems(sample_dir: Path) -> None:
    directory = Directory.load(sample_dir)
    assert directory.problems == []
    assert len(directory.people) >= 30 and len(directory.tasks) >= 50
    assert any(a.origin.startswith("abwesenheiten.ics") for a in directory.absences)


def test_malformed_rows_are_reported_and_the_rest_loads(fixture_dir: Path) -> None:
    append(fixture_dir / "personen.csv",
           "tkoch;Tobias Koch Zwei;Steueramt;;;;;;",          # line 8: duplicate id
           "kurz;Nur Drei Spalten;Steueramt",                  # line 9: missing columns
           "neu;Nina Neu;Steueramt;1;2;n@x.de;;;31.13.2027",  # line 10: bad leaving date
           ";Ohne Id;Steueramt;;;;;;")                         # line 11: empty id
    append(fixture_dir / "zustaendigkeiten.csv",
           "hundesteuer;Noch einmal;;Steueramt;tkoch;;",       # line 7: duplicate task
           "kantine;Kantine;Essen;Hauptamt;niemand;tkoch;",    # line 8: unknown responsible
           "archiv;Archiv;Akten;Hauptamt;tkoch;geist;")        # line 9: unknown deputy
    append(fixture_dir / "abwesenheiten.csv",
           "unbekannt;01.08.2026;02.08.2026;;",                # line 6: unknown person
           "tkoch;31.02.2026;02.03.2026;;",                    # line 7: impossible date
           "tkoch;20.08.2026;18.08.2026;;",                    # line 8: inverted
           "tkoch;11.08.2026;15.08.2026;;",                    # line 9: overlaps line 3
           "kwolf;01.10.2026;02.10.2026;geist;",               # line 10: unknown stand-in
           "kwolf;morgen;02.10.2026;;")                        # line 11: unreadable date
    directory = Directory.load(fixture_dir)

    people = problems_at(directory, "personen.csv")
    assert set(people) == {8, 9, 10, 11}
    assert "duplicate person id 'tkoch'" in people[8]
    assert "lacks column(s)" in people[9]
    assert "31.13.2027" in people[10]
    assert directory.person("tkoch").name == "Tobias Koch"  # type: ignore[union-attr]
    assert directory.person("neu") is not None  # loaded, without leaving date
    assert directory.person("kurz") is None

    tasks = problems_at(directory, "zustaendigkeiten.csv")
    assert set(tasks) == {7, 8, 9}
    assert "unknown person 'niemand'" in tasks[8] and "unknown person 'geist'" in tasks[9]
    assert directory.task("hundesteuer").name == "Hundesteuer"  # type: ignore[union-attr]
    assert directory.task("kantine").chain == ("tkoch",)  # type: ignore[union-attr]
    assert directory.task("archiv").chain == ("tkoch",)  # type: ignore[union-attr]

    absences = problems_at(directory, "abwesenheiten.csv")
    assert set(absences) == {6, 7, 8, 9, 10, 11}
    assert "unknown person 'unbekannt'" in absences[6]
    assert "31.02.2026" in absences[7]
    assert "before start" in absences[8]
    assert "overlaps the one from abwesenheiten.csv:3" in absences[9]
    assert "unknown person 'geist'" in absences[10]
    origins = {a.origin for a in directory.absences}
    assert {"abwesenheiten.csv:2", "abwesenheiten.csv:9", "abwesenheiten.csv:10"} <= origins
    assert not {"abwesenheiten.csv:7", "abwesenheiten.csv:8"} & origins


def test_missing_header_column_skips_the_file_only(fixture_dir: Path) -> None:
    (fixture_dir / "abwesenheiten.csv").write_text("person;von\nbschneider;03.08.2026\n",
                                                   encoding="utf-8")
    directory = Directory.load(fixture_dir)
    assert directory.problems == [Problem("abwesenheiten.csv", 1, "header lacks column(s) bis")]
    assert directory.absences == () and len(directory.tasks) == 5


def test_missing_file_is_a_problem(fixture_dir: Path) -> None:
    (fixture_dir / "abteilungen.csv").unlink()
    directory = Directory.load(fixture_dir)
    assert directory.problems == [Problem("abteilungen.csv", None, "file is missing")]


def test_windows_1252_file_is_read(fixture_dir: Path) -> None:
    text = (fixture_dir / "abteilungen.csv").read_text(encoding="utf-8")
    (fixture_dir / "abteilungen.csv").write_bytes(text.encode("cp1252"))
    directory = Directory.load(fixture_dir)
    department = directory.department("Bürgerbüro")
    assert department is not None and department.head == "lfischer"


def test_documents_agree_attach_and_conflicts_are_reported(fixture_dir: Path) -> None:
    docs = {
        "steueramt/hundesteuer.md": DocumentMeta(
            title="Übergabe Hundesteuer", tasks=("hundesteuer",), responsible="bschneider",
            deputies=("tkoch", "mweber")),
        "steueramt/grundsteuer.md": DocumentMeta(
            tasks=("grundsteuer",), responsible="mweber", deputies=("bschneider",)),
        "hauptamt/kantine.md": DocumentMeta(
            title="Kantine", tasks=("kantine",), responsible="hbraun", deputies=("lfischer",),
            keywords=("Speiseplan",), department="Hauptamt"),
    }
    directory = Directory.load(fixture_dir, docs_meta=docs)
    assert directory.task("hundesteuer").documents == (  # type: ignore[union-attr]
        "steueramt/hundesteuer.md",)
    [conflict] = directory.problems
    assert conflict.file == "steueramt/grundsteuer.md"
    assert "'mweber'" in conflict.message and "'tkoch'" in conflict.message
    assert directory.task("grundsteuer").responsible == "tkoch"  # type: ignore[union-attr]
    kantine = directory.task("kantine")
    assert kantine is not None and kantine.chain == ("hbraun", "lfischer")
    assert kantine.documents == ("hauptamt/kantine.md",)
    assert directory.match_tasks("Wo hängt der Speiseplan?")[0][0].id == "kantine"


def test_find_person_by_every_handle(fixture_dir: Path) -> None:
    directory = Directory.load(fixture_dir)
    for query in ("tkoch", "t.koch@musterstadt.de", "T.Koch@Musterstadt.de", "29:aad-tkoch",
                  "Tobias Koch", "tobias koch", "Herr Koch", "Koch, Tobias", "Koch", "@tkoch"):
        person = directory.find_person(query)
        assert person is not None and person.id == "tkoch", query
    assert directory.find_person("Müller") is None
    assert directory.find_person("") is None


def test_find_person_ambiguous_returns_none(fixture_dir: Path) -> None:
    append(fixture_dir / "personen.csv", "tkoch2;Theo Koch;Bürgerbüro;;;;;;")
    directory = Directory.load(fixture_dir)
    assert directory.find_person("Koch") is None
    assert {p.id for p in directory.find_people("Koch")} == {"tkoch", "tkoch2"}
    assert directory.find_person("Theo Koch").id == "tkoch2"  # type: ignore[union-attr]


def test_tasks_of_lists_responsible_before_deputy(fixture_dir: Path) -> None:
    directory = Directory.load(fixture_dir)
    assert [t.id for t in directory.tasks_of("tkoch")] == ["grundsteuer", "hundesteuer"]
    assert [t.id for t in directory.tasks_of(directory.person("kwolf"))] == [  # type: ignore[arg-type]
        "meldewesen", "ausweise"]


def test_excel_export_with_bom_crlf_and_quotes_is_read(fixture_dir: Path) -> None:
    rows = [
        "\ufeffid;name;abteilung;telefon;raum;email;teams_id;gruppen;austritt",
        'bschneider;"Schneider; Birgit";Steueramt;07123;1.10;b@x.de;;"steueramt,kaemmerei";',
        "tkoch;Tobias Koch;Steueramt;;;;;;",
    ]
    (fixture_dir / "personen.csv").write_bytes("\r\n".join(rows).encode("utf-8") + b"\r\n")
    directory = Directory.load(fixture_dir)
    birgit = directory.person("bschneider")
    assert birgit is not None and birgit.name == "Schneider; Birgit"
    assert birgit.groups == ("steueramt", "kaemmerei")
    # the people the other files name but personen.csv no longer has are reported
    assert {p.file for p in directory.problems} == {"zustaendigkeiten.csv", "abteilungen.csv",
                                                    "abwesenheiten.csv"}


# directory files as offices really save them (Excel, Outlook), and garbage.


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
