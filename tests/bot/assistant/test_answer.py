from dataclasses import replace
from typing import Any

from bot.assistant import (
    CALIBRATED_MIN_CONFIDENCE,
    best_section,
    compose_answer,
    is_how_question,
    is_who_question,
    min_confidence,
    question_terms,
    quote_steps,
)
from bot.assistant.answer import UNCERTAIN_MARGIN, is_uncertain
from bot.assistant.gate import DEFAULT_RULE
from bot.settings import Settings
from indexer.model import Hit

from .conftest import FIXED_DAY, chunk, write_directory

TITLE = "Übergabe Hundesteuer"
ANMELDUNG = chunk("steueramt/hund.md", "Anmeldung", "1. Hund anmelden\n2. Marke ausgeben", TITLE,
                  ("hundesteuer",))  # fmt: skip
ABMELDUNG = chunk("steueramt/hund.md", "Abmeldung", "Vorab prüfen.\n1. Formular prüfen\n"
                  "2) Marke zurücknehmen\n3. Steuer erstatten\n\n- Randnotiz", TITLE,
                  ("hundesteuer",))  # fmt: skip
ALLGEMEIN = chunk("steueramt/hund.md", "Allgemeines", "Die Hundesteuer ist eine Gemeindesteuer.",
                  TITLE, ("hundesteuer",))  # fmt: skip


def hits(*pairs: tuple) -> list[Hit]:
    return [Hit(c, s, rank, dense_score=s) for rank, (c, s) in enumerate(pairs)]


def test_steps_are_quoted_verbatim_list_items() -> None:
    assert quote_steps(ABMELDUNG.text) == ("Formular prüfen", "Marke zurücknehmen",
                                           "Steuer erstatten")  # fmt: skip
    # without a list: the section's lines, headings left out
    assert quote_steps("# Titel\nErste Zeile.\n\nZweite Zeile.") == (
        "Erste Zeile.",
        "Zweite Zeile.",
    )


def test_list_items_keep_continuations_and_nested_bullets() -> None:
    text = (
        "Einleitung.\n\n1. Erster Schritt,\nweiter im Satz.\n2. Nachweis:\n"
        "- Tod: Bescheinigung\n   - Abgabe: Name\n3. Dritter\n\n"
        "Die Frist ist kurz.\n- kein Schritt"
    )
    assert quote_steps(text) == (
        "Erster Schritt, weiter im Satz.",
        "Nachweis:\n- Tod: Bescheinigung\n- Abgabe: Name",
        "Dritter",
    )


def test_a_section_cut_into_chunks_is_quoted_whole(settings: Settings) -> None:
    first = chunk("steueramt/hund.md", "Abmeldung", "1. Formular prüfen\n2. Nachweis", TITLE)
    second = chunk("steueramt/hund.md", "Abmeldung", "3. Marke zurückfordern", TITLE)
    second = replace(second, ordinal=1)
    answer = compose_answer("Wie melde ich einen Hund ab?", hits((second, 0.9)), None, FIXED_DAY,
                            settings, document_chunks=lambda source: [first, second])  # fmt: skip
    assert answer.steps == ("Formular prüfen", "Nachweis", "Marke zurückfordern")


def test_a_chunk_cut_after_a_list_marker_is_rejoined(settings: Settings) -> None:
    first = chunk("fund.md", "Annehmen", "4. Prüfen:\n   - Fahrrad: abgleichen.\n5.", "Fund")
    second = replace(chunk("fund.md", "Annehmen", "Bargeld in die Kasse.\n6. Lagern.", "Fund"),
                     ordinal=1)  # fmt: skip
    answer = compose_answer("Wie nehme ich einen Fund an?", hits((first, 0.9)), None, FIXED_DAY,
                            settings, document_chunks=lambda source: [first, second])  # fmt: skip
    assert answer.steps == ("Prüfen:\n- Fahrrad: abgleichen.", "Bargeld in die Kasse.", "Lagern.")


def test_separable_verbs_are_joined() -> None:
    assert "abmeld" in question_terms("Wie melde ich einen Hund ab?")
    assert is_how_question("Wie melde ich einen Hund ab?")
    assert not is_how_question("Wer ist für die Hundesteuer zuständig?")


