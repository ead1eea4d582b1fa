"""With an app id the SDK validates tokens: unsigned or forged requests get 401 (never 500),
a token signed by the channel's key (a local JWKS, served from another thread) is answered."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import aiohttp
import jwt
import pytest
from botframework.connector.auth import AppCredentials, ServiceClientCredentialsFactory
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.app import create_app
from bot.channel import ChannelConfig
from bot.settings import Settings
from tests.bot.channel.conftest import FakeAssistant, FakeConnector, serve, teams_message

APP_ID = "11111111-2222-3333-4444-555555555555"
ISSUER = "https://api.botframework.test"
OUTBOUND_TOKEN = "fixed-outbound-token"


class FixedCredentials(AppCredentials):
    def get_access_token(self, force_refresh: bool = False) -> str:
        return OUTBOUND_TOKEN


class FixedCredentialsFactory(ServiceClientCredentialsFactory):
    """Outbound replies without a call to Microsoft's login service."""

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == APP_ID

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(self, app_id: str, oauth_scope: str, login_endpoint: str,
                                 validate_authority: bool) -> AppCredentials:
        return FixedCredentials(app_id=app_id, oauth_scope=oauth_scope)


def _private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def channel_key() -> rsa.RSAPrivateKey:
    return _private_key()


@pytest.fixture(scope="module")
def openid_url(channel_key: rsa.RSAPrivateKey) -> Iterator[str]:
    """OpenID metadata + JWKS of the fake channel, on a plain HTTP server thread."""
    jwk = json.loads(RSAAlgorithm.to_jwk(channel_key.public_key()))
    jwk.update({"kid": "channel-key-1", "use": "sig", "endorsements": ["msteams", "directline"]})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            documents = {"/openid": {"issuer": ISSUER, "jwks_uri": f"{base}/jwks"},
                         "/jwks": {"keys": [jwk]}}
            if self.path not in documents:
                self.send_error(404)
                return
            body = json.dumps(documents[self.path]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/openid"
    server.shutdown()


def _token(key: rsa.RSAPrivateKey, service_url: str, **claims: Any) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": APP_ID, "serviceurl": service_url, "nbf": now - 10,
               "exp": now + 600} | claims
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "channel-key-1"})


def _settings(tmp_path: Any) -> Settings:
    return Settings(kb_dir=tmp_path / "kb", index_dir=tmp_path / "index", app_id=APP_ID,
                    app_password="not-used", _env_file=None)


async def _send(settings: Settings, config: ChannelConfig | None,
                headers_for: Any) -> tuple[list[int], FakeConnector, FakeAssistant]:
    assistant, connector = FakeAssistant(), FakeConnector()
    statuses = []
    async with serve(connector.app) as url, serve(
            create_app(settings, assistant, channel_config=config)) as bot_url, \
            aiohttp.ClientSession() as http:
        for headers in headers_for(url):
            async with http.post(f"{bot_url}/api/messages", json=teams_message(url, "Frage"),
                                 headers=headers) as response:
                statuses.append(response.status)
    return statuses, connector, assistant


def test_unsigned_and_garbage_tokens_get_401(tmp_path: Any) -> None:
    statuses, connector, assistant = asyncio.run(_send(_settings(tmp_path), None, lambda url: [
        {}, {"Authorization": "Bearer garbage"}, {"Authorization": "Basic dXNlcjpwdw=="},
        {"Authorization": "Bearer a.b.c"},
    ]))
    assert statuses == [401, 401, 401, 401]
    assert assistant.turns == [] and connector.received == []


def test_validly_signed_request_is_answered(tmp_path: Any, channel_key: Any,
                                           openid_url: str) -> None:
    config = ChannelConfig(openid_metadata_url=openid_url, token_issuer=ISSUER,
                           credentials_factory=FixedCredentialsFactory())
    statuses, connector, assistant = asyncio.run(_send(_settings(tmp_path), config, lambda url: [
        {"Authorization": "Bearer " + _token(channel_key, url)}]))
    assert statuses == [201]
    assert [t.text for t in assistant.turns] == ["Frage"]
    assert [r.activity["type"] for r in connector.received] == ["typing", "message"]
    assert {r.authorization for r in connector.received} == {"Bearer " + OUTBOUND_TOKEN}


def test_forged_tokens_get_401(tmp_path: Any, channel_key: Any, openid_url: str) -> None:
    config = ChannelConfig(openid_metadata_url=openid_url, token_issuer=ISSUER,
                           credentials_factory=FixedCredentialsFactory())
    stranger = _private_key()
    statuses, connector, assistant = asyncio.run(_send(_settings(tmp_path), config, lambda url: [
        {"Authorization": "Bearer " + _token(stranger, url)},  # signed by a wrong key
        {"Authorization": "Bearer " + _token(channel_key, url, aud="another-bot")},
        {"Authorization": "Bearer " + _token(channel_key, "https://evil.example/")},
        {"Authorization": "Bearer " + _token(channel_key, url, exp=int(time.time()) - 3600)},
        {"Authorization": "Bearer " + _token(channel_key, url, iss="https://evil.example")},
    ]))
    assert statuses == [401, 401, 401, 401, 401]
    assert assistant.turns == [] and connector.received == []


