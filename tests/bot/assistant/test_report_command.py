"""``bericht`` in chat: a signed link for admins and heads, in personal chats only; and the
task ids the state keeps for the risk overview."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from bot.assistant import Assistant
from bot.gaps.access import load_secret, verify_link
from bot.settings import Settings
from bot.texts import risk as texts
from bot.turns import Reply, Turn, UserRef

from .card_schema import problems

TOM = UserRef("aad-tkoch", email="Tom.Koch@test.example")
HEAD = UserRef("aad-uk", email="uwe.keller@test.example")
ADMIN = UserRef("aad-admin", email="admin@musterstadt.de")


def _ask(assistant: Assistant, text: str, user: UserRef, group: bool = False) -> Reply:
    [reply] = asyncio.run(assistant.handle(Turn(text, user, "conv-1", is_group=group)))
    return reply


def _token_owner(settings: Settings, reply: Reply) -> tuple[str | None, str | None]:
    token = parse_qs(urlsplit(reply.data["url"]).query)["t"][0]
    return verify_link(load_secret("", settings.state_db.parent), token, time.time())


def test_heads_and_admins_get_a_link_bound_to_them(assistant: Assistant) -> None:
    head = _ask(assistant, "bericht", HEAD)
    assert head.data["sent"] and "(Steueramt)" in head.text
    assert head.data["url"].startswith("http://127.0.0.1:3978/bericht?t=")
    assert _token_owner(assistant.settings, head) == ("ukeller", "aad-uk")
    admin = _ask(assistant, "/Wissensrisiko", ADMIN)
    assert "(alle Abteilungen)" in admin.text
    assert _token_owner(assistant.settings, admin) == ("admin", "aad-admin")
    assert admin.card is not None and problems(admin.card) == []
    assert admin.card["actions"][0]["url"] == admin.data["url"]


def test_others_and_group_chats_get_no_link(assistant: Assistant) -> None:
    assert _ask(assistant, "bericht", TOM).text == texts.REPORT_NOT_ALLOWED
    assert _ask(assistant, "bericht", UserRef("aad-unknown")).text == texts.REPORT_NOT_ALLOWED
    assert _ask(assistant, "bericht", HEAD, group=True).text == texts.REPORT_PERSONAL_ONLY


def test_without_an_address_outside_local_mode_the_bot_says_what_is_missing(
    assistant: Assistant,
) -> None:
    assistant.settings = assistant.settings.model_copy(update={"app_id": "teams-app"})
    assert _ask(assistant, "bericht", ADMIN).text == texts.REPORT_NO_URL
    assistant.settings = assistant.settings.model_copy(
        update={"public_url": "https://bot.musterstadt.example"})
    reply = _ask(assistant, "bericht", ADMIN)
    assert reply.data["url"].startswith("https://bot.musterstadt.example/bericht?t=")


def test_answers_and_unanswered_questions_keep_their_task(assistant: Assistant) -> None:
    _ask(assistant, "Wer kümmert sich um die Hundesteuer und wie melde ich einen Hund ab?", TOM)
    _ask(assistant, "Wie backe ich Brot?", TOM)
    since = datetime.now(UTC) - timedelta(hours=1)
    assert assistant.state.questions_per_task(since) == {"hundesteuer": (1, 0), None: (1, 1)}
