"""Markdown loader and front matter: headings, metadata, aliases, and what is refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from indexer.errors import LoaderError
from indexer.loaders import load_file
from indexer.loaders.frontmatter import parse_meta
from indexer.model import DocumentMeta
from tests.indexer.loaders.conftest import shared_data

BYLAWS = shared_data("bw_ortsrecht")


def write(kb: Path, text: str, name: str = "dok.md", encoding: str = "utf-8") -> Path:
    path = kb / name
    path.write_bytes(text.encode(encoding))
    return path


def test_front_matter_fixture_fills_every_field(formats: Path) -> None:
    sections = load_file(formats / "hundesteuer.md", formats)
    assert sections[0].meta == DocumentMeta(
        title="Übergabe Hundesteuer",
        tasks=("hundesteuer",),
        responsible="bschneider",
        deputies=("tkoch", "mweber"),  # comma-separated string
        keywords=("Hund", "Hundemarke"),
        groups=(),
        department="Steueramt",
        doc_type="uebergabe",
        last_reviewed=date(2026, 3, 1),
    )


def test_headings_give_paths_and_text_before_the_first_heading_is_kept(formats: Path) -> None:
    sections = load_file(formats / "hundesteuer.md", formats)
    assert [(s.heading_path, s.text.split("\n")[0]) for s in sections] == [
        ((), "Diese Übergabe beschreibt die Hundesteuer im Steueramt."),
        (("Hundesteuer",), ""),
        (
            ("Hundesteuer", "Anmeldung"),
            "Die Anmeldung erfolgt mit dem Formular „Hundeanmeldung“ innerhalb von zwei Wochen.",
        ),
        (("Hundesteuer", "Abmeldung"), ""),
        (("Hundesteuer", "Abmeldung", "Formulare"), "| Formular | Zweck |"),
    ]
    assert sections[2].text.endswith("Die Hundemarke wird sofort ausgegeben.")
    assert "| HS-2 | Abmeldung |" in sections[4].text  # tables stay as text
    assert all(s.page is None and s.source == "hundesteuer.md" for s in sections)


def test_broken_front_matter_names_the_line(formats: Path) -> None:
    with pytest.raises(LoaderError) as caught:
        load_file(formats / "kaputt_frontmatter.md", formats)
    assert caught.value.reason.startswith("invalid YAML in front matter at line 4")
    assert "line 3" in caught.value.reason  # where the unclosed list starts


def test_english_aliases_and_yaml_lists(kb: Path) -> None:
    text = (
        "---\ntitle: Dog tax\ntasks: hundesteuer\nresponsible: bschneider\n"
        "deputies: [tkoch]\nkeywords: Hund , Marke,\ngroups: [personalamt, hauptamt]\n"
        "department: Steueramt\ndoc_type: Checkliste\nlast_reviewed: '2025-12-24'\n---\nText\n"
    )
    meta = load_file(write(kb, text), kb)[0].meta
    assert meta == DocumentMeta(
        title="Dog tax",
        tasks=("hundesteuer",),
        responsible="bschneider",
        deputies=("tkoch",),
        keywords=("Hund", "Marke"),
        groups=("personalamt", "hauptamt"),
        department="Steueramt",
        doc_type="checkliste",
        last_reviewed=date(2025, 12, 24),
    )


def test_german_date_and_unknown_keys(kb: Path) -> None:
    text = "---\nzuletzt_geprueft: 1.3.2026\nstand: egal\nendpoints: [x]\n---\nText\n"
    meta = load_file(write(kb, text), kb)[0].meta
    assert meta.last_reviewed == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            "zustaendig: [a, b]",
            "front matter key 'zustaendig' (line 3): expected a single value, got a list",
        ),
        (
            "vertretung: {a: 1}",
            "front matter key 'vertretung' (line 3): expected a list or "
            "comma-separated text, got a mapping",
        ),
        (
            "zuletzt_geprueft: gestern",
            "front matter key 'zuletzt_geprueft' (line 3): expected a "
            "date like 2026-03-01 or 01.03.2026, got 'gestern'",
        ),
        (
            "zuletzt_geprueft: 31.02.2026",
            "front matter key 'zuletzt_geprueft' (line 3): expected "
            "a date like 2026-03-01 or 01.03.2026, got '31.02.2026'",
        ),
        (
            "title: Zweiter Titel",
            "front matter key 'title' (line 3): given twice (also as 'titel')",
        ),
        (
            "stichwoerter: [[a]]",
            "front matter key 'stichwoerter' (line 3): list items must be plain values, got a list",
        ),
    ],
)
def test_wrong_types_name_key_and_line(kb: Path, line: str, reason: str) -> None:
    path = write(kb, f"---\ntitel: Dienstwagen\n{line}\n---\n# Dienstwagen\n")
    with pytest.raises(LoaderError) as caught:
        load_file(path, kb)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "---\ntitel: x\n# Kein Ende\n",
            "front matter not closed: no '---' line after the opening one",
        ),
        ("---\n# Liste\n- a\n---\nText\n", "front matter is not a list of 'key: value' lines"),
    ],
)
def test_malformed_front_matter(kb: Path, text: str, reason: str) -> None:
    with pytest.raises(LoaderError) as caught:
        load_file(write(kb, text), kb)
    assert caught.value.reason == reason


def test_blank_lines_before_front_matter_and_a_leading_rule(kb: Path) -> None:
    sections = load_file(write(kb, "\n\n---\ntitel: Mit Leerzeilen\n---\nText\n"), kb)
    assert (sections[0].meta.title, sections[0].text) == ("Mit Leerzeilen", "Text")
    sections = load_file(write(kb, "---\n\nEin Text nach einer Linie.\n\n---\n\nMehr.\n"), kb)
    assert sections[0].meta == DocumentMeta()
    assert sections[0].text.startswith("---\n\nEin Text nach einer Linie.")
    with pytest.raises(LoaderError, match="line 4"):
        load_file(write(kb, "\n\n---\ntitel: [x\n---\nText\n"), kb)


def test_first_h1_is_the_title_without_titel(kb: Path) -> None:
    text = "Einleitung\n\n## Vorab\n\nText\n\n# Kassenordnung\n\nInhalt\n\n# Zweites H1\n\nMehr\n"
    sections = load_file(write(kb, text), kb)
    assert {s.meta.title for s in sections} == {"Kassenordnung"}


def test_no_title_at_all_leaves_it_to_chunking(kb: Path) -> None:
    sections = load_file(write(kb, "Nur ein Absatz.\n"), kb)
    assert sections[0].meta.title == ""
    assert sections[0].heading_path == ()


def test_setext_headings_and_thematic_breaks(kb: Path) -> None:
    text = (
        "Reisepass beantragen\n====================\n\nEinleitung.\n\n---\n\nNach der Linie.\n\n"
        "Gebühren\n--------\n\n- Punkt eins\n---\n\nEnde.\n"
    )
    sections = load_file(write(kb, text), kb)
    assert [s.heading_path for s in sections] == [
        ("Reisepass beantragen",),
        ("Reisepass beantragen", "Gebühren"),
    ]
    assert "Nach der Linie." in sections[0].text
    assert "- Punkt eins\n---" in sections[1].text  # a list item does not take an underline
    assert sections[0].meta.title == "Reisepass beantragen"


def test_hashes_in_code_fences_are_not_headings(kb: Path) -> None:
    text = "# Skript\n\n```bash\n# kein Kommentar-Heading\necho hallo\n```\n\n## Danach\n\nText\n"
    sections = load_file(write(kb, text), kb)
    assert [s.heading_path for s in sections] == [("Skript",), ("Skript", "Danach")]
    assert "# kein Kommentar-Heading" in sections[0].text


def test_heading_levels_pop_correctly(kb: Path) -> None:
    text = "# A\n\na\n\n### C\n\nc\n\n## B\n\nb\n\n# D\n\nd\n"
    paths = [s.heading_path for s in load_file(write(kb, text), kb)]
    assert paths == [("A",), ("A", "C"), ("A", "B"), ("D",)]


def test_closing_hashes_and_link_headings(kb: Path) -> None:
    text = "## Gebühren ##\n\nText\n\n### [Reisepass abholen](/service/info/1/)\n\nMehr\n"
    paths = [s.heading_path for s in load_file(write(kb, text), kb)]
    assert paths == [("Gebühren",), ("Gebühren", "Reisepass abholen")]


def test_windows_1252_markdown(kb: Path) -> None:
    path = write(kb, "# Straßenreinigung\r\n\r\nGebühr: 3 € je Meter.\r\n", encoding="cp1252")
    sections = load_file(path, kb)
    assert sections[0].heading_path == ("Straßenreinigung",)
    assert sections[0].text == "Gebühr: 3 € je Meter."


def test_only_front_matter_is_no_text(kb: Path) -> None:
    with pytest.raises(LoaderError, match="^no text found$"):
        load_file(write(kb, "---\ntitel: Leer\n---\n\n"), kb)


def test_parse_meta_on_plain_mapping() -> None:
    assert parse_meta({"Titel": 2026, "ZUGRIFF": "a,b", "vertretung": None}) == DocumentMeta(
        title="2026", groups=("a", "b")
    )


@pytest.mark.skipif(BYLAWS is None, reason="shared data bw_ortsrecht absent")
def test_bylaw_corpus_sample_loads() -> None:
    assert BYLAWS is not None
    root = BYLAWS
    files = sorted(root.rglob("*.md"))[::25]
    for path in files:
        sections = load_file(path, root)
        assert sections and sections[0].meta.title, path
