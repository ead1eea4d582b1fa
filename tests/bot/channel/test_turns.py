"""Whole turns through botbuilder's TestAdapter: activity in, activities out."""

from __future__ import annotations

import asyncio
from typing import Any

from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount

from bot.channel import WissenslotseBot, strip_mentions
from tests.bot.channel.conftest import BOT_ID, FakeAssistant, bot_mention


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
