"""The small interfaces the assistant's parts are typed against (no ``Any``): what a command
needs of the assistant, and what the assistant needs of the search."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import date
from typing import Any, Protocol

from bot.directory import Directory, Person
from bot.settings import Settings
from bot.state.store import StateStore
from bot.turns import UserRef
from indexer.lexical.thesaurus import Thesaurus
from indexer.model import DocumentMeta, Hit


class SearchBackend(Protocol):
    """What the assistant needs of ``indexer.search.Searcher``."""

    @property
    def version_id(self) -> str | None: ...
    @property
    def manifest(self) -> Mapping[str, Any]: ...

    def refresh(self) -> bool: ...
    def search(
        self, query: str, k: int = 5, *, groups: Collection[str] | None = None,
        thesaurus: Thesaurus | None = None,
    ) -> list[Hit]: ...


class CommandContext(Protocol):
    """What the chat commands (``bot.assistant.commands``) use of the assistant."""

    settings: Settings
    directory: Directory
    state: StateStore
    docs_meta: Mapping[str, DocumentMeta] | None
    today: Callable[[], date]

    def health(self) -> dict[str, Any]: ...
    def person_of(self, user: UserRef) -> Person | None: ...
    def is_admin(self, user: UserRef, person: Person | None) -> bool: ...
    def reload_absences(self) -> None: ...
