"""Drafts and their release: the handover document is first written to the drafts folder in
the state directory (never indexed), then, once the department's head or an admin releases
it, into the department's folder of the release folder, where the incremental build finds it.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.capture.errors import AlreadyDecided, NotFound, NotPermitted
from bot.directory import Person, is_head
from bot.state.capture import PENDING, RELEASED, RETURNED, DraftRow
from indexer.model import DocumentMeta

log = logging.getLogger(__name__)

KIND = "uebergabe"
_DRAFT_ID = re.compile(r"^[0-9a-f]{32}$")


def department_folder(department: str, docs_meta: Mapping[str, DocumentMeta]) -> str:
    """The knowledge base's folder of a department: where its documents already live (the
    most common first folder of documents naming it), else its name as a folder name."""
    wanted = department.casefold()
    folders = Counter(source.split("/", 1)[0] for source, meta in docs_meta.items()
                      if "/" in source and (meta.department or "").casefold() == wanted)
    if folders:
        return folders.most_common(1)[0][0]
    first = department.split("/")[0].strip().casefold()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        first = first.replace(umlaut, plain)
    ascii_only = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_only).strip("_") or "allgemein"


def target_path(folder: str, task_id: str, base_source: str | None) -> str:
    """Where the released file goes: over the document it updates, else a new name."""
    if base_source and base_source.lower().endswith(".md"):
        return base_source
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", task_id).strip("_") or "aufgabe"
    return f"{folder}/uebergabe_{safe}.md"


def reviewers_for(directory: Any, department: str, author: Person | None,
                  admins: Any) -> tuple[Person, ...]:
    """The department's head (abteilungen.csv), the people of the group ``leitung`` in it,
    and, when that leaves nobody but the author, the admins."""
    found: dict[str, Person] = {}
    record = directory.department(department) if department else None
    if record is not None and record.head:
        head = directory.person(record.head)
        if head is not None:
            found[head.id] = head
    for person in directory.people.values():
        if is_head(person) and person.department.casefold() == department.casefold():
            found.setdefault(person.id, person)
    if author is not None:
        found.pop(author.id, None)
    if not found:
        found = {p.id: p for p in directory.people.values() if admins(p)}
        if author is not None and len(found) > 1:
            found.pop(author.id, None)
    return tuple(found.values())


def may_review(person: Person | None, draft: DraftRow, directory: Any, admin: bool) -> bool:
    if admin:
        return True
    if person is None or person.id == draft.author:
        return False
    record = directory.department(draft.department)
    if record is not None and record.head == person.id:
        return True
    return is_head(person) and person.department.casefold() == draft.department.casefold()


class Drafts:
    """The drafts folder (in the state directory) and the release folder."""

    def __init__(self, state: Any, drafts_dir: Path, release_dir: Path) -> None:
        self.state = state
        self.drafts_dir = Path(drafts_dir)
        self.release_dir = Path(release_dir)

    def create(self, origin_id: str, target: str, department: str, author: str,
               markdown: str, kind: str = KIND) -> str:
        draft_id: str = self.state.add_draft(kind, origin_id, target, department, author)
        if callable(getattr(self.state, "set_draft_text", None)):
            # in the state: a head may release it on another replica (another machine)
            self.state.set_draft_text(draft_id, markdown)
        _write_atomically(self.path_of(draft_id), markdown)  # for the operator's eyes
        return draft_id

    def path_of(self, draft_id: str) -> Path:
        return self.drafts_dir / f"{draft_id}.md"

    def text_of(self, draft_id: str) -> str:
        """The draft's text from the state; from its file for drafts made before that."""
        read = getattr(self.state, "draft_text", None)
        text = read(draft_id) if callable(read) else None
        return text if text is not None else self.path_of(draft_id).read_text(encoding="utf-8")

    def pending(self, draft_id: Any) -> DraftRow:
        if not isinstance(draft_id, str) or not _DRAFT_ID.match(draft_id):
            raise NotFound("no draft id")
        row: DraftRow | None = self.state.draft(draft_id)
        if row is None:
            raise NotFound(draft_id)
        if row.status != PENDING:
            raise AlreadyDecided(row.decided_by, row.status)
        return row

    def release(self, draft: DraftRow, by: str) -> Path:
        """Claim the draft in one transaction (of two heads, one wins), then write the file;
        if writing fails the draft is pending again and the error goes up."""
        if not self.state.decide_draft(draft.id, RELEASED, by):
            latest = self.state.draft(draft.id)
            raise AlreadyDecided(latest.decided_by if latest else None,
                                 latest.status if latest else RELEASED)
        target = self.release_dir / draft.target
        try:
            _write_atomically(target, self.text_of(draft.id))
        except OSError:
            self.state.undo_release(draft.id)
            raise
        log.info("draft %s released to %s", draft.id, draft.target)
        return target

    def give_back(self, draft: DraftRow, by: str, note: str) -> None:
        if not self.state.decide_draft(draft.id, RETURNED, by, note):
            latest = self.state.draft(draft.id)
            raise AlreadyDecided(latest.decided_by if latest else None,
                                 latest.status if latest else RETURNED)


def check_reviewer(person: Person | None, draft: DraftRow, directory: Any, admin: bool) -> None:
    if not may_review(person, draft, directory, admin):
        raise NotPermitted(draft.department)


def _write_atomically(path: Path, text: str) -> None:
    """Readers (the indexer, a file share) never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
