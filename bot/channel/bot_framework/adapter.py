"""The SDK's authentication configuration and the CloudAdapter."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from botbuilder.core import (
    TurnContext,
)
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)
from botframework.connector.auth import (
    ServiceClientCredentialsFactory,
)

from bot.channel.bot_framework.handler import FAILED
from bot.channel.outbound_auth import (
    OffLoopCredentialsFactory,
    bound_openid_refresh,
)
from bot.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelConfig:
    """Overrides of the SDK's authentication endpoints (tests, sovereign clouds)."""

    openid_metadata_url: str | None = None
    token_issuer: str | None = None
    credentials_factory: ServiceClientCredentialsFactory | None = None
    auth_timeout_seconds: float = 20.0  # the SDK's metadata fetch has no timeout of its own
    token_timeout_seconds: float = 10.0  # outbound AAD token fetch (off the event loop)
    metadata_timeout_seconds: float = 10.0  # each HTTP call of the signing-key refresh


class _SdkConfiguration:
    """The attribute names ``ConfigurationBotFrameworkAuthentication`` reads."""

    def __init__(self, settings: Settings, config: ChannelConfig) -> None:
        self.APP_ID = settings.app_id
        self.APP_PASSWORD = settings.app_password
        self.APP_TYPE = settings.app_type
        self.APP_TENANTID = settings.app_tenant_id
        if config.openid_metadata_url:
            self.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL = config.openid_metadata_url
        if config.token_issuer:
            self.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER = config.token_issuer


def create_authentication(
    settings: Settings, config: ChannelConfig | None = None
) -> ConfigurationBotFrameworkAuthentication:
    config = config or ChannelConfig()
    sdk_config = _SdkConfiguration(settings, config)
    inner = config.credentials_factory or ConfigurationServiceClientCredentialFactory(sdk_config)
    bound_openid_refresh(config.metadata_timeout_seconds)
    return ConfigurationBotFrameworkAuthentication(
        sdk_config,
        credentials_factory=OffLoopCredentialsFactory(inner, config.token_timeout_seconds),
    )


def _speed_up_msrest_retry_policy() -> None:
    """The SDK builds two msrest clients per turn; each scans a 500-item *list* 999 times
    (``ClientRetryPolicy.safe_codes``), ~8 ms of CPU. A frozenset with the same codes keeps the
    behaviour and makes it ~0.05 ms."""
    from msrest.universal_http.requests import ClientRetryPolicy

    if isinstance(ClientRetryPolicy.safe_codes, list):
        ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]


def create_adapter(auth: ConfigurationBotFrameworkAuthentication) -> CloudAdapter:
    _speed_up_msrest_retry_policy()
    adapter = CloudAdapter(auth)

    async def on_error(context: TurnContext, error: Exception) -> None:
        log.exception("turn failed: %s", type(error).__name__, exc_info=error)
        try:
            await context.send_activity(FAILED)
        except Exception:  # the connector itself may be what failed
            log.warning("could not send the error message")

    adapter.on_turn_error = on_error
    return adapter
