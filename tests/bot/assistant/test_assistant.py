"""Whole turns through the Assistant: real directory, real SQLite state, a scripted searcher."""

import asyncio
import logging
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.assistant import Assistant, Reindexer
from bot.texts import assistant as texts
from bot.turns import Reply, Turn, UserRef

from .card_schema import problems
from .conftest import FIXED_DAY, RecordingNotifier

OUTSIDER = UserRef("aad-unknown", name="Gast")
TOM = UserRef("aad-tkoch", email="Tom.Koch@test.example")
PAULA = UserRef("web:1", person_id="pamt")
ADMIN = UserRef("aad-admin", email="admin@musterstadt.de")
QUESTION = "Wer kümmert sich um die Hundesteuer und wie melde ich einen Hund ab?"


def ask(assistant: Assistant, text: str, user: UserRef = OUTSIDER, value: Any = None) -> Reply:
    replies = asyncio.run(assistant.handle(Turn(text, user, "conv-1", value=value)))
    assert len(replies) == 1
    return replies[0]


def test_question_gets_task_stand_in_steps_and_source(assistant: Assistant) -> None:
    reply = ask(assistant, QUESTION)
    assert reply.data["kind"] == "answer"
    assert "Tom Koch" in reply.text and "07000 1-232" in reply.text
    assert "Berta Schneider ist bis 14.08.2026 abwesend" in reply.text
    assert "1. Abmeldeformular prüfen" in reply.text
    assert "Abschnitt „Abmeldung eines Hundes“" in reply.text
    assert reply.card is not None and problems(reply.card) == []
    assert assistant.searcher.refreshes == 1  # type: ignore[attr-defined]


def test_the_users_groups_go_to_the_search(assistant: Assistant) -> None:
    ask(assistant, QUESTION)  # unknown user: no groups, not None (None would mean "no filter")
    ask(assistant, QUESTION, PAULA)  # web chat choice
    ask(assistant, QUESTION, TOM)  # e-mail, case-insensitive
    groups = [call["groups"] for call in assistant.searcher.calls]  # type: ignore[attr-defined]
    assert groups == [frozenset(), frozenset({"personalamt"}), frozenset({"steueramt"})]


def test_restricted_document_is_cited_only_to_its_group(assistant: Assistant) -> None:
    assert "Gehälter" not in ask(assistant, "Hund Gehalt").text
    assert "Gehälter" in ask(assistant, "Hund Gehalt", PAULA).text


def test_nothing_found_offers_topics_and_records_the_gap(assistant: Assistant) -> None:
    reply = ask(assistant, "Wie backe ich Brot?")
    assert reply.data["kind"] == "not_found"
    assert reply.text.startswith(texts.NOT_FOUND)
    assert reply.card is not None and problems(reply.card) == []
    topics = [a["data"] for a in reply.card["actions"]]
    assert {"action": "ask", "text": "Kantine"} in topics
    assert assistant.state.unanswered(10) == [("Wie backe ich Brot?", 1)]
    # a topic button asks the topic as a question
    again = ask(assistant, "", value={"action": "ask", "text": "Hundesteuer Abmeldung"})
    assert again.data["kind"] == "answer"