def test_who_questions_ask_for_a_person() -> None:
    for question in ("Wer ist für die Hundesteuer zuständig?", "an wen wende ich mich da",
                     "Bei wem meldet man einen Welpen an?", "Ansprechpartnerin Wohngeld?"):
        assert is_who_question(question), question
    for question in ("Wie wird das Wetter am Wochenende?", "Wo melde ich einen Hund an?",
                     "Werden Hunde besteuert?", "Wenn der Hund stirbt, was dann?"):
        assert not is_who_question(question), question


def test_how_question_prefers_the_section_it_names() -> None:
    found = hits((ANMELDUNG, 0.88), (ALLGEMEIN, 0.87), (ABMELDUNG, 0.86))
    assert best_section("Wie melde ich einen Hund ab?", found) == ABMELDUNG
    assert best_section("Wie melde ich einen Hund an?", found) == ANMELDUNG
    assert best_section("Wer kümmert sich um die Hundesteuer und wie melde ich einen Hund ab?",
                        found) == ABMELDUNG  # fmt: skip
    # not a how-question: the best hit's section
    assert best_section("Was ist die Hundesteuer?", found) == ANMELDUNG


def test_answer_names_task_person_steps_and_source(settings: Settings, directory: Any) -> None:
    found = hits((ABMELDUNG, 0.9), (ANMELDUNG, 0.85))
    answer = compose_answer("Wie melde ich einen Hund ab? Hundesteuer", found, directory,
                            FIXED_DAY, settings)  # fmt: skip
    assert answer.found
    assert answer.task_id == "hundesteuer" and answer.task_name == "Hundesteuer"
    assert answer.who is not None and answer.who.contact is not None
    assert answer.who.contact.name == "Tom Koch" and answer.who.contact.phone == "07000 1-232"
    assert answer.who.is_stand_in
    assert any("Berta Schneider ist bis 14.08.2026 abwesend" in r for r in answer.who.reasons)
    assert answer.steps == ("Formular prüfen", "Marke zurücknehmen", "Steuer erstatten")
    assert answer.sources[0].path == "steueramt/hund.md"
    assert answer.sources[0].section == "Abmeldung"
    assert answer.sources[0].url == ""


def test_the_gate_reads_the_directorys_own_synonyms(settings: Settings) -> None:
    """A question whose only topic word is the town's ("Knolle", synonyme.txt beside the
    directory) is answered from the document that says "Verwarnungsgeld"; without the file the
    topic is unknown and the bot says it found nothing."""
    from bot.directory.directory import Directory

    folder = write_directory(settings.directory_path)
    plain = Directory.load(folder)
    (folder / "synonyme.txt").write_text("Verwarnungsgeld, Knolle\n", encoding="utf-8")
    own = Directory.load(folder)
    paying = chunk("ordnungsamt/verwarnung.md", "Bezahlen", "1. Das Verwarnungsgeld per "
                   "Überweisung bezahlen\n2. Quittung aufbewahren", "Verwarnungsgeld")
    question = "Wie bezahle ich eine Knolle?"
    assert not compose_answer(question, hits((paying, 0.9)), plain, FIXED_DAY, settings).found
    answer = compose_answer(question, hits((paying, 0.9)), own, FIXED_DAY, settings)
    assert answer.found and answer.sources[0].path == "ordnungsamt/verwarnung.md"


def test_every_step_is_text_of_the_document(settings: Settings) -> None:
    found = hits((ABMELDUNG, 0.9))
    answer = compose_answer("Wie melde ich einen Hund ab?", found, None, FIXED_DAY, settings)
    assert answer.steps and all(step in ABMELDUNG.text for step in answer.steps)


def test_links_when_a_base_url_is_set(settings: Settings) -> None:
    linked = settings.model_copy(update={"doc_base_url": "https://share.example/kb/"})
    pdf = chunk("bau/Bauantrag Formular.pdf", "", "Seite drei", "Bauantrag", page=3)
    answer = compose_answer("Bauantrag", hits((pdf, 0.9)), None, FIXED_DAY, linked)
    assert answer.sources[0].url == "https://share.example/kb/bau/Bauantrag%20Formular.pdf#page=3"
    assert answer.sources[0].page == 3


