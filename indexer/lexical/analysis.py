"""The one German text analyser: stop words, Snowball stemming, compound parts, verb particles.

Every part of Wissenslotse that asks "is this the same word?" asks here: the BM25 index
(``analyze``, ``split_compound``), the task matcher, the section picker and the answer gate
(``question_stems``). Two entry points because documents and questions differ:

- ``analyze(text)``: the stems of a document's content words (stop words out, numbers kept).
  BM25 indexes these, so changing it changes every index: its behaviour is frozen by the
  lexical format version.
- ``question_stems(text)``: what a question (or a task name) is about: ``analyze`` minus the
  words every question has ("zuständig", "kümmert", "bitte"), hyphenated compounds joined
  ("B-Plan" -> "bplan", so no fragment stands alone) and separable verbs re-joined
  ("Wie melde ich einen Hund ab?" -> "abmeld", the stem of "Abmeldung").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

WORD = re.compile(r"[^\W_]+", re.UNICODE)
_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
CLAUSE = re.compile(r"[.,;:!?()\n]+|\s(?:und|oder|aber|sondern)\s", re.IGNORECASE)
_MIN_HEAD = 3  # shortest first part of a compound ("Amt" is too short as a tail, fine as head)
_MIN_TAIL = 4  # shortest last part: shorter tails are mostly suffixes ("-ung", "-heit")
_MIN_COMPOUND = 7
_MIN_OPEN_HEAD, _MIN_OPEN_TAIL = 4, 5  # an unknown tail needs a longer, known head
LINKS = ("", "s", "es", "n", "en", "e", "er")  # Fugenelemente between compound parts

# Our own list: function words, auxiliaries, question words and office filler that carry no
# topic. Content words that look common ("Antrag", "Stelle") are deliberately not here.
GERMAN_STOP_WORDS = frozenset(
    """
    a ab aber alle allem allen aller alles als also am an andere anderen anderer anderes auch
    auf aus bei beide beiden beim bin bis bist bitte bzw da dabei dadurch dafür dagegen daher
    damit dann dar daran darauf daraus darf darfst darin darum darunter das dass davon dazu dem
    den denen denn der deren des dessen deshalb die dies diese diesem diesen dieser dieses doch
    dort du durch ein eine einem einen einer eines einige einigen einiger einiges er es etwa
    etwas euch euer eure für gegen gewesen hab habe haben hat hatte hatten hättest hier hin
    hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im in indem ins ist ja je jede
    jedem jeden jeder jedes jedoch jemand jemandem jemanden jene jenem jenen jener jenes kann
    kannst kein keine keinem keinen keiner keines können könnte könnten man manche manchem
    manchen mancher manches mehr mein meine meinem meinen meiner meines mich mir mit muss musst
    müssen nach neben nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen
    seiner seines seit sich sie sind so solche solchem solchen solcher solches soll sollen
    sollte sollten sondern sonst über um und uns unser unsere unserem unseren unserer unter
    usw vom von vor wann war waren warst warum was weil welche welchem welchen welcher welches
    wem wen wenn wer werde werden wessen wie wieso wieviel wir wird wirst wo wobei wodurch
    woher wohin wollen womit worauf worin wurde wurden würde würden z zu zum zur zwar zwischen
    eigentlich gibt gilt geht gehen macht machen mache man mal muss genau gerade bereits etc
    """.split()
)

# Words every "who does this" question has, beyond the stop words: they name no topic, so
# a question is not "covered" by a document for containing them, nor a task for naming them.
QUESTION_FILLER = frozenset(
    """
    zuständig zustaendig zuständige zuständigen zuständigkeit zuständigkeiten kümmert kuemmert
    kümmern erledigt erledigen bearbeitet bearbeiten verantwortlich ansprechpartner
    ansprechpartnerin ansprechperson frage fragen vertretung vertritt vertreten person thema
    themen sache sachen bitte hallo danke gern gerne heute jetzt grad gerade aktuell momentan
    derzeit eigentlich fuer ueber koennen seid dich dir
    """.split()
)

# Separable verb particles: "melde ... ab" is "abmelden", and "aus|zu|stempeln" is "stempeln".
VERB_PARTICLES = frozenset(
    "ab an auf aus bei ein fest her hin los mit nach um vor weg zu zurück zusammen".split()
)


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer  # PyStemmer: Snowball's German stemmer, in C

    return Stemmer.Stemmer("german")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball German stem of a lower-case word (also folds umlauts and ß)."""
    return str(_stemmer().stemWord(word))


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` without stop words (numbers are kept)."""
    return [w for w in WORD.findall(text.lower()) if w not in GERMAN_STOP_WORDS]


def analyze(text: str) -> list[str]:
    """Stems of the content words of ``text``: the analysis without compound splitting."""
    return [stem(w) for w in words(text)]


def question_stems(text: str) -> list[str]:
    """The content stems of a question or a task name, in order, without repeats: stop words
    and question filler out, no numbers or one-letter fragments, hyphenated compounds joined,
    separable verbs re-joined with their particle."""
    stems: list[str] = []
    for clause in CLAUSE.split(_HYPHEN.sub("", text.lower())):
        tokens = WORD.findall(clause)
        verb = _particle_verb(tokens)
        particle = tokens[-1] if tokens else ""
        if verb is not None:
            tokens = tokens[:-1]  # the particle lives on in the joined verb
        for position, token in enumerate(tokens):
            if token in GERMAN_STOP_WORDS or token in QUESTION_FILLER or token.isdigit():
                continue
            word = particle + token if position == verb else token
            if len(word) >= 2 and len(stemmed := stem(word)) >= 2:
                stems.append(stemmed)
    return list(dict.fromkeys(stems))


def _particle_verb(tokens: Sequence[str]) -> int | None:
    """Position of the finite verb a clause-final particle belongs to: in a German main
    clause the verb comes first or second ("Wie melde ich den Hund ab", "Melde ich ... ab"),
    so the first content word among the first three tokens."""
    if len(tokens) < 3 or tokens[-1] not in VERB_PARTICLES:
        return None
    for position, token in enumerate(tokens[:3]):
        if token not in GERMAN_STOP_WORDS and token not in QUESTION_FILLER:
            return position if not token.isdigit() else None
    return None


def known_head(head: str, vocabulary: set[str] | dict[str, int], shortest: int) -> str | None:
    """Stem of ``head`` (minus a linking element) when it is a known word."""
    for link in LINKS:
        if link and not head.endswith(link):
            continue
        base = head[: len(head) - len(link)]
        if len(base) >= shortest and stem(base) in vocabulary:
            return stem(base)
    return None


def split_compound(
    word: str, vocabulary: set[str] | dict[str, int], open_tail: bool = False
) -> tuple[str, ...]:
    """The stems of the two parts of ``word`` when both are known words, else ``()``.

    Among the possible splits the one with the longest tail wins ("hunde|steuer" over
    "hundes|teuer"); the head may carry a linking element ("Gewerbe-s-ordnung"). With
    ``open_tail`` a known head of 4+ letters also splits off an unknown tail of 5+ letters
    ("Hundesteuer" in a corpus that never says "Steuer" alone).
    """
    if len(word) < _MIN_COMPOUND or not word.isalpha():
        return ()
    for cut in range(_MIN_HEAD, len(word) - _MIN_TAIL + 1):
        tail = stem(word[cut:])
        if tail in vocabulary:
            head = known_head(word[:cut], vocabulary, _MIN_HEAD)
            if head:
                return (head, tail)
    if open_tail:
        for cut in range(len(word) - _MIN_OPEN_TAIL, _MIN_OPEN_HEAD - 1, -1):
            head = known_head(word[:cut], vocabulary, _MIN_OPEN_HEAD)
            if head:
                return (head, stem(word[cut:]))
    return ()


def compound_joins(query_words: Sequence[str], vocabulary: dict[str, int]) -> list[str]:
    """Stems of compounds formed by neighbouring query words that the index knows
    ("Gewerbe anmelden" -> "gewerbeanmeld", the stem of "Gewerbeanmeldung")."""
    joined = []
    for first, second in zip(query_words, query_words[1:], strict=False):
        for head, tail in ((first, second), (second, first)):
            for link in LINKS:
                candidate = stem(head + link + tail)
                if candidate in vocabulary:
                    joined.append(candidate)
                    break
    return joined