def test_hanging_openid_metadata_neither_blocks_the_loop_nor_hangs(
        tmp_path: Any, channel_key: Any) -> None:
    release = threading.Event()

    class Hanging(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            release.wait(30)
            self.send_error(503)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hanging)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = ChannelConfig(
        openid_metadata_url=f"http://127.0.0.1:{server.server_address[1]}/openid",
        token_issuer=ISSUER, credentials_factory=FixedCredentialsFactory(),
        auth_timeout_seconds=1.5)
    order: list[str] = []

    async def run() -> tuple[int, int]:
        connector = FakeConnector()
        async with serve(connector.app) as url, serve(
                create_app(_settings(tmp_path), FakeAssistant(), channel_config=config)) \
                as bot_url, aiohttp.ClientSession() as http:
            async def message() -> int:
                headers = {"Authorization": "Bearer " + _token(channel_key, url)}
                async with http.post(f"{bot_url}/api/messages", json=teams_message(url, "x"),
                                     headers=headers) as response:
                    order.append("message")
                    return response.status

            async def health() -> int:
                await asyncio.sleep(0.2)
                async with http.get(f"{bot_url}/healthz") as response:
                    order.append("health")
                    return response.status

            status_message, status_health = await asyncio.gather(message(), health())
            return status_message, status_health

    try:
        assert asyncio.run(run()) == (503, 200)
        assert order == ["health", "message"]
    finally:
        release.set()
        server.shutdown()


class HungSocket:
    """A real socket on 127.0.0.1 that accepts connections and never answers."""

    def __init__(self) -> None:
        import socket

        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        self.accepted: list[Any] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._server.accept()
            except OSError:
                return
            self.accepted.append(connection)  # held open, never read from or answered

    def close(self) -> None:
        for connection in self.accepted:
            connection.close()
        self._server.close()


class HungTokenCredentials(AppCredentials):
    """Fetches its token like msal does: a blocking HTTP call, here to a hung endpoint."""

    token_url = ""

    def get_access_token(self, force_refresh: bool = False) -> str:
        import urllib.request

        with urllib.request.urlopen(self.token_url) as response:  # no timeout, like the SDK
            return str(response.read())


class HungTokenFactory(FixedCredentialsFactory):
    async def create_credentials(self, app_id: str, oauth_scope: str, login_endpoint: str,
                                 validate_authority: bool) -> AppCredentials:
        return HungTokenCredentials(app_id=app_id, oauth_scope=oauth_scope)


def test_a_hung_token_endpoint_does_not_freeze_the_bot(
        tmp_path: Any, channel_key: Any, openid_url: str) -> None:
    import urllib.request

    from tests.bot.channel.conftest import ThreadedServers

    hung = HungSocket()
    HungTokenCredentials.token_url = hung.url + "/token"
    config = ChannelConfig(openid_metadata_url=openid_url, token_issuer=ISSUER,
                           credentials_factory=HungTokenFactory(), token_timeout_seconds=2.0)
    connector, assistant = FakeConnector(), FakeAssistant()
    app = create_app(_settings(tmp_path), assistant, channel_config=config)
    outcome: list[Any] = []
    try:
        with ThreadedServers(connector.app, app) as servers:
            connector_url, bot_url = servers.urls

            def post() -> None:
                body = json.dumps(teams_message(connector_url, "Frage")).encode()
                request = urllib.request.Request(f"{bot_url}/api/messages", body, {
                    "Content-Type": "application/json",
                    "Authorization": "Bearer " + _token(channel_key, connector_url)})
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        outcome.append(response.status)
                except urllib.error.HTTPError as error:
                    outcome.append(error.code)

            sender = threading.Thread(target=post, daemon=True)
            sender.start()
            deadline = time.monotonic() + 10
            while not hung.accepted and time.monotonic() < deadline:
                time.sleep(0.05)
            assert hung.accepted, "the bot never asked the token endpoint"
            started = time.monotonic()
            with urllib.request.urlopen(f"{bot_url}/healthz", timeout=5) as response:
                assert response.status == 200
            assert time.monotonic() - started < 1.0  # the loop is free while AAD hangs
            sender.join(30)
            assert outcome and outcome[0] in (201, 502, 503), outcome  # answered, not hung
    finally:
        hung.close()
    assert not [r for r in connector.received if r.activity.get("type") == "message"]


