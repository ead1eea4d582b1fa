"""The sections a handover interview walks through: the H2 sections of the knowledge base's
template ``_vorlagen/uebergabedokument.md``, each with its explanation as the question.

Admins change the interview by changing the template; without a readable template the
interview uses the sections the template has in the sample knowledge base.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.texts import capture as texts

log = logging.getLogger(__name__)

TEMPLATE = Path("_vorlagen") / "uebergabedokument.md"
_H2 = re.compile(r"^##\s+(.+?)\s*#*\s*$")
_PLACEHOLDER = re.compile(r"<[^>]+>")
_ITEM = re.compile(r"^([-*•]|\d+[.)])\s")


@dataclass(frozen=True)
class TemplateSection:
    key: str  # stable id ("aufgabe-und-zweck"), the answer's key in the state database
    title: str  # the heading in the handover document
    hint: str  # what to write (the template's text under the heading)


def section_key(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title.casefold())
    folded = folded.replace("ß", "ss")
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-") or "abschnitt"


def load_sections(kb_dir: Path) -> tuple[TemplateSection, ...]:
    """The template's H2 sections in order; the built-in ones when it cannot be read."""
    try:
        text = (Path(kb_dir) / TEMPLATE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        log.warning("handover template unreadable (%s): built-in sections used",
                    type(error).__name__)
        return default_sections()
    sections = parse_template(text)
    return sections or default_sections()


def parse_template(text: str) -> tuple[TemplateSection, ...]:
    sections: list[TemplateSection] = []
    title: str | None = None
    body: list[str] = []
    for line in text.splitlines():
        heading = _H2.match(line)
        if heading:
            if title is not None:
                sections.append(_section(title, body))
            title, body = heading.group(1), []
        elif title is not None and not line.startswith("#"):
            body.append(line)
    if title is not None:
        sections.append(_section(title, body))
    return tuple(sections)


def _section(title: str, body: list[str]) -> TemplateSection:
    """The hint: the template's prose and list items (tables and placeholders left out, a
    wrapped line joined to its item); a table-only section gets a hint from the texts."""
    lines: list[str] = []
    for raw in body:
        line = raw.strip()
        if not line or line.startswith("|") or "..." in line:
            continue
        if lines and not _ITEM.match(line):
            lines[-1] += " " + line
        else:
            lines.append(line)
    hint = "\n".join(_PLACEHOLDER.sub("…", line) for line in lines)  # lists stay lists
    key = section_key(title)
    return TemplateSection(key, title, hint[:600] or texts.TABLE_HINTS.get(key, ""))


def default_sections() -> tuple[TemplateSection, ...]:
    return tuple(TemplateSection(section_key(t), t, h) for t, h in texts.DEFAULT_SECTIONS)
