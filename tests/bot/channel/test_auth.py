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
    jwk.update({"kid": "channel-key-1", "use": "sig", "endorsements": ["msteams"]})

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
