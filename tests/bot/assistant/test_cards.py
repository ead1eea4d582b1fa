from dataclasses import replace

from bot.assistant import (
    Answer,
    Contact,
    Responsibility,
    SourceRef,
    answer_card,
    answer_text,
    message_card,
)
from bot.texts.assistant import CARD_UNCERTAIN

from .card_schema import problems

ANSWER = Answer(
    question="Wer macht die Hundesteuer und wie melde ich einen Hund ab?",
    found=True,
    confidence=0.9,
    task_id="hundesteuer",
    task_name="Hundesteuer",
    who=Responsibility(
        Contact("tkoch", "Tom Koch", "0815-23", "2.14", "tkoch@musterstadt.de", "Steueramt"),
        ("Berta Schneider ist bis 14.08.2026 abwesend; Vertretung: Tom Koch",),
        True,
    ),
    steps=(
        "Abmeldeformular prüfen",
        "Hundemarke zurücknehmen",
        "Nachweis anfordern:\n- Tod: Bescheinigung\n- Abgabe: Name",
    ),  # fmt: skip
    steps_title="Übergabe Hundesteuer > Abmeldung",
    sources=(
        SourceRef(
            "Übergabe [Hundesteuer]",
            "steueramt/hundesteuer.md",
            "Abmeldung",
            None,
            "https://share.example/steueramt/hundesteuer.md",
        ),
        SourceRef("Satzung", "steueramt/satzung.pdf", "", 3),
    ),  # fmt: skip
    answer_id="a-123",
)


def _texts(card: dict) -> str:
    return "\n".join(e.get("text", "") for e in card["body"])


def test_answer_card_is_valid_and_complete() -> None:
    card = answer_card(ANSWER)
    assert problems(card) == []
    body = _texts(card)
    assert card["body"][0]["text"] == "Hundesteuer"
    assert "Zuständig heute:" in body
    assert "Tom Koch" in body
    assert "Berta Schneider ist bis 14.08.2026 abwesend" in body
    assert "1. Abmeldeformular prüfen" in body and "2. Hundemarke zurücknehmen" in body
    assert "3. Nachweis anfordern:" in body and "• Tod: Bescheinigung" in body
    facts = [f for e in card["body"] if e["type"] == "FactSet" for f in e["facts"]]
    assert {"title": "Telefon", "value": "0815-23"} in facts
    assert {"title": "Raum", "value": "2.14"} in facts
    # the link is a markdown link; brackets in a title cannot break it
    assert "[Übergabe (Hundesteuer)](https://share.example/steueramt/hundesteuer.md)" in body
    assert "Seite 3" in body


def test_feedback_buttons_carry_the_answer_id() -> None:
    data = [a["data"] for a in answer_card(ANSWER)["actions"]]
    assert {"action": "feedback", "answer_id": "a-123", "vote": "up"} in data
    assert {"action": "feedback", "answer_id": "a-123", "vote": "down"} in data


def test_not_found_card_offers_topics_as_buttons() -> None:
    answer = Answer("Wie backe ich Brot?", False, 0.7, topics=("Kantine", "Hundesteuer"))
    card = answer_card(answer)
    assert problems(card) == []
    assert "Dazu habe ich nichts gefunden." in _texts(card)
    assert [a["data"] for a in card["actions"]] == [
        {"action": "ask", "text": "Kantine"},
        {"action": "ask", "text": "Hundesteuer"},
        {"action": "frage_weiterleiten", "question": "Wie backe ich Brot?"},  # issue 12
    ]


def test_plain_text_has_the_same_content() -> None:
    text = answer_text(ANSWER)
    for part in ("Hundesteuer", "Zuständig heute:", "Tom Koch", "Telefon: 0815-23", "Raum: 2.14",
                 "bis 14.08.2026 abwesend", "1. Abmeldeformular prüfen",
                 "Abschnitt „Abmeldung“", "https://share.example/steueramt/hundesteuer.md",
                 "Seite 3", "3. Nachweis anfordern:\n   - Tod: Bescheinigung"):  # fmt: skip
        assert part in text


def test_card_without_contact_or_id() -> None:
    answer = Answer("x", True, 0.9, who=Responsibility(None), steps=("a",), steps_title="T")
    card = answer_card(answer)
    assert problems(card) == []
    # no answer id: no feedback buttons; the question can still be forwarded (issue 12)
    assert [a["data"]["action"] for a in card["actions"]] == ["frage_weiterleiten"]
    assert "niemand" in _texts(card)


def test_message_card_is_valid() -> None:
    assert problems(message_card("Status", ["eins", "zwei"])) == []


def test_the_schema_check_catches_broken_cards() -> None:
    assert problems({"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock"}]})
    assert problems({"type": "AdaptiveCard", "version": "1.2", "body": []})
    bad_action = {"type": "Action.Submit", "title": "x", "data": "text"}
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "a"}],
            "actions": [bad_action]}  # fmt: skip
    assert problems(card)


def test_a_quote_for_a_non_how_question_is_not_called_a_procedure() -> None:
    answer = Answer("Wer macht das?", True, 0.9, steps=("Satzung § 5",), steps_title="Satzung",
                    how_to=False)  # fmt: skip
    assert "Dazu steht in „Satzung“:" in answer_text(answer)
    assert "So wird es gemacht" not in answer_text(answer)
    assert "So wird es gemacht (zitiert aus „Übergabe Hundesteuer" in answer_text(ANSWER)


def test_an_uncertain_answer_says_so_in_card_and_text_and_a_sure_one_does_not() -> None:
    unsure = replace(ANSWER, uncertain=True)
    card = answer_card(unsure)
    assert not problems(card)
    warning = [e for e in card["body"] if e.get("text") == CARD_UNCERTAIN]
    assert warning and warning[0]["color"] == "Warning"
    assert card["body"].index(warning[0]) == 1  # right under the heading, before the person
    assert CARD_UNCERTAIN in answer_text(unsure)
    assert CARD_UNCERTAIN not in _texts(answer_card(ANSWER))
    assert CARD_UNCERTAIN not in answer_text(ANSWER)
