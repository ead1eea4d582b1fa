"""Answer -> Adaptive Card 1.5 (Python data, turned into JSON by the channel) and plain text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.assistant.answer import Answer, Contact, SourceRef
from bot.assistant.sections import SUBITEM
from bot.capture.routing_cards import forward_action
from bot.texts import assistant as texts

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"

Element = dict[str, Any]


def _card(body: list[Element], actions: list[Element]) -> dict[str, Any]:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def _text(text: str, **style: Any) -> Element:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _heading(text: str) -> Element:
    return _text(text, size="Large", weight="Bolder", style="heading")


def _label(text: str) -> Element:
    return _text(text, weight="Bolder", spacing="Medium")


def ask_action(topic: str) -> Element:
    return {"type": "Action.Submit", "title": topic, "data": {"action": "ask", "text": topic}}


def feedback_actions(answer_id: str) -> list[Element]:
    return [
        {
            "type": "Action.Submit",
            "title": title,
            "data": {"action": "feedback", "answer_id": answer_id, "vote": vote},
        }
        for title, vote in ((texts.CARD_FEEDBACK_UP, "up"), (texts.CARD_FEEDBACK_DOWN, "down"))
    ]


def _contact_facts(contact: Contact) -> Element:
    facts = [
        (texts.LABEL_PHONE, contact.phone),
        (texts.LABEL_ROOM, contact.room),
        (texts.LABEL_EMAIL, contact.email),
        (texts.LABEL_DEPARTMENT, contact.department),
    ]
    return {
        "type": "FactSet",
        "facts": [{"title": title, "value": value} for title, value in facts if value],
    }


def _who_elements(answer: Answer) -> list[Element]:
    who = answer.who
    if who is None:
        return []
    elements = [_label(texts.CARD_RESPONSIBLE_TODAY)]
    if who.contact is None:
        elements.append(_text(texts.CARD_NOBODY))
    else:
        elements.append(_text(who.contact.name, size="Medium", weight="Bolder"))
        facts = _contact_facts(who.contact)
        if facts["facts"]:
            elements.append(facts)
    elements.extend(_text(reason, isSubtle=True, spacing="Small") for reason in who.reasons)
    return elements


def _md_escape(text: str) -> str:
    return text.replace("[", "(").replace("]", ")")


def source_line(source: SourceRef, markdown: bool) -> str:
    title = _md_escape(source.title) if markdown else source.title
    head = f"[{title}]({source.url})" if markdown and source.url else title
    parts = [head]
    if source.section:
        parts.append(f"{texts.LABEL_SECTION} „{source.section}“")
    if source.page:
        parts.append(f"{texts.LABEL_PAGE} {source.page}")
    parts.append(f"({source.path})")
    line = ", ".join(parts[:-1]) + " " + parts[-1]
    if source.also_in:
        line += "; " + texts.LABEL_ALSO_IN + " " + ", ".join(
            _copy(copy, markdown) for copy in source.also_in)
    return line


def _copy(copy: SourceRef, markdown: bool) -> str:
    """A copy of a source's content elsewhere: its path (a link in Markdown when there is a
    document URL; the plain text appends the URL)."""
    if markdown:
        return f"[{_md_escape(copy.path)}]({copy.url})" if copy.url else copy.path
    return f"{copy.path} {copy.url}" if copy.url else copy.path


def _steps_elements(answer: Answer) -> list[Element]:
    if not answer.steps:
        return []
    elements = [_label(_steps_label(answer))]
    if not answer.steps_are_list:  # paragraphs are quoted as paragraphs, not as steps
        return elements + [_text(paragraph, spacing="Small") for paragraph in answer.steps]
    for number, step in enumerate(answer.steps, start=1):
        head, *subitems = step.split(SUBITEM)
        elements.append(_text(f"{number}. {head}", spacing="Small"))
        # a TextBlock renders a list only at its start: one block per sub-item
        elements.extend(_text(f"• {sub}", spacing="None", isSubtle=True) for sub in subitems)
    return elements


def _steps_label(answer: Answer) -> str:
    label = texts.CARD_STEPS if answer.how_to and answer.steps_are_list else texts.CARD_QUOTE
    return label.format(title=answer.steps_title)


def _sources_elements(sources: Sequence[SourceRef]) -> list[Element]:
    if not sources:
        return []
    return [_label(texts.CARD_SOURCES)] + [
        _text("- " + source_line(source, markdown=True), spacing="Small", isSubtle=True)
        for source in sources
    ]


def answer_card(answer: Answer) -> dict[str, Any]:
    """The Adaptive Card of an answer (or of "nothing found" with topic buttons)."""
    if not answer.found:
        return not_found_card(answer)
    body = [_heading(answer.task_name or texts.CARD_TASK_UNKNOWN)]
    if answer.uncertain:
        body.append(_text(texts.CARD_UNCERTAIN, color="Warning", spacing="Small"))
    body += _who_elements(answer) + _steps_elements(answer) + _sources_elements(answer.sources)
    actions = feedback_actions(answer.answer_id) if answer.answer_id else []
    return _card(body, [*actions, forward_action(answer.question, answer.task_id)])


def not_found_card(answer: Answer) -> dict[str, Any]:
    body = [_text(texts.NOT_FOUND, weight="Bolder"), _text(texts.NOT_FOUND_RECORDED)]
    if answer.topics:
        body.append(_text(texts.NOT_FOUND_TOPICS))
    return _card(body, [*(ask_action(topic) for topic in answer.topics),
                        forward_action(answer.question, answer.task_id)])


def message_card(title: str, lines: Sequence[str]) -> dict[str, Any]:
    """A simple card: a heading and paragraphs (help, status, gap report)."""
    return _card([_heading(title)] + [_text(line) for line in lines], [])


def answer_text(answer: Answer) -> str:
    """The same content as plain text, for clients without cards."""
    if not answer.found:
        lines = [texts.NOT_FOUND, texts.NOT_FOUND_RECORDED]
        if answer.topics:
            lines += [texts.NOT_FOUND_TOPICS, texts.bullet_list(answer.topics)]
        return "\n".join(lines)
    lines = [answer.task_name or texts.CARD_TASK_UNKNOWN]
    if answer.uncertain:
        lines.append(texts.CARD_UNCERTAIN)
    who = answer.who
    if who is not None:
        lines += ["", texts.CARD_RESPONSIBLE_TODAY]
        if who.contact is None:
            lines.append(texts.CARD_NOBODY)
        else:
            lines.append(who.contact.name)
            facts = _contact_facts(who.contact)["facts"]
            lines += [f"{fact['title']}: {fact['value']}" for fact in facts]
        lines += list(who.reasons)
    if answer.steps:
        lines += ["", _steps_label(answer)]
        lines += [
            f"{n}. {step}".replace(SUBITEM, "\n   - ") if answer.steps_are_list else step
            for n, step in enumerate(answer.steps, 1)
        ]
    if answer.sources:
        lines += ["", texts.CARD_SOURCES]
        lines += ["- " + _plain_source(source) for source in answer.sources]
    return "\n".join(lines)


def _plain_source(source: SourceRef) -> str:
    line = source_line(source, markdown=False)
    return f"{line} {source.url}" if source.url else line


def welcome_card(title: str, lines: Sequence[str], questions: Sequence[str]) -> dict[str, Any]:
    """The welcome message: what the bot does, and example questions to click."""
    card = message_card(title, lines)
    card["actions"] = [ask_action(question) for question in questions]
    return card
