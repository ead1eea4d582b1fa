"""The web chat's JSON API over real HTTP: questions, card submits, access rules."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from bot.app import create_app
from bot.channel import TOKEN_HEADER
from bot.errors import ConfigurationError
from bot.settings import Settings
from bot.turns import Reply
from tests.bot.channel.conftest import FakeAssistant, FakeConnector, serve, teams_message


async def _calls(app: Any, calls: list[tuple[str, str, dict[str, Any]]]) -> list[tuple[int, Any]]:
    results = []
    async with serve(app) as url, aiohttp.ClientSession() as http:
        for method, path, kwargs in calls:
            async with http.request(method, url + path, **kwargs) as response:
                body = await response.json() if "json" in response.content_type \
                    else await response.text()
                results.append((response.status, body))
    return results


def test_question_and_card_submit(local_settings: Settings) -> None:
    assistant = FakeAssistant()
    results = asyncio.run(_calls(create_app(local_settings, assistant), [
        ("POST", "/api/chat", {"json": {"text": "Wer macht die Hundesteuer?", "session": "s1",
                                        "person": "bschneider"}}),
        ("POST", "/api/chat", {"json": {"text": "", "session": "s1",
                                        "value": {"feedback": "up", "answer": "a1"}}}),
    ]))
    (status, first), (status2, second) = results
    assert status == status2 == 200
    reply = first["replies"][0]
    assert reply["text"] == "Antwort auf: Wer macht die Hundesteuer?"
    assert reply["card"]["type"] == "AdaptiveCard"
    assert reply["data"] == {"question": "Wer macht die Hundesteuer?"}
    assert second["replies"][0]["text"] == "Danke für Ihre Rückmeldung (up)."
    first_turn, second_turn = assistant.turns
    assert first_turn.user.key == "web:s1" and first_turn.user.person_id == "bschneider"
    assert first_turn.conversation_id == "web:s1"
    assert second_turn.value == {"feedback": "up", "answer": "a1"}


def test_page_and_static_files_are_served_without_a_cdn(local_settings: Settings) -> None:
    results = asyncio.run(_calls(create_app(local_settings, FakeAssistant()), [
        ("GET", "/", {}), ("GET", "/static/app.js", {}), ("GET", "/static/style.css", {}),
        ("GET", "/static/..%2Fchannel.py", {}), ("GET", "/static/nothing.js", {}),
        ("GET", "/api/chat/config", {}),
    ]))
    statuses = [s for s, _ in results]
    assert statuses == [200, 200, 200, 404, 404, 200]
    page = results[0][1]
    assert "static/app.js" in page and "http://" not in page and "https://" not in page
    assert "https://" not in results[1][1]
    assert results[5][1]["people"] == [{"id": "bschneider", "name": "Birgit Schneider"}]


def test_bad_chat_requests_get_4xx_or_a_clear_reply(local_settings: Settings) -> None:
    assistant = FakeAssistant()
    results = asyncio.run(_calls(create_app(local_settings, assistant), [
        ("POST", "/api/chat", {"data": b"{broken",
                               "headers": {"Content-Type": "application/json"}}),
        ("POST", "/api/chat", {"json": ["x"]}),
        ("POST", "/api/chat", {"json": {"text": "Frage"}}),
        ("POST", "/api/chat", {"json": {"text": "Frage", "session": "../../etc"}}),
        ("POST", "/api/chat", {"json": {"text": 5, "session": "s"}}),
        ("POST", "/api/chat", {"json": {"text": "", "session": "s"}}),
        ("POST", "/api/chat", {"json": {"text": "Hund " * 20_000, "session": "s"}}),
        ("POST", "/api/chat", {"json": {"text": "x", "session": "s", "value": "forged"}}),
        ("GET", "/api/chat/inbox?session=", {}),
    ]))
    assert [s for s, _ in results] == [400, 400, 400, 400, 400, 200, 200, 200, 400]
    assert "Ihre Nachricht war leer" in results[5][1]["replies"][0]["text"]
    assert "zu lang" in results[6][1]["replies"][0]["text"]
    assert [t.value for t in assistant.turns] == [None]


def test_notifications_reach_the_web_session_inbox(local_settings: Settings) -> None:
    assistant = FakeAssistant()
    app = create_app(local_settings, assistant)

    async def run() -> list[Any]:
        async with serve(app) as url, aiohttp.ClientSession() as http:
            assert assistant.notifier is not None
            await assistant.notifier.notify("web:s9", [Reply("Neuindexierung fertig")])
            bodies = []
            for _ in range(2):
                async with http.get(f"{url}/api/chat/inbox?session=s9") as response:
                    bodies.append(await response.json())
            return bodies

    first, second = asyncio.run(run())
    assert [r["text"] for r in first["replies"]] == ["Neuindexierung fertig"]
    assert second["replies"] == []


def test_outside_local_mode_the_chat_needs_its_token(tmp_path: Any) -> None:
    settings = Settings(kb_dir=tmp_path, index_dir=tmp_path / "i", app_id="some-app",
                        web_chat=True, web_chat_token="s3cret", _env_file=None)
    assistant = FakeAssistant()
    question = {"text": "Frage", "session": "s1", "person": "chef"}
    results = asyncio.run(_calls(create_app(settings, assistant), [
        ("POST", "/api/chat", {"json": question}),
        ("POST", "/api/chat", {"json": question, "headers": {"X-Wissenslotse-Token": "wrong"}}),
        ("POST", "/api/chat", {"json": question, "headers": {"X-Wissenslotse-Token": "s3cret"}}),
        ("GET", "/api/chat/config", {}),
    ]))
    assert [s for s, _ in results] == [401, 401, 200, 200]
    assert results[3][1] == {"token_required": True, "person_choice": False, "people": []}
    # outside local mode nobody can claim to be someone else
    assert assistant.turns[0].user.person_id is None


def test_web_chat_is_off_outside_local_mode_by_default(tmp_path: Any) -> None:
    settings = Settings(kb_dir=tmp_path, index_dir=tmp_path / "i", app_id="some-app",
                        _env_file=None)
    results = asyncio.run(_calls(create_app(settings, FakeAssistant()), [
        ("GET", "/", {}), ("POST", "/api/chat", {"json": {"text": "x", "session": "s"}})]))
    assert [s for s, _ in results] == [404, 404]


def test_enabled_web_chat_without_token_refuses_to_start(tmp_path: Any) -> None:
    settings = Settings(kb_dir=tmp_path, index_dir=tmp_path / "i", app_id="some-app",
                        web_chat=True, _env_file=None)
    with pytest.raises(ConfigurationError, match="WEB_CHAT_TOKEN"):
        create_app(settings, FakeAssistant())


def test_other_web_sites_cannot_ask_through_the_browser(local_settings: Settings) -> None:
    assistant = FakeAssistant()
    body = b'{"text": "neu indexieren", "session": "s1"}'
    results = asyncio.run(_calls(create_app(local_settings, assistant), [
        ("POST", "/api/chat", {"data": body, "headers": {"Content-Type": "text/plain"}}),
        ("POST", "/api/chat", {"data": body, "headers": {"Content-Type": "application/json",
                                                         "Origin": "https://evil.example"}}),
    ]))
    assert [s for s, _ in results] == [415, 403]
    assert assistant.turns == []


def test_no_person_choice_when_local_mode_listens_beyond_this_machine(tmp_path: Any) -> None:
    # on a network address local mode needs the web chat token (check_settings)
    settings = Settings(kb_dir=tmp_path, index_dir=tmp_path / "i", host="0.0.0.0",
                        web_chat_token="tok-123", _env_file=None)
    assistant = FakeAssistant()
    token = {TOKEN_HEADER: "tok-123"}
    results = asyncio.run(_calls(create_app(settings, assistant), [
        ("GET", "/api/chat/config", {"headers": token}),
        ("POST", "/api/chat", {"json": {"text": "Frage", "session": "s1", "person": "chef"},
                               "headers": token}),
    ]))
    assert results[0][1]["person_choice"] is False and results[0][1]["people"] == []
    assert assistant.turns[0].user.person_id is None


# DNS rebinding. A web page on ``evil.example`` whose name the attacker re-points to
# 127.0.0.1 is "same origin" with the local bot: Origin and Host both say ``evil.example``. In
# local mode nothing else protects the bot, and the web chat lets the caller choose who they are
# (an admin, a person of the restricted Personalamt).


REBOUND = {"Host": "evil.example:3978", "Origin": "http://evil.example:3978"}


async def _call(app: Any, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    async with serve(app) as url, aiohttp.ClientSession() as http:
        async with http.request(method, url + path, **kwargs) as response:
            return response.status, await response.text()


def test_rebound_page_cannot_use_the_local_web_chat(local_settings: Settings) -> None:
    assistant = FakeAssistant()
    app = create_app(local_settings, assistant)
    ask = {"text": "neu indexieren", "session": "s1", "person": "bschneider"}
    status, _ = asyncio.run(_call(app, "POST", "/api/chat", json=ask, headers=REBOUND))
    assert status == 403 and assistant.turns == []
    app = create_app(local_settings, assistant)
    status, body = asyncio.run(_call(app, "GET", "/api/chat/config", headers=REBOUND))
    assert status == 403 and "Schneider" not in body  # the staff list is not handed out
    app = create_app(local_settings, assistant)
    status, _ = asyncio.run(_call(app, "GET", "/api/chat/inbox?session=s1", headers=REBOUND))
    assert status == 403


def test_local_web_chat_still_works_by_localhost_and_127_0_0_1(local_settings: Settings) -> None:
    for host in ("localhost:3978", "127.0.0.1:3978", "[::1]:3978"):
        assistant = FakeAssistant()
        headers = {"Host": host, "Origin": f"http://{host}"}
        status, _ = asyncio.run(_call(create_app(local_settings, assistant), "POST", "/api/chat",
                                      json={"text": "Hund", "session": "s1"}, headers=headers))
        assert status == 200 and len(assistant.turns) == 1, host


def test_rebound_page_cannot_post_activities_in_local_mode(local_settings: Settings) -> None:
    assistant, connector = FakeAssistant(), FakeConnector()

    async def go() -> int:
        async with serve(connector.app) as connector_url, \
                serve(create_app(local_settings, assistant)) as url, \
                aiohttp.ClientSession() as http:
            activity = teams_message(connector_url, "neu indexieren")
            async with http.post(url + "/api/messages", json=activity,
                                 headers={"Origin": url}) as response:
                return response.status

    assert asyncio.run(go()) == 403
    assert assistant.turns == [] and connector.received == []


def test_local_mode_beyond_this_machine_uses_the_token_when_one_is_set(tmp_path: Any) -> None:
    """The Docker image runs local mode on 0.0.0.0: with WISSENSLOTSE_WEB_CHAT_TOKEN set, the
    rest of the network needs it, as outside local mode."""
    settings = Settings(kb_dir=tmp_path, index_dir=tmp_path / "i", host="0.0.0.0",
                        web_chat_token="s3cret", _env_file=None)
    ask = {"text": "Hund", "session": "s1"}
    for headers, expected in (({}, 401), ({"X-Wissenslotse-Token": "falsch"}, 401),
                              ({"X-Wissenslotse-Token": "s3cret"}, 200)):
        assistant = FakeAssistant()
        status, _ = asyncio.run(_call(create_app(settings, assistant), "POST", "/api/chat",
                                      json=ask, headers=headers))
        assert status == expected and len(assistant.turns) == (status == 200)
    status, body = asyncio.run(_call(create_app(settings, FakeAssistant()), "GET",
                                     "/api/chat/config"))
    assert status == 200 and '"token_required": true' in body


def test_page_cannot_be_framed_and_runs_no_inline_script(local_settings: Settings) -> None:
    async def headers() -> dict[str, str]:
        async with serve(create_app(local_settings, FakeAssistant())) as url, \
                aiohttp.ClientSession() as http, http.get(url + "/") as response:
            return dict(response.headers)

    page = asyncio.run(headers())
    policy = page.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and page.get("X-Frame-Options") == "DENY"


def test_token_header_that_is_no_utf8_is_a_401_not_a_500(tmp_path: Any) -> None:
    settings = Settings(kb_dir=tmp_path, index_dir=tmp_path / "i", app_id="some-app",
                        web_chat=True, web_chat_token="s3cret", _env_file=None)

    async def raw() -> bytes:
        async with serve(create_app(settings, FakeAssistant())) as url:
            host, port = url.removeprefix("http://").split(":")
            body = b'{"text": "Hund", "session": "s1"}'
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(b"POST /api/chat HTTP/1.1\r\nHost: " + host.encode()
                         + b"\r\nContent-Type: application/json\r\nX-Wissenslotse-Token: \xff\xfe"
                         + b"\r\nContent-Length: " + str(len(body)).encode()
                         + b"\r\nConnection: close\r\n\r\n" + body)
            await writer.drain()
            answer = await reader.read()
            writer.close()
            return answer

    assert asyncio.run(raw()).startswith(b"HTTP/1.1 401")


def test_the_inbox_is_read_on_another_replica(local_settings: Settings) -> None:
    """A message to a web-chat session sent by one replica reaches the page when its poll
    lands on the other one (both on one state), and only once."""
    from bot.state import State

    first, second = FakeAssistant(), FakeAssistant()
    first.state = State(local_settings.state_db)  # type: ignore[attr-defined]
    second.state = State(local_settings.state_db)  # type: ignore[attr-defined]

    async def scenario() -> list[tuple[int, Any]]:
        async with serve(create_app(local_settings, first)), \
                serve(create_app(local_settings, second)) as url_two, \
                aiohttp.ClientSession() as http:
            assert first.notifier is not None
            await first.notifier.notify("web:s1", [Reply("Neuindexierung fertig", None,
                                                         {"reindex": "done"})])
            results = []
            for _ in range(2):
                async with http.get(f"{url_two}/api/chat/inbox?session=s1") as response:
                    results.append((response.status, await response.json()))
            return results

    (status, body), (_, again) = asyncio.run(scenario())
    assert status == 200
    assert body["replies"] == [{"text": "Neuindexierung fertig", "card": None,
                                "data": {"reindex": "done"}}]
    assert again["replies"] == []


def test_a_new_tab_gets_what_waits_in_the_persons_closed_tab(local_settings: Settings,
                                                              tmp_path: Any) -> None:
    """Sessions are per tab: a message for a person who wrote from a tab closed since (say
    the morning's Vertretungsmappe) reaches their new tab once they choose their name; not a
    tab without that choice, and not the web chat outside local mode (it knows nobody)."""
    from bot.state import State

    assistant = FakeAssistant()
    assistant.state = State(local_settings.state_db)  # type: ignore[attr-defined]
    assistant.state.link_person("bschneider", "web:closed")  # type: ignore[attr-defined]
    token = Settings(kb_dir=tmp_path, index_dir=tmp_path / "i", app_id="some-app",
                     web_chat=True, web_chat_token="s3cret", state_db=local_settings.state_db,
                     _env_file=None)
    outside = FakeAssistant()
    outside.state = assistant.state  # type: ignore[attr-defined]

    async def scenario() -> list[list[str]]:
        async with serve(create_app(local_settings, assistant)) as url, \
                serve(create_app(token, outside)) as url_token, \
                aiohttp.ClientSession() as http:
            assert assistant.notifier is not None
            await assistant.notifier.notify_user("web:closed", [Reply("Ihre Vertretungsmappe")])

            async def poll(base: str, query: str, headers: dict[str, str] | None = None
                           ) -> list[str]:
                async with http.get(f"{base}/api/chat/inbox?{query}",
                                    headers=headers) as response:
                    assert response.status == 200, await response.text()
                    return [r["text"] for r in (await response.json())["replies"]]

            return [await poll(url, "session=new"),
                    await poll(url, "session=new&person=mfischer"),  # somebody else
                    await poll(url, "session=new&person=bschneider%00"),  # not a person id
                    await poll(url, "session=new&person=" + "b" * 65),
                    await poll(url_token, "session=new&person=bschneider",
                               {TOKEN_HEADER: "s3cret"}),
                    await poll(url, "session=new&person=bschneider"),
                    await poll(url, "session=new&person=bschneider"),
                    await poll(url, "session=closed")]

    assert asyncio.run(scenario()) == [[], [], [], [], [], ["Ihre Vertretungsmappe"], [], []]
