"""Outbound credentials: the token is fetched in the token threads, never on the caller's."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from botframework.connector.auth import AppCredentials

from bot.channel.outbound_auth import PrefetchedCredentials, TokenUnavailable


class CountingCredentials(AppCredentials):
    """Records the thread of every token fetch (msal would do blocking HTTP there)."""

    def __init__(self) -> None:
        super().__init__(app_id="app-1", oauth_scope="scope")
        self.fetched_on: list[str] = []

    def get_access_token(self, force_refresh: bool = False) -> str:
        self.fetched_on.append(threading.current_thread().name)
        return "token-1"


def test_a_direct_token_request_never_fetches_on_the_callers_thread() -> None:
    inner = CountingCredentials()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bot-token")
    credentials = PrefetchedCredentials(inner, timeout=5.0, pool=pool)
    try:
        with pytest.raises(TokenUnavailable):
            credentials.get_access_token()  # nothing fetched yet: refused, not fetched here
        asyncio.run(credentials.ensure_fresh())
        assert credentials.get_access_token() == "token-1"
    finally:
        pool.shutdown()
    assert inner.fetched_on and all(name.startswith("bot-token") for name in inner.fetched_on)
