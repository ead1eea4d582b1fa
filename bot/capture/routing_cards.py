"""Adaptive Cards of routed questions: the department choice, the question with its answer
form, the answer for the asker, and the offer to put it into the knowledge base."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.capture.cards import ANSWER_FIELD, card, submit, text
from bot.texts import routing as texts

ACTION_FORWARD = "frage_weiterleiten"  # {"question", "task"?, "department"?}
ACTION_ANSWER = "frage_beantworten"  # {"routed": id, ANSWER_FIELD}
ACTION_ADOPT = "frage_uebernehmen"  # {"routed": id}
MAX_ROUTED_ANSWER = 4000


def forward_action(question: str, task_id: str | None) -> dict[str, Any]:
    """The button under an answer (and under "nichts gefunden")."""
    data: dict[str, Any] = {"action": ACTION_FORWARD, "question": question}
    if task_id:
        data["task"] = task_id
    return submit(texts.BUTTON_FORWARD, data)


def departments_card(question: str, departments: Sequence[str]) -> dict[str, Any]:
    buttons = [submit(name, {"action": ACTION_FORWARD, "question": question,
                             "department": name}) for name in departments]
    return card([text(texts.PICK_DEPARTMENT), {"type": "ActionSet", "actions": buttons}], [])


def question_card(routed_id: str, title: str, intro: str, question: str, answer: str = ""
                  ) -> dict[str, Any]:
    body = [text(title, size="Large", weight="Bolder", style="heading"), text(intro),
            text(question, weight="Bolder"), text(texts.INCOMING_WHY, isSubtle=True),
            {"type": "Input.Text", "id": ANSWER_FIELD, "isMultiline": True,
             "maxLength": MAX_ROUTED_ANSWER, "placeholder": texts.ANSWER_PLACEHOLDER,
             "value": answer[:MAX_ROUTED_ANSWER]}]
    return card(body, [submit(texts.BUTTON_SEND_ANSWER,
                              {"action": ACTION_ANSWER, "routed": routed_id}, style="positive")])


def answer_card(intro: str, answer: str) -> dict[str, Any]:
    return card([text(texts.ANSWER_TO_ASKER_TITLE, size="Large", weight="Bolder",
                      style="heading"), text(intro), text(answer)], [])


def adopt_card(message: str, routed_id: str) -> dict[str, Any]:
    return card([text(message)], [submit(texts.BUTTON_ADOPT,
                                         {"action": ACTION_ADOPT, "routed": routed_id})])
