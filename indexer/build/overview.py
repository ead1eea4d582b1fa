"""Overview pages: documents that mostly point to other documents.

A search result page ("11 Dienstleistungen gefunden für Reisepass"), a topic start page or a
table of contents names the words of many services, so it matches a question about any of
them, yet it only links to the page that answers. The build gives every document an overview
score in [0, 1]; hybrid search lowers an overview page's score by a fraction of it, so the
page it links to ranks first while the overview can still answer a broad question.

The score is the share of the document's headings (below its title) that name another
document of the knowledge base by its title, or, for a page that is nearly all links, the
share of its words inside links. Ordinary pages end with a list of related services and
carry many links (forms, online services): on the Hamburg pages list items and a link share
below ``LINK_DOMINANT`` marked 40 ordinary service pages, the heading share only the three
search-result pages. Both need ``MIN_ITEMS`` items.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from indexer.model import Chunk

MIN_ITEMS = 3
LINK_DOMINANT = 0.75
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_WORD = re.compile(r"\w+")


def _normal(text: str) -> str:
    return " ".join(_WORD.findall(_LINK.sub(r"\1", text).casefold()))


def _headings(chunks: Sequence[Chunk]) -> list[str]:
    """The document's distinct headings below the title, normalised."""
    found = dict.fromkeys(_normal(h) for chunk in chunks for h in chunk.heading_path)
    return [heading for heading in found if heading]


def title_share(chunks: Sequence[Chunk], titles: set[str], own: str) -> float:
    """Share of the headings that are another document's title."""
    items = _headings(chunks)
    named = sum(1 for item in items if item in titles and item != own)
    return named / len(items) if named >= MIN_ITEMS else 0.0


def link_share(chunks: Iterable[Chunk]) -> float:
    """Share of the words of the text that are the words of links."""
    text = "\n".join(c.text for c in chunks)
    links = _LINK.findall(text)
    if len(links) < MIN_ITEMS:
        return 0.0
    total = len(_WORD.findall(_LINK.sub(r"\1", text)))
    linked = sum(len(_WORD.findall(label)) for label in links)
    return linked / total if total else 0.0


def overview_scores(documents: Mapping[str, Sequence[Chunk]]) -> dict[str, float]:
    """Source -> overview score in [0, 1] (0: an ordinary document)."""
    own_titles = {source: _normal(chunks[0].title) if chunks else ""
                  for source, chunks in documents.items()}
    titles = {t for t in own_titles.values() if t}
    return {
        source: round(max(title_share(chunks, titles, own_titles[source]),
                          _dominant(link_share(chunks))), 4)
        for source, chunks in documents.items()
    }


def _dominant(share: float) -> float:
    return share if share >= LINK_DOMINANT else 0.0
