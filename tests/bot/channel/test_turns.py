"""Whole turns through botbuilder's TestAdapter: activity in, activities out."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount

from bot.app import create_app
from bot.channel import WissenslotseBot, strip_mentions
from bot.settings import Settings
from bot.state import State
from tests.bot.channel.conftest import (
    BOT_ID,
    FakeAssistant,
    FakeConnector,
    bot_mention,
    serve,
    teams_message,
)


def _adapter(conversation_type: str = "personal") -> TestAdapter:
    template = Activity(
        channel_id="test",
        service_url="https://test.example",
        from_property=ChannelAccount(id="29:user-birgit", name="Birgit Schneider",
                                     aad_object_id="aad-birgit"),
        recipient=ChannelAccount(id=BOT_ID, name="Wissenslotse"),
        conversation=ConversationAccount(id="conv-1", conversation_type=conversation_type,
                                         is_group=conversation_type != "personal"),
    )
    return TestAdapter(template_or_conversation=template)


def _run(adapter: TestAdapter, bot: WissenslotseBot, activity: Activity) -> list[Activity]:
    adapter.logic = bot.on_turn
    asyncio.run(adapter.receive_activity(activity))
    sent = list(adapter.activity_buffer)
    adapter.activity_buffer.clear()
    return sent


def _message(text: str, **extra: Any) -> Activity:
    return Activity(type="message", text=text, **extra)


def test_personal_chat_answers_with_typing_then_card() -> None:
    assistant = FakeAssistant()
    bot = WissenslotseBot(lambda: assistant)
    sent = _run(_adapter(), bot, _message("Wie melde ich einen Hund ab?"))
    assert [a.type for a in sent] == ["typing", "message"]
    attachment = sent[1].attachments[0]
    assert attachment.content_type == "application/vnd.microsoft.card.adaptive"
    assert attachment.content["body"][0]["text"] == "Antwort auf: Wie melde ich einen Hund ab?"
    assert attachment.content["fallbackText"] == "Antwort auf: Wie melde ich einen Hund ab?"
    turn = assistant.turns[0]
    assert (turn.user.key, turn.user.teams_id, turn.user.name) == (
        "aad-birgit", "29:user-birgit", "Birgit Schneider")
    assert turn.is_group is False and turn.value is None


def test_channel_without_mention_is_ignored() -> None:
    assistant = FakeAssistant()
    sent = _run(_adapter("channel"), WissenslotseBot(lambda: assistant),
                _message("Kaffee ist fertig"))
    assert sent == [] and assistant.turns == []


def test_channel_with_mention_strips_it() -> None:
    assistant = FakeAssistant()
    mention = Activity().deserialize({"entities": [bot_mention()]}).entities
    sent = _run(_adapter("channel"), WissenslotseBot(lambda: assistant),
                _message("<at>Wissenslotse</at> Wer macht die Hundesteuer?", entities=mention))
    assert [a.type for a in sent] == ["typing", "message"]
    assert assistant.turns[0].text == "Wer macht die Hundesteuer?"
    assert assistant.turns[0].is_group is True


def test_mention_of_someone_else_keeps_the_name_and_is_not_for_us() -> None:
    other = {"type": "mention", "text": "<at>Tom Koch</at>",
             "mentioned": {"id": "29:tom", "name": "Tom Koch"}}
    assistant = FakeAssistant()
    entities = Activity().deserialize({"entities": [other]}).entities
    sent = _run(_adapter("groupChat"), WissenslotseBot(lambda: assistant),
                _message("<at>Tom Koch</at> bist du morgen da?", entities=entities))
    assert sent == []
    both = Activity().deserialize({"entities": [bot_mention(), other]}).entities
    activity = _message("<at>Wissenslotse</at> vertritt <at>Tom Koch</at> jemand?",
                        entities=both, recipient=ChannelAccount(id=BOT_ID))
    assert strip_mentions(activity) == "vertritt Tom Koch jemand?"


def test_card_submit_passes_value_through_without_mention() -> None:
    assistant = FakeAssistant()
    sent = _run(_adapter("channel"), WissenslotseBot(lambda: assistant),
                _message(None, value={"feedback": "up", "answer": "a1"}))  # type: ignore[arg-type]
    assert assistant.turns[0].value == {"feedback": "up", "answer": "a1"}
    assert assistant.turns[0].text == ""
    assert sent[-1].text == "Danke für Ihre Rückmeldung (up)."


def test_forged_non_object_value_is_not_passed_as_data() -> None:
    assistant = FakeAssistant()
    sent = _run(_adapter(), WissenslotseBot(lambda: assistant),
                _message("hallo", value=["not", "a", "dict"]))
    assert assistant.turns[0].value is None
    assert sent[-1].attachments


def test_welcome_when_the_bot_is_added_not_when_a_colleague_joins() -> None:
    assistant = FakeAssistant()
    bot = WissenslotseBot(lambda: assistant)
    adapter = _adapter("channel")
    colleague = Activity(type="conversationUpdate",
                         members_added=[ChannelAccount(id="29:new-colleague")])
    assert _run(adapter, bot, colleague) == []
    added = Activity(type="conversationUpdate", members_added=[ChannelAccount(id=BOT_ID)])
    sent = _run(adapter, bot, added)
    assert [a.text for a in sent] == ["Willkommen beim Wissenslotsen! Fragen Sie zum Beispiel …"]
    assert assistant.welcomed[0].key == "aad-birgit"


def test_empty_and_too_long_messages_get_a_clear_reply_without_the_assistant() -> None:
    assistant = FakeAssistant()
    bot = WissenslotseBot(lambda: assistant)
    empty = _run(_adapter(), bot, _message("   "))
    long = _run(_adapter(), bot, _message("Hund " * 20_000))
    assert "Ihre Nachricht war leer" in empty[0].text
    assert "zu lang" in long[0].text
    assert assistant.turns == []


def test_not_ready_assistant_says_so() -> None:
    sent = _run(_adapter(), WissenslotseBot(lambda: None), _message("Frage"))
    assert "starte gerade" in sent[0].text


# a lone surrogate ("\ud800" in the JSON) cannot be written as UTF-8 (SQLite raises
# UnicodeEncodeError), so the question became a generic error and was lost as a knowledge gap.


JUNK = 'Hundesteuer \\ud800 abmelden \\udcff? \\u0000 \\ud83d\\udc36'  # JSON escapes


def _utf8(text: str | None) -> bool:
    try:
        (text or "").encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def test_web_chat_turns_are_valid_utf8(local_settings: Settings, tmp_path: Path) -> None:
    assistant = FakeAssistant()

    async def go() -> list[int]:
        statuses = []
        async with serve(create_app(local_settings, assistant)) as url, \
                aiohttp.ClientSession() as http:
            plain = json.dumps({"text": "X", "session": "s1"})
            ask = json.dumps({"text": "", "session": "s1", "value": {"action": "ask",
                                                                      "text": "X"}})
            for body in (plain.replace('"X"', f'"{JUNK}"'), ask.replace('"X"', f'"{JUNK}"')):
                async with http.post(url + "/api/chat", data=body.encode(),
                                     headers={"Content-Type": "application/json"}) as response:
                    statuses.append(response.status)
        return statuses

    assert asyncio.run(go()) == [200, 200]
    text, ask = assistant.turns[0].text, assistant.turns[1].value["text"]  # type: ignore[index]
    assert _utf8(text) and _utf8(ask) and "🐶" in text and "\ufffd" in text
    State(tmp_path / "state.sqlite").record_unanswered(text, "web:s1")  # the gap is kept


def test_teams_turns_are_valid_utf8(local_settings: Settings) -> None:
    assistant, connector = FakeAssistant(), FakeConnector()

    async def go() -> None:
        async with serve(connector.app) as connector_url, \
                serve(create_app(local_settings, assistant)) as url, \
                aiohttp.ClientSession() as http:
            activity: dict[str, Any] = teams_message(connector_url, "PLATZHALTER")
            raw = json.dumps(activity).replace("PLATZHALTER", JUNK)
            async with http.post(url + "/api/messages", data=raw.encode(),
                                 headers={"Content-Type": "application/json"}) as response:
                assert response.status in (200, 201)

    asyncio.run(go())
    assert len(assistant.turns) == 1 and _utf8(assistant.turns[0].text)
_TIMING_CHILD = """
import sys, time
from botbuilder.schema import Activity, ChannelAccount
from bot.channel import strip_mentions
from tests.bot.channel.conftest import BOT_ID, bot_mention

