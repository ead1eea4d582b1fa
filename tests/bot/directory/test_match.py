"""Finding the task a question is about, with calibrated scores (match vs noise)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.directory import GUESS, MATCH, Directory, _close_gaps
from bot.directory.match import TaskMatcher
from indexer.lexical import question_stems
from indexer.lexical.thesaurus import Thesaurus


@pytest.fixture(scope="module")
def sample(request: pytest.FixtureRequest) -> Directory:
    folder = Path(__file__).resolve().parents[3] / "knowledge_base" / "_verzeichnis"
    if not (folder / "zustaendigkeiten.csv").is_file():
        pytest.skip("the sample knowledge base is not merged")
    return Directory.load(folder)


@pytest.mark.parametrize(
    ("question", "task_id"),
    [
        ("Wer ist für Hundesteuer zuständig?", "hundesteuer"),
        ("wer ist für die Steuer für meinen Hund zuständig", "hundesteuer"),
        ("Wo melde ich meinen Hund an?", "hundesteuer"),
        ("Hundesteuerbescheid falsch", "hundesteuer"),
        ("Wer kümmert sich um die Hundesteuer, solange die Kollegin im Steueramt im Urlaub ist?",
         "hundesteuer"),
        ("Wie beantrage ich einen Reisepass?", "reisepass"),
        ("Wer macht den B-Plan?", "bauleitplanung"),
        ("Wer ist für die Abmeldung ins Ausland zuständig?", "meldewesen_abmeldung"),
        ("Grabstelle verlängern", "grabstellen"),
        ("Gewerbe anmelden", "gewerbe"),
        ("Wer genehmigt meinen Urlaub?", "urlaub_zeiterfassung"),
    ],
)
def test_questions_find_their_task(sample: Directory, question: str, task_id: str) -> None:
    matches = sample.match_tasks(question)
    assert matches, question
    best, score = matches[0]
    assert best.id == task_id, matches
    assert score >= MATCH


@pytest.mark.parametrize(
    "question",
    ["Wie spät ist es?", "Kantine Speiseplan", "Hallo, wer bist du?", "Danke!", ""],
)
def test_noise_scores_below_a_guess(sample: Directory, question: str) -> None:
    assert all(score < GUESS for _, score in sample.match_tasks(question))


def test_a_vague_question_is_a_guess_not_a_match(sample: Directory) -> None:
    matches = sample.match_tasks("Steuer", k=5)
    assert matches and all(score < MATCH for _, score in matches)
    assert {"hundesteuer", "grundsteuer"} & {task.id for task, _ in matches}


def test_scores_are_ordered_and_bounded(sample: Directory) -> None:
    matches = sample.match_tasks("Wer stellt eine Geburtsurkunde aus?", k=3)
    scores = [score for _, score in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 < score <= 1.0 for score in scores)
    assert len(matches) <= 3


def test_question_stems_drop_filler_and_join_hyphenated_words() -> None:
    assert question_stems("Wer ist für die Hundesteuer zuständig?") == ["hundesteu"]
    assert question_stems("B-Plan") == ["bplan"]


def test_end_to_end_question_about_absent_owner_names_the_deputy(sample: Directory) -> None:
    """A question about a task whose owner is away on a fixed day: the deputy and contact."""
    [(task, score)] = sample.match_tasks("Wer macht gerade die Hundesteuer?", k=1)
    assert task.id == "hundesteuer" and score >= MATCH
    who = sample.who_handles(task.id, date(2026, 11, 26))
    owner = sample.person(task.responsible or "")
    assert owner is not None and who.chain[0].person == owner and not who.chain[0].available
    assert who.contact is not None and who.contact.id == task.deputies[0]
    text = "\n".join(who.lines)
    assert f"{owner.name} ist bis" in text
    assert f"Vertretung: {who.contact.name}, Tel. {who.contact.phone}" in text


# --- the optional embedding side ----------------------------------------------------------

def test_prepared_directory_keeps_lexical_matches(fixture_dir: Path) -> None:
    from indexer.embedding import FakeEmbedder

    directory = Directory.load(fixture_dir)
    before = directory.match_tasks("Wer macht die Hundesteuer?")
    embedder = FakeEmbedder()
    directory.prepare(embedder)
    assert len(embedder.embedded_texts) == len(directory.tasks)
    after = directory.match_tasks("Wer macht die Hundesteuer?")
    assert after[0] == before[0]
    copy = directory.with_absences([])  # the per-question copy keeps the vectors
    assert copy.match_tasks("Wer macht die Hundesteuer?")[0] == before[0]
    assert len(embedder.embedded_texts) == len(directory.tasks)


@pytest.mark.parametrize(
    ("pattern", "covered"),
    [
        ("xxxx.xxxxx", 10),  # Hund-e-steuer: a one-letter link is bridged
        ("xxxxxx..xxxxx", 13),  # two letters too
        ("xxxx...xxxx", 8),  # three are not
        ("..xxxx..", 4),  # nor gaps at the ends
        ("x.x..x...x", 7),
        ("....", 0),
        ("", 0),
    ],
)
def test_gaps_between_covered_parts(pattern: str, covered: int) -> None:
    assert _close_gaps([c == "x" for c in pattern]) == covered


@pytest.mark.parametrize(
    ("question", "task_id"),
    [
        ("Wie beantragt man einen Schwerbehindertenausweis?", "personalausweis"),
        ("Wie viel kostet ein Bibliotheksausweis?", "personalausweis"),
        ("Wo kann man den Energieausweis für das Rathaus einsehen?", "personalausweis"),
        ("Wie beantragt man eine Taxikonzession?", "gaststaetten"),
    ],
)
def test_a_compound_with_a_foreign_head_is_no_match(
    sample: Directory, question: str, task_id: str
) -> None:
    """"Schwerbehinderten|ausweis" ends like the task's "Personal|ausweis" (and its keyword
    "Ausweis") but is another thing: at most a faint hint, not even a guess."""
    scores = {task.id: score for task, score in sample.match_tasks(question, k=10)}
    assert scores.get(task_id, 0.0) < GUESS, scores


@pytest.mark.parametrize(
    ("question", "task_id"),
    [
        ("Wer stellt einen Kinderreisepass aus?", "reisepass"),  # the task's own compound
        ("Personalausweisantrag verschwunden", "personalausweis"),  # the task word as head
        ("hab vergessen mich auszustempeln", "urlaub_zeiterfassung"),  # a verb particle
    ],
)
def test_a_compound_with_a_known_head_still_matches(
    sample: Directory, question: str, task_id: str
) -> None:
    best, score = sample.match_tasks(question)[0]
    assert best.id == task_id and score >= MATCH


def _one_person_directory(tmp_path: Path, department: str, tasks: list[str]) -> Directory:
    """A directory of one person (akern) responsible for ``tasks`` ("id;name;keywords")."""
    folder = tmp_path / "verzeichnis"
    folder.mkdir(parents=True)
    (folder / "personen.csv").write_text(f"id;name;abteilung\nakern;Anna Kern;{department}\n",
                                         encoding="utf-8")  # fmt: skip
    rows = "".join(f"{task};{department};akern;;\n" for task in tasks)
    (folder / "zustaendigkeiten.csv").write_text(
        "aufgabe_id;aufgabe;stichwoerter;abteilung;zustaendig;vertretung1;vertretung2\n" + rows,
        encoding="utf-8")
    return Directory.load(folder)


def test_a_conjugated_verb_is_the_task_word(tmp_path: Path) -> None:
    # the stemmer keeps "streut" (of "streuen") and "räumt": the keyword is named all the same
    directory = _one_person_directory(tmp_path, "Bauhof", [
        "winter;Winterdienst;Streuen,Räumen,Glätte",
        "wege;Schäden an Wegen;Gehweg,Schlagloch",
    ])  # fmt: skip
    question = "Wer streut heute früh die Gehwege am Rathaus?"
    scores = {t.id: s for t, s in directory.match_tasks(question)}
    assert scores["winter"] >= MATCH  # as strong as the Gehweg of the other task
    # the retrieved winter-service document then decides between the two
    ranked = directory.match_tasks(question, documents=[("winter",)])
    assert ranked[0][0].id == "winter"
    assert directory.match_tasks("Wer räumt den Schnee?")[0][0].id == "winter"


@pytest.mark.parametrize(
    ("question", "task_id"),
    [
        ("Wer stellt den Etat auf?", "haushaltsplanung"),  # thesaurus: Etat is the Haushalt
        ("Bürgerin will ihren Welpen anmelden, wer macht das?", "hundesteuer"),  # Welpe: Hund
    ],
)
def test_a_colloquial_word_finds_the_task_through_the_thesaurus(
    sample: Directory, question: str, task_id: str
) -> None:
    score = dict((t.id, s) for t, s in sample.match_tasks(question, k=5)).get(task_id, 0.0)
    assert score >= MATCH
    without = TaskMatcher(list(sample.tasks.values()), Thesaurus()).scores(question)
    assert without.get(task_id, 0.0) < MATCH


@pytest.mark.parametrize(
    "question",
    [
        "Können Sie mir raten, wo ich die Hundesteuer zahlen kann?",  # "in Raten zahlen" apart
        "Wer bringt die Urne ins Wahllokal?",  # the ballot box: no word of the Friedhof
        "Wie kann ich das Formular ausdrucken?",  # "drucken" is no printer
    ],
)
def test_a_word_with_an_everyday_meaning_brings_no_synonyms(sample: Directory,
                                                           question: str) -> None:  # fmt: skip
    with_list = sample.match_tasks(question, k=5)
    without = TaskMatcher(list(sample.tasks.values()), Thesaurus()).match(question, k=5)
    assert [t.id for t, s in with_list if s >= GUESS] == [t.id for t, s in without if s >= GUESS]


def test_a_compound_going_on_with_another_tasks_kind_is_no_match(tmp_path: Path) -> None:
    """"Gewerbe|steuer" starts with the task word "Gewerbe" but ends like the task names
    "Grundsteuer" and "Hundesteuer": it is a tax, not a matter of the Gewerbeanmeldung. A paper
    of the matter ("Gewerbeanmeldungsformular") still is."""
    directory = _one_person_directory(tmp_path / "taxes", "Ordnungsamt", [
        "gewerbe;Gewerbeanmeldung;Gewerbe,Gewerbeschein",
        "grundsteuer;Grundsteuer;Grundsteuerbescheid",
        "hundesteuer;Hundesteuer;Hundemarke",
    ])  # fmt: skip
    scores = {t.id: s for t, s in directory.match_tasks("Wer macht die Gewerbesteuer?")}
    assert scores.get("gewerbe", 0.0) < GUESS, scores
    best, score = directory.match_tasks("Wo ist das Gewerbeformular?")[0]
    assert best.id == "gewerbe" and score >= MATCH
    # "Friedhof|s|gebühren": the fees of the Friedhof, though a task name ends in "gebühren"
    other = _one_person_directory(tmp_path / "fees", "Ordnungsamt", [
        "gewerbe;Gewerbeanmeldung;Gewerbe,Gewerbeschein",
        "friedhof;Friedhof;Grab",
        "gebuehren;Verwaltungsgebühren;Gebühr",
        "beitraege;Elternbeiträge;Kitabeitrag",
    ])  # fmt: skip
    best, score = other.match_tasks("Was kosten die Friedhofsgebühren?")[0]
    assert best.id == "friedhof" and score >= MATCH


def test_the_words_a_task_lacks_are_the_questions_other_nouns(fixture_dir: Path) -> None:
    from bot.directory.match import task_stems, words_missing

    tasks = Directory.load(fixture_dir).tasks
    meldewesen, hund = tasks["meldewesen"], tasks["hundesteuer"]
    # nouns only in a question typed with capitals; the task's own words, papers and forms
    # of address are no suggestions
    assert words_missing("Wer macht die Ummeldugn? Familie zieht von Lehnbach her, Frau Meier "
                         "fragt", meldewesen) == ["Ummeldugn", "Familie", "Lehnbach", "Meier"]
    assert words_missing("Ein Kampfhund, wem geb ich das Formular?", hund) == []
    # typed in lower case (a phone capitalises the first word): every content word counts,
    # but the verbs and papers of any question do not
    assert words_missing("Wer macht die ummeldugn wenn jemand umzieht", meldewesen) == [
        "ummeldugn", "umzieht"]
    assert words_missing("Brauche ein formular für die ummeldugn", meldewesen) == ["ummeldugn"]
    assert words_missing("Hundemarke verloren, was nun?", hund) == []
    assert words_missing("Zweithund verloren, was kostet die Genehmigung?", hund) == []
    # a synonym the bot knows ("Welpe" for "Hund") is no new word; forms of one stem once
    assert words_missing("Welpen und Familie, Familien: Anmeldung?", hund) == ["Familie"]
    # a word another task has is that task's
    question = "Beim Umzug der Familie: wer macht das?"
    assert words_missing(question, hund) == ["Umzug", "Familie"]
    assert words_missing(question, hund, task_stems(meldewesen)) == ["Familie"]
    assert words_missing("", hund) == [] and words_missing("???", hund) == []
