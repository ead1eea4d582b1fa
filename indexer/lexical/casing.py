"""A question typed in lower case, written the way the town's own documents write its words.

Staff type in chat without capitals ("wer macht die hundesteuer"). German marks nouns with a
capital letter, and two readers depend on it: the answer gate finds a question's topic by
its nouns (``bot.assistant.confidence.noun_stems``), and e5 reads case too. Asked again in
lower case, the development sets (seven towns, the *_wer sets, Kirchwalde) lost 7 of 402
right answers and answered 11 more of 229 questions they do not cover.

``Casing.learn`` reads the index's chunk texts once: a word is a noun where the documents
write it with a capital more often than without (not counting the first word of a sentence).
``recase`` capitalises those words in a question that has no capital letter after its first
word; a question typed with capitals stays as it is. Measured on those sets asked in lower
case: 395 -> 398 right of 465, who 185 -> 188 of 227 (as typed: 402, 190); out of scope 53 ->
54 of 229 (as typed 42). Held out (four sets, totals): 166 -> 169 right of 187. The sets as
written (some questions typed in lower case) keep their totals (one right answer lost, one
gained; docs/evaluation.md, sixth round).

Words the documents never use stay in lower case. Capitalising them as well (the topic of a
question the town does not cover, "sperrmüll", is most likely a noun) answered 8 fewer of the
lower-cased out-of-scope questions but cost 5 right answers of the questions as written: a
colloquial question typed in lower case ("krippenplatz für nächsten herbst") then had an
unknown noun, which the gate reads more strictly.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_]+")
_SENTENCES = re.compile(r"(?<=[.!?:;])\s+|\n+")


class Casing:
    """The town's nouns, lower-cased."""

    def __init__(self, nouns: Iterable[str] = ()) -> None:
        self.nouns = frozenset(nouns)

    @classmethod
    def learn(cls, texts: Iterable[str]) -> Casing:
        upper: Counter[str] = Counter()
        lower: Counter[str] = Counter()
        for text in texts:
            for sentence in _SENTENCES.split(unicodedata.normalize("NFC", text)):
                for word in _WORD.findall(sentence)[1:]:
                    (upper if word[0].isupper() else lower)[word.lower()] += 1
        return cls(word for word, count in upper.items() if count > lower[word])

    def recase(self, question: str) -> str:
        """``question`` with the town's nouns capitalised, when it was typed in lower case
        (an abbreviation in capitals, "GmbH", "LKW", does not count as a capital)."""
        composed = unicodedata.normalize("NFC", question)  # "ü" typed as u + accent
        words = _WORD.findall(composed)
        if not words or any(_capitalised(w) for w in words[1:]):
            return question
        recased = _WORD.sub(lambda match: self._word(match.group(0)), composed)
        return question if recased == composed else recased

    def _word(self, word: str) -> str:
        return word.capitalize() if word in self.nouns else word


def _capitalised(word: str) -> bool:
    """A word written with a capital and then small letters ("Hund"), as German writes
    nouns; not an abbreviation ("LKW", "GmbH")."""
    return word[0].isupper() and word[1:].islower()