def seconds(text, repeat=1):
    entities = Activity().deserialize({"entities": [bot_mention()]}).entities
    activity = Activity(type="message", text=text, recipient=ChannelAccount(id=BOT_ID),
                        entities=entities)
    started = time.perf_counter()
    for _ in range(repeat):
        strip_mentions(activity)
    return time.perf_counter() - started

unit = sys.argv[1]
small = unit * (1024 // len(unit))
per_kb = min(seconds(small, 20) / 20 for _ in range(5))
print(seconds(small * 1024) / per_kb)
"""


def test_mention_stripping_is_linear_on_hostile_input() -> None:
    """1 MB of unclosed ``<at>`` tags against 1 KB, measured in the same (child) process: a
    linear pattern needs about 1024 times as long, the bound allows 50 times that; the
    quadratic one needed hours for 1 MB (the child is killed after 120 s: a fail, no hang)."""
    import subprocess
    import sys

    for unit in ("<at>", "<at", "<at>x", "<AT title=x>"):
        child = subprocess.run([sys.executable, "-c", _TIMING_CHILD, unit], capture_output=True,
                               text=True, timeout=120, check=True)
        ratio = float(child.stdout.strip())
        assert ratio < 50 * 1024, f"{unit!r}: 1 MB took {ratio:.0f} times as long as 1 KB"


def test_mention_tags_keep_their_names() -> None:
    activity = _message("<at>Wissenslotse</at> frag <at id=\"1\">Birgit Schneider</at> bitte",
                        recipient=ChannelAccount(id=BOT_ID),
                        entities=Activity().deserialize({"entities": [bot_mention()]}).entities)
    assert strip_mentions(activity) == "frag Birgit Schneider bitte"
