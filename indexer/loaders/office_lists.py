"""List markers of DOCX and ODT paragraphs: Word and LibreOffice keep "1." and "•" out of the
text, so a procedure would lose what makes it a list. The loaders put the marker back."""

from __future__ import annotations

import re
from typing import Any

_NUMBERED_STYLE = re.compile(r"list number|listennummer|nummerierung|numbered", re.IGNORECASE)
_BULLET_STYLE = re.compile(r"list bullet|aufzählung|aufzaehlung|bullet", re.IGNORECASE)
ListKind = tuple[bool, int]  # (numbered, nesting level from 0)


class ListMarkers:
    """Counts the items of consecutive list paragraphs, per nesting level."""

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}

    def reset(self) -> None:
        self.counts = {}

    def next(self, numbered: bool, level: int) -> str:
        for deeper in [lvl for lvl in self.counts if lvl > level]:
            del self.counts[deeper]
        self.counts[level] = self.counts.get(level, 0) + 1
        marker = f"{self.counts[level]}." if numbered else "•"
        return "   " * level + marker if level else marker


def docx_list_kind(document: Any, paragraph: Any) -> ListKind | None:
    """Whether a python-docx paragraph is a list item: numbered or bullet, and its level."""
    style_name = str(getattr(getattr(paragraph, "style", None), "name", "") or "")
    try:
        num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    except AttributeError:
        num_pr = None
    level = 0
    if num_pr is not None and num_pr.ilvl is not None:
        level = int(num_pr.ilvl.val or 0)
    if _NUMBERED_STYLE.search(style_name):
        return True, level
    if _BULLET_STYLE.search(style_name):
        return False, level
    if num_pr is None or num_pr.numId is None:
        return None
    return _docx_numbered(document, int(num_pr.numId.val), level), level


def _docx_numbered(document: Any, num_id: int, level: int) -> bool:
    """Look the number format up in the numbering part; a bullet when it cannot be found."""
    try:
        numbering = document.part.numbering_part.element
        abstract = numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
        formats = numbering.xpath(
            f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]/w:lvl[@w:ilvl="{level}"]'
            "/w:numFmt/@w:val"
        )
    except Exception:  # no numbering part, odd XML: the marker is only a hint
        return False
    return bool(formats) and formats[0] not in ("bullet", "none")


def odt_list_numbered(document: Any, style_name: str) -> bool:
    """Whether an ODF list style numbers its first level (else: bullets, or unknown)."""
    for styles in (getattr(document, "automaticstyles", None), getattr(document, "styles", None)):
        for style in getattr(styles, "childNodes", []):
            if getattr(style, "qname", (None, ""))[1] != "list-style":
                continue
            name = style.attributes.get(("urn:oasis:names:tc:opendocument:xmlns:style:1.0", "name"))
            if name != style_name:
                continue
            levels = [getattr(c, "qname", (None, ""))[1] for c in style.childNodes]
            return bool(levels) and levels[0] == "list-level-style-number"
    return False
