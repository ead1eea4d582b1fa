"""The knowledge-risk overview and its HTML page: real CSV files, real SQLite, real matplotlib."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from bot.directory import Directory
from bot.gaps.html import render_html
from bot.gaps.overview import build_overview
from bot.state import State
from indexer.model import DocumentMeta

TODAY = date(2026, 12, 2)
PEOPLE = """id;name;abteilung;telefon;raum;email;teams_id;gruppen;austritt;austritt_geplant
anna;Anna Alt;Bauamt;;;;;bauamt,leitung;;2028
bert;Bert Bald;Bauamt;;;;;bauamt;;2o31
carl;Carl Chef;;;;;;leitung;;2030
dora;Dora Dahin;Steueramt;;;;;steueramt;01.03.2020;
emil;Emil Ende;Steueramt;;;;;steueramt;;2032-06-30
"""
TASKS = """aufgabe_id;aufgabe;stichwoerter;abteilung;zustaendig;vertretung1;vertretung2
bauantrag;Bauantrag;Bau;Bauamt;anna;bert;
bauhof;Bauhof <b>Fett</b> --><i>;Hof;Bauamt;bert;;
steuer;Hundesteuer;Hund;Steueramt;dora;emil;
kasse;Kasse;Geld;Steueramt;emil;;
frei;Freie Aufgabe;frei;;carl;;
"""
DOCS = {"bau/antrag.md": DocumentMeta(title="Bauantrag", tasks=("bauantrag",),
                                      last_reviewed=date(2026, 5, 1)),
        "steuer/hund.md": DocumentMeta(title="Hund", tasks=("steuer",),
                                       last_reviewed=date(2022, 5, 1))}


def _directory(tmp_path: Path, tasks: str = TASKS,
               docs: dict[str, DocumentMeta] = DOCS) -> Directory:
    (tmp_path / "personen.csv").write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "zustaendigkeiten.csv").write_text(tasks, encoding="utf-8")
    (tmp_path / "abteilungen.csv").write_text("abteilung;leitung;telefon\n", encoding="utf-8")
    return Directory.load(tmp_path, docs)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<svg.*?</svg>|<[^>]+>", " ", html, flags=re.S))


def test_bad_input_renders_and_says_what_it_skipped(tmp_path: Path) -> None:
    state = State(tmp_path / "state.sqlite")
    for _ in range(3):
        state.record_unanswered("Wie geht die Kasse?", "u", task_id="kasse")
    state.record_unanswered("Kantine?", "u")
    overview = build_overview(_directory(tmp_path), TODAY, DOCS, state)
    html = render_html(overview)
    text = _text(html)
    assert "personen.csv, Zeile 3" in text  # bert's "2o31"
    assert "Der Austritt von Dora Dahin (01.03.2020) liegt in der Vergangenheit" in text
    assert "Carl Chef hat in personen.csv keine Abteilung" in text
    assert "Die Aufgabe „Freie Aufgabe“ hat keine Abteilung" in text
    assert "1 unbeantwortete Fragen der letzten 90 Tage ließen sich keiner Aufgabe" in text
    assert html.count("<svg") == 2  # the timeline and the departments
    assert not re.search(r'(src|href)="(?!#)|url\((?!#)|<script|<link|@import', html)
    assert "<b>Fett" not in html and "Bauhof &lt;b&gt;Fett&lt;/b&gt; --&gt;&lt;i&gt;" in html
    # the timeline: anna 2028 (document exists), emil 2032 (none), carl 2030 (no department)
    assert dict(overview.timeline) == {("Bauamt", 2028): (1, 0), ("Steueramt", 2032): (0, 1),
                                       ("", 2030): (0, 1)}
    [kasse] = [r for r in overview.top if r.task.id == "kasse"]
    assert (kasse.asked, kasse.unanswered) == (3, 3)
    steuer = {row.name: row for row in overview.departments}["Steueramt"]
    assert (steuer.tasks, steuer.single_holder, steuer.without_document, steuer.stale_documents,
            steuer.unanswered) == (2, 1, 1, 1, 3)
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", html)
    assert [name for _, name in rows][0] == "Kasse"  # 25 + 25 + 20 + demand: the highest


def test_a_head_sees_only_the_own_department(tmp_path: Path) -> None:
    overview = build_overview(_directory(tmp_path), TODAY, DOCS, None, departments=["Bauamt"])
    assert {r.department for r in overview.top} == {"Bauamt"}
    assert [row.name for row in overview.departments] == ["Bauamt"]
    assert not any("Dora" in note or "Carl" in note for note in overview.skipped)
    assert overview.problems == ()  # the directory's problems are for the admins
    # carl is in "leitung" without a department: he sees nothing, and is told why
    empty = build_overview(_directory(tmp_path), TODAY, DOCS, None, departments=())
    assert empty.top == () and empty.scope == "keine Abteilung"
    assert any("keine Abteilung eingetragen" in note for note in empty.skipped)


def test_no_tasks_still_renders(tmp_path: Path) -> None:
    directory = _directory(tmp_path, tasks=TASKS.splitlines()[0] + "\n", docs={})
    html = render_html(build_overview(directory, TODAY, {}, None))
    text = _text(html)
    assert "Das Verzeichnis enthält keine Aufgaben" in text
    assert "Keine Zustandsdatenbank" in text
    assert "In den nächsten zehn Jahren scheidet niemand aus" in text
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")


def test_cli_writes_the_sample_towns_report(tmp_path: Path) -> None:
    from bot.gaps import cli_main

    kb = Path(__file__).resolve().parents[3] / "knowledge_base"
    out = tmp_path / "bericht.html"
    code = cli_main(["--kb", str(kb), "--index", str(tmp_path / "kein_index"),
                     "--state", str(tmp_path / "kein_state.sqlite"), "--date", "2026-12-02",
                     "--html", str(out)])
    html = out.read_text(encoding="utf-8")
    assert code == 0 and html.count("<svg") == 2
    top = html.split('<table id="top15">', 1)[1].split("</table>", 1)[0]
    assert top.count("<tr>") == 16  # header and 15 tasks
    assert "Stand 02.12.2026 · alle Abteilungen" in html