def test_a_task_chosen_after_a_refusal_teaches_its_words(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from bot.assistant import answering
    from bot.gaps import gap_report

    def offered() -> list[str | None]:
        with sqlite3.connect(assistant.settings.state_db) as connection:
            return [row[0] for row in connection.execute(
                "SELECT offered_tasks FROM unanswered ORDER BY id")]

    def suggested() -> list[tuple[str, str]]:
        report = gap_report(assistant.directory, FIXED_DAY, None, assistant.state)
        return [(item.key, item.detail) for item in report.of("stichwortvorschlag")]

    refused = ask(assistant, "Hundemarke im Park verloren, was nun?")
    assert refused.data["kind"] == "not_found"
    buttons = [a["data"] for a in refused.card["actions"]]  # type: ignore[index]
    assert {"action": "ask", "text": "Hundesteuer"} in buttons
    assert {"action": "ask", "text": "Übergabe Hundesteuer"} in buttons  # a title: no task
    assert offered() == ['["hundesteuer"]']
    # an answer about the task, or its name typed by someone else, is no choice
    assert ask(assistant, QUESTION).data["answer"]["task_id"] == "hundesteuer"
    assert ask(assistant, "Hundesteuer", TOM).data["kind"] == "answer"
    assert assistant.state.chosen_after_refusal() == []
    # a later refusal supersedes the first: a click then belongs to it
    ask(assistant, "Hundemarke am Bahnhof verloren, was nun?")
    assert offered() == [None, '["hundesteuer"]']
    clicked = ask(assistant, "", value={"action": "ask", "text": "Hundesteuer"})
    assert clicked.data["kind"] == "answer"
    assert assistant.state.chosen_after_refusal() == [
        ("hundesteuer", "Hundemarke am Bahnhof verloren, was nun?")]
    assert suggested() == [("hundesteuer", "Bahnhof")]
    # a second click (or a resent one) links nothing more, not even the older refusal
    ask(assistant, "", value={"action": "ask", "text": "Hundesteuer"})
    assert len(assistant.state.chosen_after_refusal()) == 1
    # too late: a click long after the refusal is another question
    assert ask(assistant, "Hundemarke im Park verloren, was nun?", TOM).data["kind"] == "not_found"
    monkeypatch.setattr(answering, "CHOICE_WINDOW", timedelta(minutes=-1))
    ask(assistant, "", TOM, value={"action": "ask", "text": "Hundesteuer"})
    assert len(assistant.state.chosen_after_refusal()) == 1


@pytest.mark.parametrize("failure", ["sqlite", "postgresql", "slow"])
def test_a_state_failure_while_noting_a_choice_keeps_the_feedback_buttons(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    failure: str,
) -> None:
    import sqlite3
    import time

    import psycopg

    from bot.assistant import answering

    def broken(*_: Any) -> bool:
        if failure == "slow":  # a lock held elsewhere: the reply does not wait for it
            time.sleep(1)
            return True
        raise (sqlite3.OperationalError if failure == "sqlite"
               else psycopg.errors.LockNotAvailable)("locked")

    ask(assistant, "Hundemarke im Park verloren, was nun?")
    monkeypatch.setattr(assistant.state, "choose_offered", broken)
    monkeypatch.setattr(answering, "CHOICE_BUDGET_SECONDS", 0.2)
    with caplog.at_level(logging.WARNING, logger="bot.assistant.answering"):
        clicked = ask(assistant, "", value={"action": "ask", "text": "Hundesteuer"})
    assert clicked.data["kind"] == "answer" and clicked.data["answer"]["answer_id"]
    reason = {"sqlite": "OperationalError", "postgresql": "LockNotAvailable",
              "slow": "TimeoutError"}
    assert f"choice after a refusal not noted ({reason[failure]})" in caplog.text


def test_feedback_is_stored_with_the_answer(assistant: Assistant) -> None:
    answer = ask(assistant, QUESTION)
    up = next(a for a in answer.card["actions"] if a["data"].get("vote") == "up")  # type: ignore[index]
    reply = ask(assistant, "", TOM, value=up["data"])
    assert reply.text == texts.FEEDBACK_THANKS_UP and reply.data["stored"]
    assert assistant.state.feedback_counts()["up"] == 1
    unknown = ask(
        assistant, "", TOM, value={"action": "feedback", "answer_id": "nope", "vote": "up"}
    )
    assert unknown.text == texts.FEEDBACK_UNKNOWN
    assert assistant.state.feedback_counts()["up"] == 1


@pytest.mark.parametrize(
    "value",
    [
        {"action": "feedback", "answer_id": "x", "vote": "sideways"},
        {"action": "feedback", "answer_id": 42, "vote": "up"},
        {"action": "feedback", "answer_id": "x" * 10_000, "vote": "down"},
        {"action": "feedback"},
        {"action": "ask", "text": ["Hund"]},
        {"action": "ask", "text": "   "},
        {"action": "delete_everything"},
        {"action": None},
        {},
        ["not", "a", "dict"],
    ],
)
def test_forged_card_data_gets_a_polite_reply(assistant: Assistant, value: Any) -> None:
    reply = ask(assistant, "", TOM, value=value)
    assert reply.text == texts.ACTION_INVALID
    assert assistant.state.feedback_counts() == {"up": 0, "down": 0}


def test_an_unexpected_error_becomes_an_apology(
    assistant: Assistant, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> list[Any]:
        raise RuntimeError("disk on fire")

    assistant.searcher.search = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR):
        reply = ask(assistant, QUESTION)
    assert reply.text == texts.ERROR_GENERIC
    assert "disk on fire" in caplog.text  # logged for the operator, not shown to the user
    assert "disk on fire" not in reply.text


def test_empty_and_oversized_messages(assistant: Assistant) -> None:
    assert ask(assistant, "   ").text == texts.EMPTY_MESSAGE
    assert "zu lang" in ask(assistant, "Hund " * 20_000).text
    assert assistant.searcher.calls == []  # type: ignore[attr-defined]


def test_help_shows_admin_commands_only_to_admins(assistant: Assistant) -> None:
    assert "neu indexieren" not in ask(assistant, "hilfe").text
    admin_help = ask(assistant, "/Hilfe", ADMIN)
    assert "neu indexieren" in admin_help.text
    assert admin_help.card is not None and problems(admin_help.card) == []


def test_status_names_the_index_and_the_user(assistant: Assistant) -> None:
    assert "kenne Sie nicht" in ask(assistant, "status").text
    status = ask(assistant, "Status", TOM).text
    assert "Tom Koch" in status and "v-test" in status and "? Dokumente" in status  # no meta
    assert "Administrator" in ask(assistant, "status", ADMIN).text


def test_absence_from_command_and_sentence(assistant: Assistant) -> None:
    reply = ask(assistant, "abwesend 10.08.-12.08.", TOM)
    assert reply.data["stored"], reply.text
    sentence = "Ich bin vom 17. bis 21. August im Urlaub, meine Vertretung ist Uwe Keller"
    assert ask(assistant, sentence, TOM).data["stored"]
    stored = [(a.person, a.start.day, a.end.day, a.stand_in) for a in assistant.state.absences()]
    assert stored == [("tkoch", 10, 12, None), ("tkoch", 17, 21, "ukeller")]
    assert "17.08.2026" in ask(assistant, "status", TOM).text


def test_only_admins_set_someone_elses_absence(assistant: Assistant) -> None:
    refused = ask(assistant, "abwesend 10.08.-12.08. für Berta Schneider", TOM)
    assert not refused.data["stored"]
    assert assistant.state.absences() == []
    assert ask(assistant, "abwesend 10.08.-12.08. für Tom Koch", ADMIN).data["stored"]
    assert ask(assistant, "abwesend 10.08.-12.08.", OUTSIDER).data["stored"] is False
    assert ask(assistant, "abwesend irgendwann", TOM).data["stored"] is False


def test_absence_changes_who_handles_the_task_today(assistant: Assistant) -> None:
    ask(assistant, "abwesend 03.08.-07.08. Vertretung Uwe Keller", TOM)
    reply = ask(assistant, QUESTION)
    assert "Uwe Keller" in reply.data["answer"]["who"]["contact"]["name"]
    assert ask(assistant, "zurück", TOM).data["kind"] == "absence"
    assert ask(assistant, QUESTION).data["answer"]["who"]["contact"]["name"] == "Tom Koch"


def test_gap_report_is_for_admins(assistant: Assistant) -> None:
    ask(assistant, "Wie backe ich Brot?")
    assert ask(assistant, "lücken", TOM).text == texts.ADMIN_ONLY
    report = ask(assistant, "/Luecken", ADMIN).text
    assert "1 ×: Wie backe ich Brot?" in report
    assert "Gehaltsabrechnung: nur Paula Personal" in report  # task without deputy
    assert "Rückmeldungen zu Antworten: 0 × hilfreich" in report


def test_unknown_command_is_explained(assistant: Assistant) -> None:
    reply = ask(assistant, "/urlaubsplan")
    assert "urlaubsplan" in reply.text and "hilfe" in reply.text


def test_reindex_is_for_admins_and_runs_once(assistant: Assistant, tmp_path: Path) -> None:
    assert ask(assistant, "neu indexieren", TOM).text == texts.ADMIN_ONLY
    assert ask(assistant, "neu indexieren", ADMIN).text == texts.REINDEX_NO_NOTIFIER
    script = tmp_path / "build.py"
    script.write_text('import json; print(json.dumps({"version_id": "v9", "new": [], '
                      '"changed": ["a.md"], "removed": [], "skipped": []}))')  # fmt: skip
    assistant.reindexer = Reindexer([sys.executable, str(script)], assistant._after_reindex)
    notifier = RecordingNotifier()
    assistant.set_notifier(notifier)

    async def scenario() -> tuple[list[Reply], list[Reply]]:
        first = await assistant.handle(Turn("/neu indexieren", ADMIN, "admin-chat"))
        second = await assistant.handle(Turn("neu indexieren", ADMIN, "admin-chat"))
        while assistant.reindexer.running:
            await asyncio.sleep(0.05)
        return first, second

    first, second = asyncio.run(scenario())
    assert first[0].text == texts.REINDEX_STARTED
    assert second[0].text == texts.REINDEX_BUSY
    assert notifier.sent[-1][0] == "admin-chat"
    assert "1 geändert" in notifier.sent[-1][1][0].text
    assert "Verzeichnis" not in notifier.sent[-1][1][0].text  # this one reads no directory
    assert assistant.searcher.refreshes == 1  # type: ignore[attr-defined]


def test_welcome_and_health(assistant: Assistant) -> None:
    welcome = assistant.welcome(OUTSIDER)[0]
    assert welcome.card is not None and problems(welcome.card) == []
    assert all(q in welcome.text for q in texts.EXAMPLE_QUESTIONS)
    health = assistant.health()
    assert health["index_version"] == "v-test" and health["documents"] is None  # meta unknown
    assert FIXED_DAY.year == 2026


def test_the_web_chat_person_choice_counts_only_in_local_mode(assistant: Assistant) -> None:
    assert assistant.person_of(PAULA) is not None
    assistant.settings = assistant.settings.model_copy(update={"app_id": "some-bot-id"})
    assert assistant.person_of(PAULA) is None  # outside local mode nobody picks an identity
    assert assistant.person_of(TOM) is not None


def test_question_texts_reach_the_log_only_when_allowed(
    assistant: Assistant, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.assistant.answering"):
        ask(assistant, QUESTION)
    assert "Hundesteuer" not in caplog.text and "confidence=" in caplog.text
    assistant.settings = assistant.settings.model_copy(update={"log_questions": True})
    with caplog.at_level(logging.INFO, logger="bot.assistant.answering"):
        ask(assistant, QUESTION)
    assert "Hundesteuer" in caplog.text


def _comparable(replies: list[Reply]) -> list[tuple[str, Any]]:
    """A reply without the answer id (new for every answer)."""
    out = []
    for reply in replies:
        data = dict(reply.data or {})
        answer = dict(data.pop("answer", None) or {})
        answer.pop("answer_id", None)
        out.append((reply.text, (data, answer)))
    return out


def test_questions_asked_at_once_get_the_answers_asked_one_by_one(assistant: Assistant) -> None:
    questions = [QUESTION, "Hund Gehalt", "Wie backe ich Brot?", "Hundesteuer Abmeldung"] * 3
    users = [OUTSIDER, PAULA, TOM]
    turns = [Turn(q, users[i % 3], f"conv-{i}") for i, q in enumerate(questions)]
    from bot.assistant.throttle import SenderThrottle

    assistant._throttle = SenderThrottle(100, 10)  # four at once per user: not a flood here
    alone = [asyncio.run(assistant.handle(turn)) for turn in turns]

    async def at_once() -> list[list[Reply]]:
        return list(await asyncio.gather(*(assistant.handle(turn) for turn in turns)))

    together = asyncio.run(at_once())
    assert [_comparable(r) for r in together] == [_comparable(r) for r in alone]
    assert {r[0].data["kind"] for r in together} == {"answer", "not_found"}
    # every gap recorded, once per refusal, whether asked alone or at once: "Hund Gehalt" is
    # refused to the two users outside the Personalamt (a keyword match, nothing to quote)
    assert dict(assistant.state.unanswered(10)) == {"Wie backe ich Brot?": 6, "Hund Gehalt": 4}


# An answer in a Teams channel or group chat is read by every member, so it must not quote a
# document restricted to the asker's group (here: the Personalamt's salary table).


def test_restricted_document_is_not_posted_into_a_group_chat(assistant: Assistant) -> None:
    turn = Turn("Hund Gehalt", PAULA, "19:channel@thread.skype", is_group=True)
    replies = asyncio.run(assistant.handle(turn))
    assert "Gehälter" not in replies[0].text and "vertraulich" not in replies[0].text


def test_restricted_document_is_still_answered_in_a_personal_chat(assistant: Assistant) -> None:
    replies = asyncio.run(assistant.handle(Turn("Hund Gehalt", PAULA, "a:personal")))
    assert "Gehälter" in replies[0].text
def _with_secret_task(assistant: Assistant, settings: Any) -> Assistant:
    """A task only a Personalamt document names (not in zustaendigkeiten.csv)."""
    from bot.directory.directory import Directory
    from indexer.model import DocumentMeta

    from .conftest import chunk, write_directory

    meta = DocumentMeta(title="Abfindung Zanderkamp", tasks=("abfindung_zanderkamp",),
                        keywords=("Abfindung", "Zanderkamp"), responsible="pamt",
                        groups=("personalamt",))
    assistant.directory = Directory.load(write_directory(settings.directory_path),
                                         {"personal/abfindung.md": meta})
    secret = chunk("personal/abfindung.md", "Ablauf", "Die Abfindung Zanderkamp zahlt ...",
                   "Abfindung Zanderkamp", ("abfindung_zanderkamp",), ("personalamt",))
    assistant.searcher.chunks.append((secret, 0.9))  # type: ignore[attr-defined]
    return assistant


@pytest.mark.parametrize("question", [
    "Wer kümmert sich um die Abfindung Zanderkamp?",
    "Abfindung",
    "Zanderkamp",
])
def test_a_task_only_a_restricted_document_names_stays_hidden(
        assistant: Assistant, settings: Any, question: str) -> None:
    _with_secret_task(assistant, settings)
    for user in (OUTSIDER, TOM):
        reply = ask(assistant, question, user)
        shown = f"{reply.text} {reply.card} {reply.data}".replace(question, "")  # its echo
        assert "Zanderkamp" not in shown and "Paula" not in shown, (user, shown)
    inside = ask(assistant, "Wer kümmert sich um die Abfindung Zanderkamp?", PAULA)
    assert "Abfindung Zanderkamp" in inside.text and "Paula Personal" in inside.text


def test_restricted_tasks_are_matched_only_for_their_groups(
        assistant: Assistant, settings: Any) -> None:
    directory = _with_secret_task(assistant, settings).directory
    assert directory.task("abfindung_zanderkamp").groups == ("personalamt",)
    assert directory.task("hundesteuer").groups == ()  # the table's tasks are open
    question = "Abfindung Zanderkamp"
    assert directory.match_tasks(question, groups=()) == []
    assert directory.match_tasks(question, groups=("steueramt",)) == []
    assert [t.id for t, _ in directory.match_tasks(question, groups=("personalamt",))] == [
        "abfindung_zanderkamp"]
    assert [t.id for t, _ in directory.match_tasks(question)] == ["abfindung_zanderkamp"]


class PersonalNotifier(RecordingNotifier):
    """A channel that knows the admin's personal chat."""

    def __init__(self, personal: dict[str, str]) -> None:
        super().__init__()
        self.personal = personal

    async def personal_conversation(self, user_key: str) -> str | None:
        return self.personal.get(user_key)


def _in_channel(assistant: Assistant, text: str, user: UserRef = ADMIN) -> list[Reply]:
    turn = Turn(text, user, "19:general@thread.tacv2", is_group=True)
    return asyncio.run(assistant.handle(turn))


def test_gap_report_asked_in_a_channel_goes_to_the_personal_chat(assistant: Assistant) -> None:
    ask(assistant, "Wie backe ich Brot?")  # an unanswered question: the report lists it
    notifier = PersonalNotifier({"aad-admin": "a:admin-personal"})
    assistant.set_notifier(notifier)
    replies = _in_channel(assistant, "lücken")
    assert [r.text for r in replies] == [texts.SENT_PERSONALLY]
    assert [conversation for conversation, _ in notifier.sent] == ["a:admin-personal"]
    report = notifier.sent[0][1][0].text
    assert report.startswith(texts.GAPS_TITLE) and "Brot" in report


def test_gap_report_without_a_known_personal_chat_is_not_posted(assistant: Assistant) -> None:
    ask(assistant, "Wie backe ich Brot?")
    notifier = PersonalNotifier({})
    assistant.set_notifier(notifier)
    replies = _in_channel(assistant, "lücken")
    assert [r.text for r in replies] == [texts.WRITE_PERSONALLY]
    assert notifier.sent == [] and "Brot" not in replies[0].text
    assert _in_channel(assistant, "lücken", TOM)[0].text == texts.ADMIN_ONLY


def test_reindex_asked_in_a_channel_reports_to_the_personal_chat(
        assistant: Assistant, tmp_path: Path) -> None:
    script = tmp_path / "build.py"
    script.write_text('import json; print(json.dumps({"version_id": "v9", "new": [], '
                      '"changed": [], "removed": [], "skipped": [{"file": "personal/geheim.pdf",'
                      ' "reason": "x"}]}))')  # fmt: skip
    assistant.reindexer = Reindexer([sys.executable, str(script)], assistant._after_reindex)
    notifier = PersonalNotifier({"aad-admin": "a:admin-personal"})
    assistant.set_notifier(notifier)

    async def scenario() -> list[Reply]:
        turn = Turn("neu indexieren", ADMIN, "19:general@thread.tacv2", is_group=True)
        replies = await assistant.handle(turn)
        while assistant.reindexer.running:
            await asyncio.sleep(0.05)
        return replies

    assert [r.text for r in asyncio.run(scenario())] == [texts.SENT_PERSONALLY]
    assert {conversation for conversation, _ in notifier.sent} == {"a:admin-personal"}
    assert "personal/geheim.pdf" in notifier.sent[-1][1][0].text


def test_health_counts_only_open_documents(assistant: Assistant) -> None:
    from indexer.model import DocumentMeta

    assistant.docs_meta = {"a.md": DocumentMeta(),
                           "personal/b.md": DocumentMeta(groups=("personalamt",)),
                           "personal/c.md": DocumentMeta(groups=("personalamt",))}
    assert assistant.health()["documents"] == 1  # the manifest counts 2 files
    assert "1 Dokumente" in ask(assistant, "status").text


def test_questions_in_the_gap_card_are_no_links(assistant: Assistant) -> None:
    ask(assistant, "Brot [Formular hier](https://evil.example/login) backen?")
    reply = ask(assistant, "lücken", ADMIN)
    card = str(reply.card)
    assert "evil.example" in card and "](" not in card and "[Formular" not in card


def test_a_locked_state_db_costs_the_feedback_buttons_not_the_answer(
        assistant: Assistant, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    import bot.assistant.answering as module

    monkeypatch.setattr(module, "STATE_BUDGET_SECONDS", 0.5)
    assert ask(assistant, QUESTION).data["answer"]["answer_id"]  # the state works
    import threading

    blocker = sqlite3.connect(settings.state_db, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN EXCLUSIVE")  # another process holds the write lock for 2 s

    def release() -> None:
        blocker.execute("ROLLBACK")
        blocker.close()

    timer = threading.Timer(2.0, release)
    timer.start()
    try:
        reply = ask(assistant, QUESTION)  # answered after 0.5 s; the write follows later
    finally:
        timer.join()
    assert reply.data["kind"] == "answer" and "1. Abmeldeformular prüfen" in reply.text
    assert reply.data["answer"]["answer_id"] is None


def test_a_broken_state_db_still_lets_questions_be_answered(
        assistant: Assistant, settings: Any) -> None:
    import sqlite3

    class FullState:
        """Every call fails as SQLite does when the disk is full."""

        def __getattr__(self, name: str) -> Any:
            def fail(*args: Any, **kwargs: Any) -> Any:
                raise sqlite3.OperationalError("database or disk is full")
            return fail

    assistant.state = FullState()
    reply = ask(assistant, QUESTION)
    assert reply.data["kind"] == "answer" and "Tom Koch" in reply.text
    assert ask(assistant, "Wie backe ich Brot?").data["kind"] == "not_found"


def test_a_reload_that_reads_no_people_keeps_the_previous_directory(
        assistant: Assistant, settings: Any) -> None:
    """A half-saved personen.csv must not take everybody (and the admins' rights) away."""
    from bot.directory.directory import Directory

    broken = settings.directory_path.parent / "kaputt"
    broken.mkdir()
    (broken / "personen.csv").write_bytes(b"\xff\xfe\x00garbage;;;\n" * 50)
    before = assistant.directory
    assistant._reload_directory = lambda: (Directory.load(broken), {})
    assistant.reload_directory()
    assert assistant.directory.people == before.people and assistant.directory.people
    good = Directory.load(settings.directory_path)
    assistant._reload_directory = lambda: (good, {})
    assistant.reload_directory()
    assert assistant.directory.people == good.people  # a good reload is taken


def test_a_forged_card_action_does_not_reach_the_log(
    assistant: Assistant, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.assistant"):
        reply = ask(assistant, "", value={"action": "Wie melde ich den Hund von Frau Schneider ab"})
    assert reply.data["kind"] == "invalid_action"
    assert "unknown action" in caplog.text
    assert "Schneider" not in caplog.text and "Hund" not in caplog.text
