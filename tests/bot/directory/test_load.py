"""Loading the directory: good files, malformed rows reported with file and line, lookups."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.directory.directory import Directory, Problem
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