def test_a_hung_openid_endpoint_does_not_use_up_the_auth_workers(
        tmp_path: Any, channel_key: Any, openid_url: str) -> None:
    """Five requests while the signing keys hang (more than the four auth workers), then the
    keys answer again: the next request is served, not starved by stuck workers."""
    import urllib.request

    hung = HungSocket()
    answering = urllib.request.urlopen(openid_url).read()  # the real metadata, served later
    state = {"hang": True}

    class Switching(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if state["hang"]:  # relay to the hung socket: accepts, never answers
                urllib.request.urlopen(hung.url + self.path, timeout=60)
            body = answering if self.path == "/openid" else urllib.request.urlopen(
                json.loads(answering)["jwks_uri"]).read()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Switching)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = ChannelConfig(
        openid_metadata_url=f"http://127.0.0.1:{server.server_address[1]}/openid",
        token_issuer=ISSUER, credentials_factory=FixedCredentialsFactory(),
        auth_timeout_seconds=1.0, metadata_timeout_seconds=1.0)

    async def run() -> tuple[list[int], int]:
        connector = FakeConnector()
        async with serve(connector.app) as url, serve(
                create_app(_settings(tmp_path), FakeAssistant(), channel_config=config)) \
                as bot_url, aiohttp.ClientSession() as http:
            async def message() -> int:
                headers = {"Authorization": "Bearer " + _token(channel_key, url)}
                async with http.post(f"{bot_url}/api/messages", json=teams_message(url, "x"),
                                     headers=headers) as response:
                    return response.status

            hung_statuses = await asyncio.gather(*(message() for _ in range(5)))
            state["hang"] = False
            await asyncio.sleep(1.5)  # the bounded refreshes give their workers back
            return list(hung_statuses), await message()

    try:
        hung_statuses, after = asyncio.run(run())
        assert hung_statuses == [503] * 5
        assert after == 201
    finally:
        hung.close()
        server.shutdown()


def _signed_send(tmp_path: Any, channel_key: Any, openid_url: str, make: Any,
                 **settings: Any) -> tuple[list[int], FakeConnector, FakeAssistant]:
    config = ChannelConfig(openid_metadata_url=openid_url, token_issuer=ISSUER,
                           credentials_factory=FixedCredentialsFactory())
    bot_settings = _settings(tmp_path).model_copy(update=settings)
    assistant, connector = FakeAssistant(), FakeConnector()

    async def run() -> list[int]:
        statuses = []
        async with serve(connector.app) as url, serve(
                create_app(bot_settings, assistant, channel_config=config)) as bot_url, \
                aiohttp.ClientSession() as http:
            for activity in make(url):
                headers = {"Authorization": "Bearer " + _token(channel_key, url)}
                async with http.post(f"{bot_url}/api/messages", json=activity,
                                     headers=headers) as response:
                    statuses.append(response.status)
        return statuses

    return asyncio.run(run()), connector, assistant


def test_users_of_a_foreign_tenant_are_not_served(
        tmp_path: Any, channel_key: Any, openid_url: str) -> None:
    def messages(url: str) -> list[dict[str, Any]]:
        own = teams_message(url, "Frage")
        foreign = teams_message(url, "Frage", activity_id="2")
        foreign["channelData"] = {"tenant": {"id": "other-tenant"}}
        foreign["conversation"]["tenantId"] = "other-tenant"
        return [own, foreign]

    statuses, connector, assistant = _signed_send(
        tmp_path, channel_key, openid_url, messages, allowed_tenants=["TENANT-1"])
    assert statuses == [201, 201]
    assert len(assistant.turns) == 1  # only the own tenant's message reached the assistant
    texts_sent = [m.get("text", "") for m in connector.messages()]
    assert any("eigenen Verwaltung" in text for text in texts_sent)


def test_the_default_allow_list_is_the_apps_tenant(tmp_path: Any) -> None:
    settings = _settings(tmp_path).model_copy(update={"app_tenant_id": "Tenant-A"})
    assert settings.tenant_allow_list == frozenset({"tenant-a"})
    assert _settings(tmp_path).tenant_allow_list == frozenset()  # multi-tenant: any


def test_identity_claims_count_only_on_teams(
        tmp_path: Any, channel_key: Any, openid_url: str) -> None:
    """On Direct Line / Web Chat of the same Azure Bot the client writes aadObjectId itself:
    such a sender is anonymous, whatever it claims."""
    def messages(url: str) -> list[dict[str, Any]]:
        teams = teams_message(url, "Frage")
        direct = teams_message(url, "Frage", activity_id="2") | {"channelId": "directline"}
        direct["from"] = {"id": "dl-user", "name": "Admin", "aadObjectId": "aad-admin"}
        return [teams, direct]

    statuses, _, assistant = _signed_send(tmp_path, channel_key, openid_url, messages)
    assert statuses == [201, 201]
    teams_user, direct_user = (turn.user for turn in assistant.turns)
    assert teams_user.key == "aad-birgit"
    assert direct_user.key == "directline:dl-user"
    assert direct_user.teams_id is None and direct_user.email is None
