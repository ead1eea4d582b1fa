"""The handover document an interview produces: Markdown with front matter, in the format
admins write by hand (``knowledge_base/README.md``), and the reverse for updates.

The front matter is written with ``yaml.safe_dump`` from the directory, never from answer
text, and answers only ever land in the body, where every line that Markdown or the loader
would read as structure (a heading, a ``---``/``===`` underline, a code fence, raw HTML) is
escaped: an answer cannot add a section, change metadata (``zugriff: []``) or hide text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import yaml

from bot.capture.template import TemplateSection, section_key
from bot.texts import capture as texts

# H1/H2 would open a section of their own; H3 and deeper stay sub-sections of the answer's.
_STRUCTURE = re.compile(
    r"^(\s{0,3})(#{1,2}(?!#)|-{2,}\s*$|={2,}\s*$|\*{3,}\s*$|_{3,}\s*$|`{3,}|~{3,})")
_H2 = re.compile(r"^##\s+(.+?)\s*#*\s*$")
_FRONT = re.compile(r"\A---\s*\n.*?\n---\s*(?:\n|\Z)", re.DOTALL)
_KEYWORD = re.compile(r"\b[A-ZÄÖÜ][a-zäöüß]{5,}(?:-[A-ZÄÖÜ]?[a-zäöüß]+)*\b")
_STOP = frozenset({"Bitte", "Danach", "Dabei", "Wichtig", "Zuerst", "Anschließend", "Dafür",
                   "Meistens", "Manchmal", "Außerdem", "Achtung", "Hinweis", "Falls", "Wenn"})
MAX_KEYWORDS = 12


@dataclass(frozen=True)
class HandoverMeta:
    """What the front matter says: all from the directory, none from answers."""

    title: str
    task_id: str
    responsible: str | None
    deputies: tuple[str, ...]
    department: str
    author_name: str
    written: date
    groups: tuple[str, ...] = ()  # kept from the document being updated
    keywords: tuple[str, ...] = ()  # the task's own keywords (answers add more)


def neutralise(answer: str) -> str:
    """Answer text safe to put into the body (see module doc); line breaks are kept."""
    lines = []
    for line in answer.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _STRUCTURE.match(line)
        if match:
            line = match.group(1) + "\\" + line[len(match.group(1)):]
        lines.append(line.replace("<", "\\<"))
    return "\n".join(lines).strip()


def keywords_from(answers: Mapping[str, str], known: Sequence[str]) -> tuple[str, ...]:
    """The task's keywords, then nouns that several answers or sections use (capitalised
    words of six letters or more, most frequent first)."""
    counts: dict[str, int] = {}
    for text in answers.values():
        for word in _KEYWORD.findall(text):
            if word not in _STOP:
                counts[word] = counts.get(word, 0) + 1
    ranked = sorted((w for w, n in counts.items() if n >= 2), key=lambda w: (-counts[w], w))
    merged = dict.fromkeys([*known, *ranked])
    return tuple(merged)[:MAX_KEYWORDS]


def render(meta: HandoverMeta, sections: Sequence[TemplateSection],
           answers: Mapping[str, str], extra: Mapping[str, str] | None = None) -> str:
    """The Markdown file: front matter, title, author line, one H2 per answered section.
    ``extra`` are sections of an updated document the template does not have (kept)."""
    front = {
        "titel": meta.title,
        "aufgaben": [meta.task_id],
        "zustaendig": meta.responsible,
        "vertretung": list(meta.deputies),
        "stichwoerter": list(keywords_from(answers, meta.keywords)),
        "zugriff": list(meta.groups),
        "abteilung": meta.department,
        "dokumenttyp": "uebergabe",
        "zuletzt_geprueft": meta.written.isoformat(),
    }
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
    parts = [f"---\n{head}---\n", f"# {_one_line(meta.title)}\n",
             "> " + texts.DOCUMENT_WRITTEN_BY.format(
                 name=_one_line(meta.author_name), day=meta.written.strftime("%d.%m.%Y")) + "\n"]
    for section in sections:
        text = neutralise(answers.get(section.key, ""))
        if text:
            parts.append(f"## {section.title}\n\n{text}\n")
    for title, body in (extra or {}).items():
        if body.strip():
            parts.append(f"## {_one_line(title)}\n\n{body.strip()}\n")
    return "\n".join(parts)


def _one_line(text: str) -> str:
    return neutralise(" ".join(text.split()))


def parse_sections(markdown: str) -> dict[str, tuple[str, str]]:
    """An existing handover document's H2 sections: key -> (title, body as written; H3
    sub-sections stay in their H2's body). Text before the first H2 is left out."""
    body = _FRONT.sub("", markdown, count=1)
    found: dict[str, tuple[str, str]] = {}
    title: str | None = None
    lines: list[str] = []
    for line in body.splitlines():
        heading = _H2.match(line)
        if heading:
            if title is not None:
                found[section_key(title)] = (title, "\n".join(lines).strip())
            title, lines = heading.group(1), []
        elif title is not None:
            lines.append(line)
    if title is not None:
        found[section_key(title)] = (title, "\n".join(lines).strip())
    return found


def prefill(markdown: str, sections: Sequence[TemplateSection]
            ) -> tuple[dict[str, str], dict[str, str]]:
    """Answers for the template's sections from an existing document, and the document's
    other sections (title -> body) that the updated document keeps as they are."""
    found = parse_sections(markdown)
    keys = {s.key for s in sections}
    answers = {key: body for key, (_, body) in found.items() if key in keys and body}
    extra = {title: body for key, (title, body) in found.items() if key not in keys and body}
    return answers, extra
