"""Leaks (short): a restricted document full of marker words; every identity that must not
read it asks for it over real HTTP, and every output is searched. A member asking in a
personal chat must see the markers (else this test could not fail)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import create_app
from bot.assistant import build_assistant
from bot.channel import ChannelConfig
from bot.settings import Settings
from indexer.embedding.fake import FakeEmbedder
from tests.bot.channel.conftest import FakeConnector, bot_mention, serve, teams_message
from tests.bot.channel.test_auth import (  # noqa: F401 (fixtures)
    APP_ID,
    ISSUER,
    FixedCredentialsFactory,
    _token,
    channel_key,
    openid_url,
)
from tests.reliability import leaks
from tests.reliability.conftest import private_dir, record
from tests.reliability.harness import build_index, copy_sample_kb

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def marked_kb() -> Iterator[tuple[Path, Path]]:
    for root in private_dir("leaks"):
        kb = copy_sample_kb(root / "kb")
        leaks.plant(kb)
        build_index(kb, root / "index")
        yield kb, root / "index"


def _assistant(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr("indexer.embedding.load_embedder", lambda name: FakeEmbedder())
    return build_assistant(settings)


def _teams_settings(kb: Path, index: Path, state: Path) -> Settings:
    # one town: its tenant is the only one allowed (docs/teams.md)
    return Settings(kb_dir=kb, index_dir=index, state_db=state, model="fake", app_id=APP_ID,
                    app_password="not-used", admins=[leaks.ADMIN[0]], web_chat=False,
                    allowed_tenants=["tenant-1"], _env_file=None)


def _activity(url: str, text: str, aad: str, **changes: Any) -> dict[str, Any]:
    conversation_type = changes.pop("conversation_type", "personal")
    activity = teams_message(url, text, conversation_type=conversation_type,
                             conversation_id=f"a:{conversation_type}-{aad[:8]}")
    activity["from"] = {"id": f"29:{aad}", "name": "Mitarbeiter", "aadObjectId": aad}
    if conversation_type != "personal":
        activity["text"] = "<at>Wissenslotse</at> " + text
        activity["entities"] = [bot_mention()]
    tenant = changes.pop("tenant", None)
    if tenant:
        activity["conversation"]["tenantId"] = tenant
        activity["channelData"] = {"tenant": {"id": tenant}}
    activity.update(changes)
    return activity


async def _ask_teams(settings: Settings, assistant: Any, config: ChannelConfig, key: Any,
                     activities: Any) -> tuple[list[int], list[dict[str, Any]], str]:
    connector = FakeConnector(email=None)
    statuses: list[int] = []
    async with serve(connector.app) as url, serve(
            create_app(settings, assistant, channel_config=config)) as bot_url, \
            aiohttp.ClientSession() as http:
        for activity in activities(url):
            headers = {"Authorization": "Bearer " + _token(key, url)}
            async with http.post(f"{bot_url}/api/messages", json=activity,
                                 headers=headers) as response:
                statuses.append(response.status)
        async with http.get(f"{bot_url}/healthz") as response:
            health = await response.text()
    # only what the asking conversation shows (an admin's report goes to the personal chat)
    asked = {activity["conversation"]["id"] for activity in activities("")}
    return statuses, [r.activity for r in connector.received
                      if r.conversation_id in asked], health


IDENTITIES = {
    "member, personal chat (control)": dict(aad=leaks.MEMBER[1]),
    "Teams user outside the group": dict(aad=leaks.OUTSIDER[1]),
    "group chat (member asks)": dict(aad=leaks.MEMBER[1], conversation_type="groupChat"),
    "channel (member asks)": dict(aad=leaks.MEMBER[1], conversation_type="channel"),
    "gap report in a channel (admin)": dict(aad=leaks.ADMIN[1], conversation_type="channel",
                                            extra="lücken"),
    "another channel id": dict(aad=leaks.MEMBER[1], channelId="webchat"),
    "another tenant": dict(aad=leaks.MEMBER[1], tenant="tenant-elsewhere"),
}


@pytest.mark.parametrize("identity", list(IDENTITIES))
def test_teams_identities(identity: str, marked_kb: tuple[Path, Path], tmp_path: Path,
                          channel_key: Any, openid_url: str,  # noqa: F811 (fixtures)
                          monkeypatch: pytest.MonkeyPatch,
                          caplog: pytest.LogCaptureFixture) -> None:
    kb, index = marked_kb
    settings = _teams_settings(kb, index, tmp_path / "state.sqlite")
    config = ChannelConfig(openid_metadata_url=openid_url, token_issuer=ISSUER,
                           credentials_factory=FixedCredentialsFactory())
    assistant = _assistant(settings, monkeypatch)
    changes = dict(IDENTITIES[identity])
    aad = str(changes.pop("aad"))
    questions = [*leaks.QUESTIONS, *([changes.pop("extra")] if "extra" in changes else [])]
    caplog.set_level(logging.DEBUG)
    statuses, sent, health = asyncio.run(_ask_teams(
        settings, assistant, config, channel_key,
        lambda url: [_activity(url, question, aad, **changes) for question in questions]))
    seen = leaks.found(sent) + leaks.found(health) + leaks.found(caplog.text)
    control = identity.endswith("(control)")
    record(f"leaks {identity}", {"statuses": sorted(set(statuses)), "messages": len(sent),
                                 "markers_seen_by_member" if control else "markers": seen})
    if control:
        assert "zwergfalke" in leaks.found(sent), sent
        return
    assert seen == [], [json.dumps(a, ensure_ascii=False)[:300] for a in sent
                        if leaks.found(a)][:2]


def _local_settings(kb: Path, index: Path, state: Path) -> Settings:
    return Settings(kb_dir=kb, index_dir=index, state_db=state, model="fake",
                    local_mode_enabled=True, _env_file=None)


async def _web(settings: Settings, assistant: Any, headers: dict[str, str],
               person: str | None) -> tuple[list[int], list[Any]]:
    outputs: list[Any] = []
    statuses: list[int] = []
    connector = FakeConnector(email=None)
    async with serve(connector.app) as connector_url, serve(create_app(settings, assistant)) \
            as url, aiohttp.ClientSession() as http:
        for question in leaks.QUESTIONS:
            body = {"session": "anon", "text": question, **({"person": person} if person else {})}
            async with http.post(f"{url}/api/chat", json=body, headers=headers) as response:
                statuses.append(response.status)
                outputs.append(await response.text())
        # anonymous: no directory identity; through the proxy: claims to be a member
        sender = {"id": "u", **({"aadObjectId": leaks.MEMBER[1]} if person else {})}
        message = {"type": "message", "id": "1", "channelId": "emulator",
                   "text": "Was ist mit Zwergfalke?", "serviceUrl": connector_url,
                   "from": sender, "conversation": {"id": "c"}, "recipient": {"id": "b"}}
        async with http.post(f"{url}/api/messages", json=message, headers=headers) as response:
            statuses.append(response.status)
            outputs.append(await response.text())
        for path in ("/healthz", "/api/chat/config"):
            async with http.get(f"{url}{path}", headers=headers) as response:
                outputs.append(await response.text())
    outputs += [received.activity for received in connector.received]
    return statuses, outputs


@pytest.mark.parametrize("identity", ["anonymous web user", "local mode through a proxy"])
def test_local_identities(identity: str, marked_kb: tuple[Path, Path], tmp_path: Path,
                          monkeypatch: pytest.MonkeyPatch,
                          caplog: pytest.LogCaptureFixture) -> None:
    kb, index = marked_kb
    settings = _local_settings(kb, index, tmp_path / "state.sqlite")
    assistant = _assistant(settings, monkeypatch)
    proxy = identity.endswith("proxy")
    headers = {"X-Forwarded-For": "203.0.113.7"} if proxy else {}
    caplog.set_level(logging.DEBUG)
    # through the proxy the visitor claims to be a member of the group
    statuses, outputs = asyncio.run(_web(settings, assistant, headers,
                                         leaks.MEMBER[0] if proxy else None))
    seen = leaks.found(outputs) + leaks.found(caplog.text)
    record(f"leaks {identity}", {"statuses": sorted(set(statuses)), "markers": seen})
    assert seen == []
    if proxy:  # refused outright, not merely filtered
        assert set(statuses) == {403}, statuses