def test_below_the_threshold_nothing_is_found(settings: Settings) -> None:
    brot = chunk("kantine.md", "Kantine", "Brot", "Kantine")
    answer = compose_answer("Wie backe ich Brot?", hits((brot, 0.79), (ANMELDUNG, 0.75)), None,
                            FIXED_DAY, settings)  # fmt: skip
    assert not answer.found
    assert answer.topics == ("Kantine", TITLE)
    assert compose_answer("x", [], None, FIXED_DAY, settings).found is False


def test_calibrated_threshold_applies_only_while_the_setting_is_default() -> None:
    assert min_confidence(Settings(_env_file=None)) == CALIBRATED_MIN_CONFIDENCE
    assert min_confidence(Settings(_env_file=None, min_confidence=0.5)) == 0.5


def test_a_task_named_in_the_question_wins_over_an_unrelated_document(
    settings: Settings, directory: Any
) -> None:
    travel = chunk("personal/reisen.md", "Ablauf", "1. Antrag stellen", "Dienstreisen",
                   ("dienstreisen",))  # fmt: skip
    answer = compose_answer("Wer macht die Gehaltsabrechnung?", hits((travel, 0.9)), directory,
                            FIXED_DAY, settings)  # fmt: skip
    assert answer.found and answer.task_id == "gehaelter"
    assert answer.who is not None and answer.who.contact is not None
    assert answer.who.contact.name == "Paula Personal"
    assert answer.who.reasons == ()  # she is there: no explanation needed
    assert answer.steps == () and answer.sources == ()  # nothing quoted from the travel doc


def test_a_document_about_the_task_is_preferred_for_the_steps(
    settings: Settings, directory: Any
) -> None:
    travel = chunk("personal/reisen.md", "Ablauf", "1. Antrag stellen", "Dienstreisen",
                   ("dienstreisen",))  # fmt: skip
    found = hits((travel, 0.9), (ABMELDUNG, 0.86))
    answer = compose_answer("Wie melde ich die Hundesteuer ab?", found, directory, FIXED_DAY,
                            settings)  # fmt: skip
    assert answer.task_id == "hundesteuer"
    assert answer.sources[0].path == "steueramt/hund.md"
    assert answer.steps[0] == "Formular prüfen"


def test_sources_are_the_quoted_section_and_documents_on_the_same_task(
    settings: Settings, directory: Any
) -> None:
    statute = chunk("steueramt/satzung.pdf", "", "§ 11 Meldepflichten", "Hundesteuersatzung",
                    ("hundesteuer",), page=4)  # fmt: skip
    unrelated = chunk("bau/winter.md", "Streuplan", "Streuen", "Winterdienst")
    found = hits((ABMELDUNG, 0.9), (unrelated, 0.88), (statute, 0.87))
    answer = compose_answer("Wie melde ich einen Hund ab?", found, directory, FIXED_DAY, settings)
    assert [s.path for s in answer.sources] == ["steueramt/hund.md", "steueramt/satzung.pdf"]
    assert answer.sources[1].page == 4


def test_a_section_without_quotable_text_gives_way(settings: Settings) -> None:
    table = chunk("gast.md", "Wer braucht was?", "| Fall | Erlaubnis |\n|---|---|\n| A | B |", "G")
    steps = replace(chunk("gast.md", "Ablauf", "1. Antrag prüfen", "G"), ordinal=1)
    answer = compose_answer("Braucht der Wirt eine Konzession?", hits((table, 0.9)), None,
                            FIXED_DAY, settings, lambda source: [table, steps])  # fmt: skip
    assert answer.steps == ("Antrag prüfen",)
    assert answer.sources[0].section == "Ablauf"


def test_a_task_named_in_the_question_beats_a_task_only_the_visible_document_names(
    settings: Settings, directory: Any
) -> None:
    # the asker may not read the document about the task the question names (restricted):
    # the readable document's own task gets a document vote, a guess, and must not win
    other = chunk("steueramt/hund.md", "Gehaltsabrechnung und Hundesteuer",
                  "Die Gehaltsabrechnung prüft das Steueramt.", TITLE, ("hundesteuer",))
    answer = compose_answer("Wer macht die Gehaltsabrechnung?", hits((other, 0.93)), directory,
                            FIXED_DAY, settings)  # fmt: skip
    assert answer.found and answer.task_id == "gehaelter"


