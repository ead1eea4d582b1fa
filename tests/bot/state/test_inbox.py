"""The web chat's inbox and draft texts in the state (schema version 7): any replica reads
what another one wrote."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.state import SqlState
from bot.state.inbox import INBOX_KEEP


def _backdate(store: SqlState, table: str) -> None:
    with store._write() as db:
        db.execute(f"UPDATE {table} SET created_at = ?", ("2020-01-01T00:00:00+00:00",))


def test_inbox_keeps_order_is_taken_once_and_is_bounded(
        open_store: Callable[..., SqlState]) -> None:
    sender, poller = open_store(), open_store()  # two replicas on one state
    sender.post_to_inbox("web:a", ["eins", "zwei"])
    sender.post_to_inbox("web:b", ["fremd"])
    sender.post_to_inbox("web:a", ["drei"])
    assert poller.take_inbox("web:a") == ["eins", "zwei", "drei"]
    assert poller.take_inbox("web:a") == []  # taken: a second poll gets nothing again
    assert sender.take_inbox("web:b") == ["fremd"]
    sender.post_to_inbox("web:a", [str(n) for n in range(INBOX_KEEP + 5)])
    kept = poller.take_inbox("web:a")
    assert kept == [str(n) for n in range(5, INBOX_KEEP + 5)]  # the newest


def test_a_poll_takes_the_persons_earlier_sessions_once(
        open_store: Callable[..., SqlState]) -> None:
    """A closed tab's session kept a message for the person: the new session's poll takes it;
    a copy that reached several of their sessions comes once, what the new session has itself
    always comes, and other people's sessions are not touched."""
    sender, poller = open_store(), open_store()
    sender.post_to_inbox("web:alt1", ["Mappe"])
    sender.post_to_inbox("web:neu", ["Mappe"])  # the same message also reached the new one
    sender.post_to_inbox("web:alt2", ["Mappe", "Frage an Sie"])
    sender.post_to_inbox("web:neu", ["eigene", "eigene"])
    sender.post_to_inbox("web:fremd", ["Mappe"])
    assert poller.take_inbox("web:neu", ["web:alt1", "web:alt2", "web:neu"]) == [
        "Mappe", "Frage an Sie", "eigene", "eigene"]
    assert poller.take_inbox("web:alt1") == [] and poller.take_inbox("web:alt2") == []
    assert poller.take_inbox("web:fremd") == ["Mappe"]
    sender.post_to_inbox("web:alt1", ["eins"])
    sender.post_to_inbox("web:alt2", ["zwei"])
    assert poller.take_inbox("web:neu", ["web:alt1", "web:alt2"]) == ["eins", "zwei"]


def test_inbox_rows_older_than_a_day_are_dropped(store: SqlState) -> None:
    state = store
    state.post_to_inbox("web:alt", ["gestern"])
    _backdate(state, "web_inbox")
    state.post_to_inbox("web:neu", ["heute"])  # any post drops stale rows of everybody
    assert state.take_inbox("web:alt") == []
    assert state.take_inbox("web:neu") == ["heute"]


def test_a_draft_is_released_on_a_replica_without_its_file(
        open_store: Callable[..., SqlState], tmp_path: Path) -> None:
    from bot.capture.release import Drafts

    state = open_store()
    here = Drafts(state, tmp_path / "one" / "drafts", tmp_path / "released")
    draft_id = here.create("i1", "steueramt/x.md", "Steueramt", "tkoch", "# Übergabe\nText\n")
    there = Drafts(open_store(), tmp_path / "two" / "drafts",
                   tmp_path / "released")  # another machine: its own drafts folder, empty
    assert there.text_of(draft_id) == "# Übergabe\nText\n"
    path = there.release(there.pending(draft_id), "ukeller")
    assert path.read_text(encoding="utf-8") == "# Übergabe\nText\n"


def test_a_draft_from_before_version_7_is_read_from_its_file(
        store: SqlState, tmp_path: Path) -> None:
    from bot.capture.release import Drafts

    drafts = Drafts(store, tmp_path / "drafts", tmp_path / "released")
    draft_id = drafts.create("i1", "steueramt/x.md", "Steueramt", "tkoch", "# Alt\n")
    with store._write() as db:
        db.execute("UPDATE drafts SET text = NULL")
    assert drafts.text_of(draft_id) == "# Alt\n"
