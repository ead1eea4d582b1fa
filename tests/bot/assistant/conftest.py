"""Fixtures of the assistant tests: fixed dates, settings in tmp, small fakes where meaning
does not matter (the integration tests use the real model, index, directory and state)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from bot.turns import Reply
from indexer.model import Chunk, DocumentMeta, Hit

FIXED_DAY = date(2026, 8, 5)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        kb_dir=tmp_path / "kb",
        index_dir=tmp_path / "index",
        state_db=tmp_path / "state.sqlite",
        admins=["admin@musterstadt.de"],
        min_confidence=0.8,
    )


def chunk(
    source: str,
    heading: str,
    text: str,
    title: str = "",
    tasks: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
    page: int | None = None,
) -> Chunk:
    meta = DocumentMeta(title=title or source, tasks=tasks, groups=groups)
    return Chunk(source, title or source, (heading,), text, page, 0, meta)


@dataclass
class ScriptedSearcher:
    """Returns the chunks whose text shares a word with the query, with given cosine scores;
    honours the groups contract (None = no filter, else a document with groups needs one)."""

    chunks: list[tuple[Chunk, float]]
    version_id: str | None = "v-test"
    manifest: dict[str, Any] = field(default_factory=lambda: {"model": "fake", "documents": 2})
    calls: list[dict[str, Any]] = field(default_factory=list)
    refreshes: int = 0

    def refresh(self) -> bool:
        self.refreshes += 1
        return False

    def search(
        self, query: str, k: int = 5, mode: str = "hybrid", groups: Collection[str] | None = None
    ) -> list[Hit]:
        self.calls.append({"query": query, "groups": groups})
        words = {w.lower().strip("?.,") for w in query.split()}
        found = []
        for item, score in self.chunks:
            if groups is not None and item.meta.groups and not set(item.meta.groups) & set(groups):
                continue
            text_words = {w.lower().strip("?.,:") for w in item.embed_text.split()}
            if words & text_words:
                found.append((item, score))
        found.sort(key=lambda pair: -pair[1])
        return [Hit(c, s, rank, dense_score=s) for rank, (c, s) in enumerate(found[:k])]


class RecordingNotifier:
    def __init__(self) -> None:
        self.sent: list[tuple[str, list[Reply]]] = []

    async def notify(self, conversation_id: str, replies: list[Reply]) -> None:
        self.sent.append((conversation_id, replies))


@dataclass(frozen=True)
class FakePerson:
    id: str
    name: str
    email: str = ""
    teams_id: str = ""
    phone: str = ""
    room: str = ""
    department: str = ""
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class FakeTask:
    id: str
    name: str


@dataclass(frozen=True)
class FakeAvailability:
    person: FakePerson | None
    reasons: tuple[str, ...] = ()


@dataclass
class FakeDirectory:
    """People and one task; the real chain walk is tested with the real Directory."""

    people: dict[str, FakePerson]
    tasks: dict[str, tuple[FakeTask, str]]  # task id -> (task, person id handling it)

    def person(self, pid: str) -> FakePerson | None:
        return self.people.get(pid)

    def find_person(self, ident: str) -> FakePerson | None:
        for person in self.people.values():
            if ident.lower() in (person.email.lower(), person.teams_id.lower()):
                return person
        return None

    def match_tasks(self, question: str, k: int = 3) -> list[tuple[FakeTask, float]]:
        q = question.lower()
        return [(t, 1.0) for t, _ in self.tasks.values() if t.name.lower() in q][:k]

    def task(self, task_id: str) -> FakeTask | None:
        pair = self.tasks.get(task_id)
        return pair[0] if pair else None

    def who_handles(self, task_id: str, day: date) -> FakeAvailability:
        return FakeAvailability(self.people[self.tasks[task_id][1]])


@pytest.fixture
def fake_directory() -> FakeDirectory:
    people = {
        "tkoch": FakePerson("tkoch", "Tom Koch", "tkoch@musterstadt.de", "29:tkoch", "0815-23",
                            "2.14", "Steueramt"),
        "admin": FakePerson("admin", "Ada Admin", "admin@musterstadt.de", "29:admin"),
        "pa": FakePerson("pa", "Paula Personal", "pa@musterstadt.de", groups=("personalamt",)),
    }  # fmt: skip
    tasks = {"hundesteuer": (FakeTask("hundesteuer", "Hundesteuer"), "tkoch")}
    return FakeDirectory(people, tasks)


@pytest.fixture
def hund_chunks() -> list[tuple[Chunk, float]]:
    title = "Übergabe Hundesteuer"
    return [
        (chunk("steueramt/hundesteuer.md", "Anmeldung", "1. Hund anmelden\n2. Marke ausgeben",
               title, ("hundesteuer",)), 0.86),
        (chunk("steueramt/hundesteuer.md", "Abmeldung eines Hundes",
               "Bei der Abmeldung:\n1. Abmeldeformular prüfen\n2. Hundemarke zurücknehmen\n"
               "3. Steuer anteilig erstatten", title, ("hundesteuer",)), 0.85),
        (chunk("personal/gehalt.md", "Gehaltstabelle", "Hund Gehalt vertraulich",
               "Gehälter", groups=("personalamt",)), 0.95),
        (chunk("allgemein/brot.md", "Kantine", "Brot backen in der Kantine", "Kantine"), 0.70),
    ]  # fmt: skip


@pytest.fixture
def state(settings: Settings) -> Any:
    from bot.state import State

    return State(settings.state_db)


@pytest.fixture
def assistant(
    settings: Settings,
    fake_directory: FakeDirectory,
    hund_chunks: list[tuple[Chunk, float]],
    state: Any,
) -> Any:
    from bot.assistant import Assistant

    searcher = ScriptedSearcher(hund_chunks)
    return Assistant(settings, searcher, fake_directory, state, today=lambda: FIXED_DAY)