def test_before_the_gate_only_a_who_question_takes_the_documents_task(tmp_path: Any) -> None:
    """A question sharing no word with any task, with documents the gate does not trust (low
    cosine): asked as a who-question, the first document confirming the dense side's clear
    first task names it; asked otherwise, nothing is found."""
    from tests.bot.directory.conftest import ScriptedStanding, small_directory

    directory = small_directory(tmp_path)
    directory._embedded = ScriptedStanding({"gaststaette": 3.2})  # type: ignore[assignment]
    paper = chunk("ordnung/ausschank.md", "Ablauf", "1. Antrag prüfen", "Ausschank",
                  ("gaststaette",))  # fmt: skip
    settings = Settings(_env_file=None, kb_dir=tmp_path / "kb", index_dir=tmp_path / "index")
    low = hits((paper, 0.70))  # far below the gate's threshold on the default scale

    who = compose_answer("Wer kümmert sich um den Bierwagen beim Dorffest?", low, directory,
                         FIXED_DAY, settings)  # fmt: skip
    assert who.found and who.task_id == "gaststaette" and not who.steps
    assert who.who is not None and who.who.contact is not None
    assert who.who.contact.person_id == "blang"
    how = compose_answer("Was gilt für den Bierwagen beim Dorffest?", low, directory, FIXED_DAY,
                         settings)  # fmt: skip
    assert not how.found
    # "wer" meaning "jemand" asks for no person
    anyone = compose_answer("Hat wer den Bierwagen beim Dorffest gesehen?", low, directory,
                            FIXED_DAY, settings)  # fmt: skip
    assert not anyone.found


def test_a_refused_who_question_offers_the_task_closest_to_its_meaning(tmp_path: Any) -> None:
    """The dense side's first task (z 2.7: a vote, too weak to answer alone) is offered as the
    first topic of a refused question asking who: one click names the person. A question not
    asking who gets the documents' titles as before."""
    from tests.bot.directory.conftest import ScriptedStanding, small_directory

    directory = small_directory(tmp_path)
    directory._embedded = ScriptedStanding({"gaststaette": 2.7})  # type: ignore[assignment]
    unrelated = chunk("bauamt/baum.md", "Ablauf", "1. Baum prüfen", "Baumschutz", ())
    settings = Settings(_env_file=None, kb_dir=tmp_path / "kb", index_dir=tmp_path / "index")
    low = hits((unrelated, 0.70))
    who = compose_answer("Wer kümmert sich um den Bierwagen beim Dorffest?", low, directory,
                         FIXED_DAY, settings)  # fmt: skip
    assert not who.found and who.topics == ("Gestattung Ausschank", "Baumschutz")
    how = compose_answer("Was gilt für den Bierwagen beim Dorffest?", low, directory, FIXED_DAY,
                         settings)  # fmt: skip
    assert not how.found and how.topics == ("Baumschutz",)


