"""The Bot Framework SDK's network calls for authentication, kept off the event loop and bounded.

Two SDK habits would freeze the whole bot on a slow network:
- outbound: msrest asks the credentials for a token inside ``signed_session``, synchronously on
  the event loop, and msal fetches it from AAD with a blocking HTTP call (at start, hourly, and
  for every proactive message, whose credentials are created anew each time);
- inbound: the OpenID metadata / signing keys are fetched with ``requests.get`` without a
  timeout (in our auth worker threads, see ``BotRuntime``): a hung endpoint keeps a worker
  forever, and a handful of them starve every later request.

``OffLoopCredentialsFactory`` fetches tokens in a worker thread with a timeout before msrest
needs them and hands msrest the cached token; ``bound_openid_refresh`` gives the key refresh a
timeout.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from botframework.connector.auth import (
    MicrosoftAppCredentials,
    ServiceClientCredentialsFactory,
)
from msrest.authentication import Authentication

log = logging.getLogger(__name__)

TOKEN_LIFETIME_SECONDS = 30 * 60  # AAD client tokens live 60-90 min: refresh well before


class TokenUnavailable(RuntimeError):
    """No outbound token could be fetched in time (AAD unreachable or hung)."""


class PrefetchedCredentials(Authentication):  # type: ignore[misc]
    """msrest credentials whose token was fetched beforehand, off the event loop."""

    def __init__(self, inner: Any, timeout: float, pool: ThreadPoolExecutor) -> None:
        self._inner = inner
        self._timeout = timeout
        self._pool = pool
        self._token: str | None = None
        self._fetched = 0.0

    def __getattr__(self, name: str) -> Any:  # microsoft_app_id, oauth_scope, ... of the SDK
        return getattr(self._inner, name)

    @property
    def _anonymous(self) -> bool:
        return not getattr(self._inner, "microsoft_app_id", None)

    async def ensure_fresh(self) -> None:
        """Fetch a token in a worker thread when there is none or it is old; TokenUnavailable
        after ``timeout`` seconds (the loop never waits for AAD)."""
        # No lock: the callers run on different event loops (auth threads, the main loop),
        # and two fetches at once only cost one extra request.
        if self._anonymous or self._fresh():
            return
        job = asyncio.get_running_loop().run_in_executor(self._pool, self._fetch)
        try:
            self._token = await asyncio.wait_for(job, self._timeout)
        except TimeoutError as error:
            log.error("outbound token not fetched within %.0f s (AAD unreachable?)",
                      self._timeout)
            raise TokenUnavailable("token fetch timed out") from error
        self._fetched = time.monotonic()

    def _fetch(self) -> str:
        """In a worker thread: msal contacts AAD already while its app is built."""
        _give_msal_a_timeout(self._inner, self._timeout)
        return str(self._inner.get_access_token())

    def _fresh(self) -> bool:
        return self._token is not None and time.monotonic() - self._fetched < TOKEN_LIFETIME_SECONDS

    def get_access_token(self, force_refresh: bool = False) -> str:
        """SDK code that asks for the token directly (skill calls, OAuth helpers) runs on the
        event loop too: it gets the cached token, never a blocking fetch through msal."""
        if self._token is None:
            raise TokenUnavailable("no outbound token fetched yet")
        return self._token

    def signed_session(self, session: requests.Session | None = None) -> requests.Session:
        """Called by msrest on the event loop: only ever the cached token, never a fetch."""
        if self._anonymous:
            return self._inner.signed_session(session)  # no token involved
        if self._token is None:
            raise TokenUnavailable("no outbound token fetched yet")
        session = session or requests.Session()
        session.headers["Authorization"] = f"Bearer {self._token}"
        return session


class OffLoopCredentialsFactory(ServiceClientCredentialsFactory):  # type: ignore[misc]
    """Wraps the SDK's credentials factory: one ``PrefetchedCredentials`` per app id, scope and
    login endpoint (so proactive messages reuse the token), made fresh before every use."""

    def __init__(self, inner: ServiceClientCredentialsFactory, timeout: float) -> None:
        self._inner = inner
        self._timeout = timeout
        self._credentials: dict[tuple[str, str, str], PrefetchedCredentials] = {}
        # its own threads: a hung fetch must not take a thread the searches need
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="bot-token")

    async def is_valid_app_id(self, app_id: str) -> bool:
        return bool(await self._inner.is_valid_app_id(app_id))

    async def is_authentication_disabled(self) -> bool:
        return bool(await self._inner.is_authentication_disabled())

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> PrefetchedCredentials:
        key = (app_id or "", oauth_scope or "", login_endpoint or "")
        credentials = self._credentials.get(key)
        if credentials is None:
            inner = await self._inner.create_credentials(
                app_id, oauth_scope, login_endpoint, validate_authority)
            credentials = PrefetchedCredentials(inner, self._timeout, self._pool)
            self._credentials[key] = credentials
        await credentials.ensure_fresh()
        return credentials


async def ensure_fresh_token(client: Any) -> None:
    """A cached connector client's credentials: refresh the token off the loop if needed."""
    credentials = getattr(getattr(client, "config", None), "credentials", None)
    if isinstance(credentials, PrefetchedCredentials):
        await credentials.ensure_fresh()


def _give_msal_a_timeout(inner: Any, timeout: float) -> None:
    """msal's HTTP calls have no timeout unless the app is built with one; the SDK builds it
    lazily (only while ``app`` is None), so we build it first, with the same arguments."""
    if not isinstance(inner, MicrosoftAppCredentials) or getattr(inner, "app", 1) is not None:
        return
    if not inner.microsoft_app_id:
        return
    from msal import ConfidentialClientApplication

    inner.app = ConfidentialClientApplication(
        client_id=inner.microsoft_app_id,
        client_credential=inner.microsoft_app_password,
        authority=inner.oauth_endpoint,
        timeout=timeout,
    )


def bound_openid_refresh(timeout: float) -> None:
    """Give the SDK's signing-key refresh a timeout (it runs in our auth worker threads)."""
    from botframework.connector.auth import jwt_token_extractor

    async def refresh(self: Any) -> None:
        response = requests.get(self.url, timeout=timeout)
        response.raise_for_status()
        keys = requests.get(response.json()["jwks_uri"], timeout=timeout)
        keys.raise_for_status()
        self.last_updated = jwt_token_extractor.datetime.now()
        self.keys = keys.json()["keys"]

    jwt_token_extractor._OpenIdMetadata._refresh = refresh
