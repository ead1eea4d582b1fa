"""Review: an answer in a Teams channel or group chat is read by every member, so it must not
quote a document restricted to the asker's group (here: the Personalamt's salary table)."""

import asyncio

from bot.assistant import Assistant
from bot.turns import Turn, UserRef

PAULA = UserRef("web:1", person_id="pamt")  # in the group "personalamt"


def test_restricted_document_is_not_posted_into_a_group_chat(assistant: Assistant) -> None:
    turn = Turn("Hund Gehalt", PAULA, "19:channel@thread.skype", is_group=True)
    replies = asyncio.run(assistant.handle(turn))
    assert "Gehälter" not in replies[0].text and "vertraulich" not in replies[0].text


def test_restricted_document_is_still_answered_in_a_personal_chat(assistant: Assistant) -> None:
    replies = asyncio.run(assistant.handle(Turn("Hund Gehalt", PAULA, "a:personal")))
    assert "Gehälter" in replies[0].text
