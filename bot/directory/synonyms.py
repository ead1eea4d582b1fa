"""A town's own synonyms: ``synonyme.txt`` in the directory folder, in the format of the
built-in list (``indexer.lexical.thesaurus``: one group per line, comma-separated, the
administrative term first, ``#`` starts a comment).

Staff ask with the town's own words: local names, abbreviations, dialect ("Knolle" for the
Verwarnungsgeld, a nickname of the Bürgerhaus). The directory reads them with its CSV files,
so they are reloaded with it, and adds them to the built-in groups for this town only: the
built-in ``Thesaurus`` is shared by every town and never changed. The task matcher, the answer
gate and BM25 of the town read the one ``Thesaurus`` built here, once per load.

A bad line is reported (a ``Problem`` with file and line, in German: admins write this file
themselves and read its problems in the gap report) and skipped; the other lines still work.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.directory.model import Problem
from bot.texts import directory as texts
from indexer.errors import LoaderError
from indexer.lexical.thesaurus import Thesaurus, built_in, members, phrases_of
from indexer.loaders.text import decode_text

log = logging.getLogger(__name__)

SYNONYMS_FILE = "synonyme.txt"
# Limits of a list admins write by hand: far above a town's own words (the built-in list has
# 264 groups, its longest line 136 characters), low enough that a wrong file (an export, a
# log) costs nothing. Beyond them a line, or the rest of the file, is reported and skipped.
MAX_GROUPS = 2_000
MAX_LINE_CHARS = 200
MAX_FILE_BYTES = 1_000_000
MAX_REPORTED = 20  # bad lines reported one by one; the others only counted


def read_synonyms(folder: Path, problems: list[Problem]) -> Thesaurus:
    """The built-in thesaurus with the groups of ``folder/synonyme.txt`` added; the built-in
    one itself when the file is missing or adds no group. Bad input ends up in ``problems``."""
    text = _read_text(folder / SYNONYMS_FILE, problems)
    groups = _groups(text, problems) if text else []
    if text is not None:
        log.info("synonyms: %d own group(s) in %s", len(groups), SYNONYMS_FILE)
    return built_in().extended(groups) if groups else built_in()


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    """The file's text (None when there is none); a file beyond MAX_FILE_BYTES is read up to
    its last whole line within the limit. Decoded as the directory's CSV files are (UTF-8,
    UTF-16 with BOM, else Windows-1252: Notepad's "ANSI" works too)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError:  # a folder of that name, no permission, a share gone
        problems.append(Problem(SYNONYMS_FILE, None, texts.SYNONYMS_UNREADABLE))
        return None
    if len(data) > MAX_FILE_BYTES:
        data = data[: data.rfind(b"\n", 0, MAX_FILE_BYTES) + 1]
        problems.append(Problem(SYNONYMS_FILE, data.count(b"\n") + 1,
                                texts.synonyms_file_too_big(MAX_FILE_BYTES // 1000)))
    if not data:
        return ""
    try:
        return decode_text(data)
    except LoaderError:  # binary content: not a list somebody wrote
        problems.append(Problem(SYNONYMS_FILE, None, texts.SYNONYMS_UNREADABLE))
        return None


def _groups(text: str, problems: list[Problem]) -> list[list[str]]:
    """The good groups of the file's ``text``, at most MAX_GROUPS; bad lines are reported
    (the first MAX_REPORTED with their line, the others counted)."""
    groups: list[list[str]] = []
    faults: list[Problem] = []
    cut: Problem | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        found = members(line)
        if found is None:
            continue
        if len(groups) == MAX_GROUPS:
            cut = Problem(SYNONYMS_FILE, number, texts.synonyms_too_many(MAX_GROUPS))
            break
        fault = _fault(line, found)
        if fault:
            faults.append(Problem(SYNONYMS_FILE, number, fault))
        else:
            groups.append(found)
    problems += faults[:MAX_REPORTED]
    if len(faults) > MAX_REPORTED:
        problems.append(Problem(SYNONYMS_FILE, None,
                                texts.synonyms_more_faults(len(faults) - MAX_REPORTED)))
    problems += [cut] if cut else []
    return groups


def _fault(line: str, found: list[str]) -> str | None:
    """Why a line gives no group (the admins' German); None for a good line."""
    if len(line.strip()) > MAX_LINE_CHARS:
        return texts.synonyms_line_too_long(MAX_LINE_CHARS)
    if len(found) < 2:
        return texts.SYNONYMS_ONE_WORD
    if not phrases_of(found):
        return texts.SYNONYMS_NO_EFFECT
    return None