def test_without_a_document_only_a_question_for_a_person_gets_one(tmp_path: Any) -> None:
    """A keyword match with no document to quote: "Wer ..." gets the task's person; a
    question that does not ask who gets nothing found (the task offered as a topic), unless
    it names the task outright or the task's document is closed to the asker."""
    from bot.directory import Directory
    from indexer.model import DocumentMeta

    folder = tmp_path / "verzeichnis"
    folder.mkdir()
    (folder / "personen.csv").write_text(
        "id;name;abteilung\nakern;Anna Kern;Ordnungsamt\nblang;Bernd Lang;Personal\n",
        encoding="utf-8")  # fmt: skip
    (folder / "zustaendigkeiten.csv").write_text(
        "aufgabe_id;aufgabe;stichwoerter;abteilung;zustaendig;vertretung1;vertretung2\n"
        "fundsachen;Fundsachen;Fahrrad,Schlüssel,Geldbörse;Ordnungsamt;akern;;\n"
        "gehalt;Entgeltabrechnung;Gehalt,Lohn,Abrechnungslauf;Personal;blang;;\n",
        encoding="utf-8")  # fmt: skip
    closed = {"personal/gehalt.md": DocumentMeta(title="Gehaltslauf", tasks=("gehalt",),
                                                 groups=("personal",))}  # fmt: skip
    directory = Directory.load(folder, closed)
    settings = Settings(_env_file=None, kb_dir=tmp_path / "kb", index_dir=tmp_path / "index")
    other = chunk("bauhof/winter.md", "Ablauf", "1. Streuen", "Winterdienst")
    low = hits((other, 0.70))  # documents the gate does not trust

    how = compose_answer("Was passiert mit dem Fahrrad?", low, directory, FIXED_DAY, settings,
                         groups=())  # fmt: skip
    assert not how.found and "Fundsachen" in how.topics  # a keyword match (0.76) is no reason
    assert how.near_task == "fundsachen"
    # trusted documents about something else: nothing to quote, so nothing found either
    sure = hits((chunk("bauhof/winter.md", "Ablauf", "1. Fahrrad", "Winterdienst",
                       ("winterdienst",)), 0.95))  # fmt: skip
    trusted = compose_answer("Was passiert mit dem Fahrrad?", sure, directory, FIXED_DAY,
                             settings, groups=())  # fmt: skip
    assert trusted.confidence >= 0.59 and not trusted.found
    who = compose_answer("Wer kümmert sich um ein Fahrrad, das abgegeben wurde?", low,
                         directory, FIXED_DAY, settings, groups=())  # fmt: skip
    assert who.found and who.task_id == "fundsachen"
    named = compose_answer("Fundsachen", low, directory, FIXED_DAY, settings, groups=())
    assert named.found and named.task_id == "fundsachen"  # the topic button of a refusal
    question = "Wie läuft der monatliche Abrechnungslauf der Gehälter?"
    outsider = compose_answer(question, low, directory, FIXED_DAY, settings, groups=())
    assert outsider.found and outsider.task_id == "gehalt" and not outsider.sources
    assert outsider.steps == () and outsider.steps_title == ""  # the document stays hidden
    assert directory.task("gehalt").closed_to(()) and not directory.task("gehalt").closed_to(
        ("personal",))  # fmt: skip
    insider = compose_answer(question, low, directory, FIXED_DAY, settings, groups=("personal",))
    assert not insider.found  # the document is open to them: no reason for a bare person


def test_an_answer_close_to_the_threshold_says_it_is_uncertain(settings: Settings,
                                                               directory: Any) -> None:
    found = hits((ABMELDUNG, 0.9), (ANMELDUNG, 0.85))
    question = "Wie melde ich einen Hund ab? Hundesteuer"
    sure = compose_answer(question, found, directory, FIXED_DAY, settings)
    assert sure.found and sure.steps
    confidence = sure.confidence
    # the same evidence under a threshold just below it, and one far below it
    near = settings.model_copy(update={"min_confidence": confidence - 0.01})
    far = settings.model_copy(update={"min_confidence": 0.05})
    assert compose_answer(question, found, directory, FIXED_DAY, near).uncertain
    assert not compose_answer(question, found, directory, FIXED_DAY, far).uncertain
    # below the threshold no document is quoted (here the directory still names the person),
    # and nothing is called uncertain
    above = settings.model_copy(update={"min_confidence": min(1.0, confidence + 0.01)})
    below = compose_answer(question, found, directory, FIXED_DAY, above)
    assert not below.steps and not below.uncertain


def test_the_uncertain_margin_is_kept_in_log_odds_for_other_thresholds() -> None:
    default = DEFAULT_RULE.threshold
    assert is_uncertain(default + UNCERTAIN_MARGIN - 0.01, default)
    assert not is_uncertain(default + UNCERTAIN_MARGIN + 0.01, default)
    # a high threshold (an operator's setting, a calibrated rule) does not mark every answer
    assert not is_uncertain(0.99, 0.8) and is_uncertain(0.9, 0.8)
    assert not is_uncertain(0.999, 0.9) and is_uncertain(0.95, 0.9)
    # a low one marks fewer
    assert not is_uncertain(0.6, 0.2) and is_uncertain(0.3, 0.2)
