"""Bad input on /api/messages: a clear 4xx or a clear reply, never a 500, nothing lost."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from bot.app import MAX_BODY_BYTES, create_app
from bot.settings import Settings
from tests.bot.channel.conftest import FakeAssistant, FakeConnector, serve, teams_message


async def _raw(settings: Settings, requests: Any) -> tuple[list[tuple[int, Any]], FakeConnector,
                                                          FakeAssistant]:
    assistant, connector = FakeAssistant(), FakeConnector()
    results = []
    async with serve(connector.app) as url, serve(create_app(settings, assistant)) as bot_url, \
            aiohttp.ClientSession() as http:
        for kwargs in requests(url):
            async with http.post(f"{bot_url}/api/messages", **kwargs) as response:
                body = await response.text()
                results.append((response.status, body))
    return results, connector, assistant


def test_malformed_requests_get_4xx(local_settings: Settings) -> None:
    def requests(url: str) -> list[dict[str, Any]]:
        no_service = teams_message(url, "Frage")
        del no_service["serviceUrl"]
        no_conversation = teams_message(url, "Frage")
        del no_conversation["conversation"]
        no_sender = teams_message(url, "Frage")
        del no_sender["from"]
        return [
            {"data": b"{not json", "headers": {"Content-Type": "application/json"}},
            {"data": b"\xff\xfe\x00", "headers": {"Content-Type": "application/json"}},
            {"json": ["a", "list"]},
            {"json": {}},
            {"json": no_service},
            {"json": no_conversation},
            {"json": no_sender},
            {"data": b"text=hallo", "headers": {"Content-Type": "text/plain"}},
            {"json": teams_message(url, "Frage") | {"text": {"nested": 1}}},
        ]

    results, connector, assistant = asyncio.run(_raw(local_settings, requests))
    assert [status for status, _ in results] == [400, 400, 400, 400, 400, 400, 400, 415, 400]
    assert "serviceUrl" in results[4][1] and "conversation.id" in results[5][1]
    assert "from.id" in results[6][1]
    assert assistant.turns == [] and connector.received == []


def test_oversized_body_is_refused(local_settings: Settings) -> None:
    results, _, assistant = asyncio.run(_raw(local_settings, lambda url: [
        {"json": teams_message(url, "x" * (MAX_BODY_BYTES + 10))}]))
    assert results[0][0] == 413
    assert assistant.turns == []


def test_long_and_empty_messages_get_a_clear_reply(local_settings: Settings) -> None:
    results, connector, assistant = asyncio.run(_raw(local_settings, lambda url: [
        {"json": teams_message(url, "Hundesteuer " * 8_500)},  # ~100 kB
        {"json": teams_message(url, "", activity_id="2")},
        {"json": teams_message(url, None, activity_id="3")},
    ]))
    assert [status for status, _ in results] == [201, 201, 201]
    texts = [m["text"] for m in connector.messages()]
    assert "zu lang" in texts[0]
    assert all("Ihre Nachricht war leer" in t for t in texts[1:])
    assert assistant.turns == []


def test_non_message_activities_are_acknowledged_quietly(local_settings: Settings) -> None:
    def requests(url: str) -> list[dict[str, Any]]:
        base = teams_message(url, None)
        return [
            {"json": base | {"type": "messageReaction", "reactionsAdded": [{"type": "like"}]}},
            {"json": base | {"type": "event", "name": "application/vnd.microsoft.meetingStart"}},
            {"json": base | {"type": "typing"}},
            {"json": base | {"type": "installationUpdate", "action": "add"}},
            {"json": base | {"type": "somethingNew"}},
            {"json": base | {"type": "invoke", "name": "composeExtension/query"}},
            {"json": base | {"type": "conversationUpdate", "membersRemoved": [{"id": "29:x"}]}},
        ]

    results, connector, assistant = asyncio.run(_raw(local_settings, requests))
    statuses = [status for status, _ in results]
    assert all(200 <= s < 500 for s in statuses), statuses
    assert statuses[-2] == 400  # an invoke we do not implement is refused, not a 501
    assert assistant.turns == [] and connector.messages() == []


def test_an_adaptive_card_action_with_an_unknown_verb_gets_400(local_settings: Settings) -> None:
    """Found by the HTTP fuzzer: the SDK answers it with an Exception inside its invoke
    response, which its own serializer cannot write (a 500)."""
    results, connector, assistant = asyncio.run(_raw(local_settings, lambda url: [
        {"json": teams_message(url, "x") | {"type": "invoke", "name": "adaptiveCard/action",
                                            "value": {"action": {"data": [1]}}}}]))
    assert results[0][0] == 400 and "unsupported invoke" in results[0][1]
    assert assistant.turns == []


def test_forged_card_data_is_passed_as_plain_data_only(local_settings: Settings) -> None:
    results, connector, assistant = asyncio.run(_raw(local_settings, lambda url: [
        {"json": teams_message(url, None, value="DROP TABLE feedback")},
        {"json": teams_message(url, None, value={"feedback": "up", "answer": "../../etc"},
                               activity_id="2")},
    ]))
    assert [status for status, _ in results] == [201, 201]
    # a non-object value is no card submit: with no text it is an empty message
    assert "Ihre Nachricht war leer" in connector.messages()[0]["text"]
    assert [t.value for t in assistant.turns] == [{"feedback": "up", "answer": "../../etc"}]


# 200 kB of nested brackets (well under the body limit) overflowed the JSON parser's
# recursion; the RecursionError was no ValueError and became a 500 with a traceback in the log.


DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_VALUE = (b'{"session": "s1", "text": "", "value": {"a": ' + b"[" * 100_000
              + b"]" * 100_000 + b"}}")


def test_deeply_nested_json_is_a_400(local_settings: Settings) -> None:
    assistant = FakeAssistant()

    async def go() -> list[int]:
        statuses = []
        async with serve(create_app(local_settings, assistant)) as url, \
                aiohttp.ClientSession() as http:
            for path, body in (("/api/messages", DEEP), ("/api/chat", DEEP),
                               ("/api/chat", DEEP_VALUE)):
                async with http.post(url + path, data=body,
                                     headers={"Content-Type": "application/json"}) as response:
                    statuses.append(response.status)
        return statuses

    assert asyncio.run(go()) == [400, 400, 400]
    assert assistant.turns == []


def test_nesting_just_below_the_parser_limit_is_no_500(local_settings: Settings) -> None:
    body = b'{"session": "s1", "text": "", "value": {"a": ' + b"[" * 990 + b"]" * 990 + b"}}"

    async def go() -> list[int]:
        statuses = []
        async with serve(create_app(local_settings, FakeAssistant())) as url, \
                aiohttp.ClientSession() as http:
            for path in ("/api/chat", "/api/messages"):
                async with http.post(url + path, data=body,
                                     headers={"Content-Type": "application/json"}) as response:
                    statuses.append(response.status)
        return statuses

    assert all(400 <= status < 500 or status == 200 for status in asyncio.run(go()))
