"""Words that mean the same thing in a town hall: "Perso" and "Personalausweis", "Knöllchen"
and "Verwarnungsgeld", "heiraten" and "Eheschließung".

Staff ask in everyday words; documents and the task directory use the administrative ones.
The lexical side (the task matcher, the answer gate's "is this word known here?") reads a
question's words together with their synonyms from this list. The dense side needs no list.

The list (``thesaurus_de.txt`` beside this module) was written from general German
administrative language, not from any town's documents or question sets: one group per line,
comma-separated, the administrative term first; lines starting with ``#`` are comments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from indexer.lexical.analysis import question_stems

BUILT_IN = Path(__file__).with_name("thesaurus_de.txt")


class Thesaurus:
    """Groups of phrases with the same meaning, each phrase analysed to its stems.

    A question "uses" a phrase when all the phrase's stems are among its stems; it then has
    the stems of the group's other phrases as alternatives (``alternatives``)."""

    def __init__(self, groups: Iterable[Sequence[str]] = ()) -> None:
        self._groups: list[tuple[tuple[str, ...], ...]] = []
        self._by_stem: dict[str, list[int]] = {}
        for group in groups:
            phrases = tuple(dict.fromkeys(p for p in (tuple(question_stems(x)) for x in group)
                                          if p))  # fmt: skip
            if len(phrases) < 2:
                continue
            number = len(self._groups)
            self._groups.append(phrases)
            for phrase in phrases:
                for stem in phrase:
                    self._by_stem.setdefault(stem, []).append(number)

    def __len__(self) -> int:
        return len(self._groups)

    def alternatives(self, stems: Sequence[str]) -> Mapping[str, tuple[str, ...]]:
        """For each of ``stems`` that belongs to a phrase the question uses: the stems of
        the same group's other phrases (their meaning in other words)."""
        present = set(stems)
        found: dict[str, list[str]] = {}
        for stem in stems:
            for number in self._by_stem.get(stem, ()):
                phrases = self._groups[number]
                used = [p for p in phrases if stem in p and present.issuperset(p)]
                if not used:
                    continue
                # a longer compound of the asked word adds nothing but a tail of its own
                # ("Gewerbesteuerbescheid" for "Gewerbesteuer"), unless it is the group's
                # own term (the first: "Personalausweis" for "Perso")
                others = [s for p in phrases if p not in used for s in p
                          if s not in present and (stem not in s or p == phrases[0])]
                found.setdefault(stem, []).extend(others)
        return {stem: tuple(dict.fromkeys(alts)) for stem, alts in found.items() if alts}

    def expand(self, stems: Sequence[str]) -> list[str]:
        """``stems`` followed by their alternatives (no repeats)."""
        extra = [alt for alts in self.alternatives(stems).values() for alt in alts]
        return list(dict.fromkeys([*stems, *extra]))


def parse(text: str) -> list[list[str]]:
    """The groups of a thesaurus file's text."""
    groups = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        members = [m.strip() for m in line.split(",") if m.strip()]
        if len(members) >= 2:
            groups.append(members)
    return groups


@lru_cache(maxsize=1)
def _built_in_groups() -> tuple[tuple[str, ...], ...]:
    if not BUILT_IN.is_file():
        return ()
    return tuple(tuple(g) for g in parse(BUILT_IN.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def built_in() -> Thesaurus:
    """The list shipped with Wissenslotse."""
    return Thesaurus(_built_in_groups())
