"""Fixtures of the capture tests: the assistant over our small directory, a real state
database, the sample knowledge base's interview template, a real (tiny) reindex subprocess,
and a notifier that records proactive messages per user."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.assistant.reindex import Reindexer
from bot.settings import Settings
from bot.turns import Reply, Turn, UserRef
from tests.bot.assistant.conftest import FIXED_DAY, KB, ScriptedSearcher, write_directory

BERTA = UserRef(key="aad-bs", email="berta.schneider@test.example")
TOM = UserRef(key="aad-tkoch", email="tom.koch@test.example")
UWE = UserRef(key="aad-uwe", email="uwe.keller@test.example")  # head of the Steueramt
PAULA = UserRef(key="aad-pamt", email="paula@test.example")  # head of nothing
ADMIN = UserRef(key="aad-admin", email="admin@musterstadt.de")
# a build that only prints a report, as `python -m indexer build --progress-json` does
FAKE_BUILD = [sys.executable, "-c", "import json; print(json.dumps({'phase': 'done', "
              "'version_id': 'v2', 'new': ['x'], 'changed': [], 'removed': [], 'skipped': []}))"]


class RecordingNotifier:
    """Records what is sent; reaches every user key (as a stored reference would)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[Reply]]] = []
        self.to_users: list[tuple[str, list[Reply]]] = []

    async def notify(self, conversation_id: str, replies: list[Reply]) -> None:
        self.sent.append((conversation_id, replies))

    async def notify_user(self, user_key: str, replies: list[Reply]) -> bool:
        self.to_users.append((user_key, replies))
        return True

    def for_user(self, key: str) -> list[Reply]:
        return [r for k, replies in self.to_users if k == key for r in replies]


@pytest.fixture(scope="session")
def town_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample town's directory, template and Bürgerbüro documents, indexed with e5
    once; each test gets its own copy (``town``)."""
    from indexer.build.pipeline import build_index
    from indexer.settings import IndexSettings

    root = tmp_path_factory.mktemp("town")
    for folder in ("_verzeichnis", "_vorlagen", "buergerbuero"):
        shutil.copytree(KB / folder, root / "kb" / folder)
    build_index(IndexSettings(_env_file=None, kb_dir=root / "kb", index_dir=root / "index",
                              model="e5"))
    return root


@pytest.fixture
def town(town_index: Path, tmp_path: Path) -> Settings:
    shutil.copytree(town_index / "kb", tmp_path / "kb")
    shutil.copytree(town_index / "index", tmp_path / "index")
    return Settings(_env_file=None, kb_dir=tmp_path / "kb", index_dir=tmp_path / "index",
                    release_dir=tmp_path / "freigegeben", state_db=tmp_path / "var" / "s.sqlite",
                    model="e5", rate_limit_per_minute=1000)  # a scripted interview is fast


@pytest.fixture
def capture_settings(tmp_path: Path) -> Settings:
    kb = tmp_path / "kb"
    (kb / "_vorlagen").mkdir(parents=True)
    shutil.copy(KB / "_vorlagen" / "uebergabedokument.md", kb / "_vorlagen")
    return Settings(_env_file=None, kb_dir=kb, index_dir=tmp_path / "index",
                    release_dir=tmp_path / "freigegeben", state_db=tmp_path / "var" / "s.sqlite",
                    admins=["admin@musterstadt.de"], directory_dir=tmp_path / "verzeichnis",
                    rate_limit_per_minute=1000)  # a scripted interview clicks faster than people


def make_assistant(settings: Settings, docs_meta: dict[str, Any] | None = None) -> Any:
    from bot.assistant.assistant import Assistant
    from bot.directory.directory import Directory
    from bot.state import open_state

    directory = Directory.load(write_directory(settings.directory_path), docs_meta or {})
    assistant = Assistant(settings, ScriptedSearcher([]), directory, open_state(settings),
                          today=lambda: FIXED_DAY, docs_meta=docs_meta or {},
                          reindexer=Reindexer(FAKE_BUILD, lambda: None))
    notifier = RecordingNotifier()
    assistant.set_notifier(notifier)
    return assistant, notifier


@pytest.fixture
def desk(capture_settings: Settings) -> tuple[Any, RecordingNotifier]:
    return make_assistant(capture_settings)  # type: ignore[no-any-return]


def say(assistant: Any, user: UserRef, text: str) -> list[Reply]:
    turn = Turn(text=text, user=user, conversation_id="conv-" + user.key)
    return asyncio.run(assistant.handle(turn))  # type: ignore[no-any-return]


def press(assistant: Any, user: UserRef, value: dict[str, Any]) -> list[Reply]:
    turn = Turn(text="", user=user, conversation_id="conv-" + user.key, value=value)
    return asyncio.run(assistant.handle(turn))  # type: ignore[no-any-return]


def actions(reply: Reply) -> list[dict[str, Any]]:
    """Every Action.Submit of a reply's card (card actions and ActionSets in the body)."""
    card = reply.card or {}
    found = list(card.get("actions", []))
    for item in card.get("body", []):
        if item.get("type") == "ActionSet":
            found += item["actions"]
    return found


def button(reply: Reply, title_part: str) -> dict[str, Any]:
    for action in actions(reply):
        if title_part in action["title"]:
            return dict(action["data"])
    raise AssertionError(f"no button {title_part!r} in {json.dumps(reply.card)[:400]}")


async def a_say(assistant: Any, user: UserRef, text: str) -> list[Reply]:
    return await assistant.handle(Turn(text=text, user=user,  # type: ignore[no-any-return]
                                       conversation_id="conv-" + user.key))


async def a_press(assistant: Any, user: UserRef, value: dict[str, Any]) -> list[Reply]:
    return await assistant.handle(Turn(text="", user=user,  # type: ignore[no-any-return]
                                       conversation_id="conv-" + user.key, value=value))


def answer(data: dict[str, Any], text: str, step: str = "next") -> dict[str, Any]:
    """A section card's button data with the field filled in, as Teams sends it."""
    return {**data, "step": step, "antwort": text}


def needs_free_loop(loop: asyncio.AbstractEventLoop, method: Callable[..., Any],
                    free: list[bool]) -> Callable[..., Any]:
    """``method`` that first asks the event loop to run a step: answered at once from a
    worker thread, it waits out its timeout when called on the loop's own thread."""
    def blocking(*args: Any, **kwargs: Any) -> Any:
        step = asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop)
        try:
            step.result(timeout=3)
            free.append(True)
        except TimeoutError:
            free.append(False)
        return method(*args, **kwargs)

    return blocking
