"""Adaptive Cards of the handover interview: one section at a time, the overview, the review.

Inputs are ``Input.Text`` fields; Teams (and the web chat) merge their values into the data of
the pressed ``Action.Submit``. The action names are public: the gap report offers
``ACTION_START`` with ``{"person": ..., "task": ...}`` as a button.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.capture.template import TemplateSection
from bot.texts import capture as texts

# The same schema and version as the answer cards (bot.assistant.cards; a test checks it):
# not imported from there, because the assistant package imports this one.
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
ACTION_START = "uebergabe_start"  # {"person": id, "task": id}: start or resume an interview
ACTION_RESUME = "uebergabe_weiter"  # {"interview": id}
ACTION_STEP = "uebergabe_schritt"  # {"interview", "section", "step", ANSWER_FIELD}
ACTION_RELEASE = "entwurf_freigeben"  # {"draft": id}
ACTION_RETURN = "entwurf_zurueck"  # {"draft": id, NOTE_FIELD}
ANSWER_FIELD = "antwort"
NOTE_FIELD = "anmerkung"
STEPS = ("next", "skip", "back", "later", "finish")
MAX_ANSWER_CHARS = 6000
PREVIEW_CHARS = 700

Element = dict[str, Any]


def card(body: list[Element], actions: list[Element]) -> dict[str, Any]:
    result: dict[str, Any] = {"type": "AdaptiveCard", "$schema": CARD_SCHEMA,
                              "version": CARD_VERSION, "body": body}
    if actions:
        result["actions"] = actions
    return result


def text(value: str, **style: Any) -> Element:
    return {"type": "TextBlock", "text": value, "wrap": True, **style}


def submit(title: str, data: dict[str, Any], **extra: Any) -> Element:
    return {"type": "Action.Submit", "title": title, "data": data, **extra}


def section_card(interview_id: str, task: str, person: str | None, number: int,
                 section: TemplateSection, total: int, answer: str, prefilled: bool
                 ) -> dict[str, Any]:
    """One section: its question, the answer field (prefilled when known), the buttons."""
    body = [text(texts.SECTION_HEADING.format(task=task, number=number, total=total),
                 isSubtle=True, size="Small")]
    if person:
        body.append(text(texts.SECTION_FOR.format(name=person), isSubtle=True, size="Small"))
    body += [text(section.title, size="Large", weight="Bolder", style="heading")]
    if section.hint:
        body.append(text(section.hint))
    if prefilled:
        body.append(text(texts.PREFILLED, isSubtle=True, color="Accent"))
    body.append({"type": "Input.Text", "id": ANSWER_FIELD, "isMultiline": True,
                 "maxLength": MAX_ANSWER_CHARS, "placeholder": texts.ANSWER_PLACEHOLDER,
                 "value": answer[:MAX_ANSWER_CHARS]})

    def step(title: str, name: str, **extra: Any) -> Element:
        return submit(title, {"action": ACTION_STEP, "interview": interview_id,
                              "section": section.key, "step": name}, **extra)

    actions = [step(texts.BUTTON_NEXT, "next", style="positive"),
               step(texts.BUTTON_SKIP, "skip", associatedInputs="none")]
    if number > 1:
        actions.append(step(texts.BUTTON_BACK, "back", associatedInputs="none"))
    actions.append(step(texts.BUTTON_LATER, "later"))
    return card(body, actions)


def summary_card(interview_id: str, task: str, answered: int, total: int, reviewers: str,
                 last_section: str) -> dict[str, Any]:
    body = [text(texts.SUMMARY_TITLE.format(task=task), size="Large", weight="Bolder",
                 style="heading")]
    body.append(text(texts.SUMMARY_TEXT.format(answered=answered, total=total,
                                               reviewers=reviewers)
                     if answered else texts.SUMMARY_EMPTY))
    data = {"action": ACTION_STEP, "interview": interview_id, "section": last_section}
    actions = [submit(texts.BUTTON_BACK, {**data, "step": "back"})]
    if answered:
        actions.insert(0, submit(texts.BUTTON_FINISH, {**data, "step": "finish"},
                                 style="positive"))
    return card(body, actions)


def overview_card(title: str, intro: str, open_items: Sequence[tuple[str, str]],
                  tasks: Sequence[tuple[str, str, str]], empty: str) -> dict[str, Any]:
    """``open_items``: (label, interview id); ``tasks``: (label, person id, task id)."""
    body = [text(title, size="Large", weight="Bolder", style="heading"), text(intro)]
    if open_items:
        body.append(text(texts.OVERVIEW_OPEN, weight="Bolder", spacing="Medium"))
        body.append({"type": "ActionSet", "actions": [
            submit(label, {"action": ACTION_RESUME, "interview": iid})
            for label, iid in open_items]})
    if tasks:
        body.append(text(texts.OVERVIEW_TASKS, weight="Bolder", spacing="Medium"))
        body.append({"type": "ActionSet", "actions": [
            submit(label, {"action": ACTION_START, "person": pid, "task": tid})
            for label, pid, tid in tasks]})
    if not open_items and not tasks:
        body.append(text(empty))
    return card(body, [])


def review_card(draft_id: str, title: str, intro: str, facts: Sequence[tuple[str, str]],
                sections: Sequence[tuple[str, str]], author: str, cut_note: str
                ) -> dict[str, Any]:
    """The draft's preview for the head: facts, each section shortened, the two decisions."""
    body = [text(texts.REVIEW_TITLE.format(title=title), size="Large", weight="Bolder",
                 style="heading"), text(intro),
            {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in facts]}]
    for heading, content in sections:
        shown = content if len(content) <= PREVIEW_CHARS else (
            content[:PREVIEW_CHARS].rstrip() + " " + cut_note)
        body.append(text(heading, weight="Bolder", spacing="Medium"))
        body.append(text(shown))
    body.append({"type": "Input.Text", "id": NOTE_FIELD, "isMultiline": True, "maxLength": 2000,
                 "placeholder": texts.NOTE_PLACEHOLDER.format(author=author)})
    actions = [submit(texts.BUTTON_RELEASE, {"action": ACTION_RELEASE, "draft": draft_id},
                      style="positive", associatedInputs="none"),
               submit(texts.BUTTON_RETURN, {"action": ACTION_RETURN, "draft": draft_id})]
    return card(body, actions)


def resume_card(message: str, interview_id: str) -> dict[str, Any]:
    return card([text(message)],
                [submit(texts.BUTTON_RESUME, {"action": ACTION_RESUME, "interview": interview_id})])
