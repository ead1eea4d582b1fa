"""The message a head of department gets for a draft: a preview and the two decisions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.capture import cards
from bot.directory import Person, Task
from bot.texts import capture as texts
from bot.turns import Reply


def review_reply(desk: Any, draft_id: str, title: str, author: Person, task: Task,
                 answers: Mapping[str, str], folder: str, base_source: str | None) -> Reply:
    intro = texts.REVIEW_INTRO.format(author=author.name, task=task.name, folder=folder)
    if base_source:
        intro += " " + texts.REVIEW_UPDATE.format(source=base_source)
    sections = [(s.title, answers[s.key]) for s in desk.sections if answers.get(s.key)]
    facts = [(texts.FACT_TASK, task.name), (texts.FACT_PERSON, author.name),
             (texts.FACT_DEPARTMENT, task.department),
             (texts.FACT_SECTIONS, f"{len(sections)} von {len(desk.sections)}")]
    cut = texts.REVIEW_CUT.format(path=f"{draft_id}.md")
    card = cards.review_card(draft_id, title, intro, facts, sections, author.name, cut)
    lines = [texts.REVIEW_TITLE.format(title=title), intro,
             *(f"{heading}: {content[:200]}" for heading, content in sections)]
    return Reply("\n".join(lines), card, {"kind": "draft_review", "draft": draft_id})
