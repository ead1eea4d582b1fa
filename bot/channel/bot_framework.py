"""The Bot Framework side of the bot: the only module that imports botbuilder.

Activities become ``Turn``s for the assistant; its ``Reply``s become messages with an Adaptive
Card. Keeping the SDK in this one room makes a switch to its successor a one-room change.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from botbuilder.core import (
    ActivityHandler,
    BotAdapter,
    CardFactory,
    MessageFactory,
    TurnContext,
    serializer_helper,
)
from botbuilder.core.teams import TeamsInfo
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationReference,
)
from botframework.connector.auth import (
    AuthenticateRequestResult,
    ConnectorFactory,
    ServiceClientCredentialsFactory,
)
from cachetools import LRUCache

from bot.channel.errors import AuthUnavailable, BadActivity, Unauthorized
from bot.channel.outbound_auth import (
    OffLoopCredentialsFactory,
    bound_openid_refresh,
    ensure_fresh_token,
)
from bot.settings import Settings
from bot.texts import assistant as texts
from bot.turns import MAX_MESSAGE_CHARS, Notifier, Reply, Turn, UserRef, well_formed

log = logging.getLogger(__name__)

TOO_LONG = texts.TOO_LONG.format(limit=MAX_MESSAGE_CHARS)
EMPTY = texts.EMPTY_MESSAGE
FAILED = texts.ERROR_GENERIC
NOT_READY = texts.NOT_READY
GROUP_TYPES = {"channel", "groupchat"}
MEMBER_LOOKUP_SECONDS = 3.0
# Linear on hostile input: no part of the pattern can run past the next "<", so each start
# position is tried in time proportional to the gap to the next tag (the former
# "<at[^>]*>(.*?)</at>" rescanned to the end for every unclosed "<at>": 64 KB took 25 s).
_AT_TAG = re.compile(r"<at(?:\s[^<>]*)?>([^<]*)</at>", re.IGNORECASE)


class AssistantPort(Protocol):
    """What the channel needs from ``bot.assistant.Assistant`` (no import: it is heavy-ish)."""

    async def handle(self, turn: Turn) -> list[Reply]: ...

    def welcome(self, user: UserRef) -> list[Reply]: ...

    def set_notifier(self, notifier: Notifier) -> None: ...

    def health(self) -> dict[str, Any]: ...


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


def is_group(activity: Activity) -> bool:
    conversation = activity.conversation
    if conversation is None:
        return False
    kind = (conversation.conversation_type or "").lower()
    return bool(conversation.is_group) or kind in GROUP_TYPES


def mentions_bot(activity: Activity) -> bool:
    bot_id = activity.recipient.id if activity.recipient else None
    return any(_mentioned_id(entity) == bot_id for entity in activity.entities or [])


def _mentioned_id(entity: Any) -> str | None:
    if (getattr(entity, "type", "") or "").lower() != "mention":
        return None
    mentioned = (getattr(entity, "additional_properties", None) or {}).get("mentioned") or {}
    return mentioned.get("id") if isinstance(mentioned, dict) else None


def strip_mentions(activity: Activity) -> str:
    """The text without the bot's @-mention; other people's mentions keep their names."""
    text = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        if _mentioned_id(entity) == bot_id:
            mention_text = (entity.additional_properties or {}).get("text")
            if isinstance(mention_text, str) and mention_text:
                text = text.replace(mention_text, " ")
    text = _AT_TAG.sub(lambda m: m.group(1), text)
    return " ".join(text.split())


@dataclass(frozen=True)
class IdentityPolicy:
    """Whom the activity's own claims about its sender are believed.

    Only Teams (channel ``msteams``) vouches for ``aadObjectId``; on Direct Line, Web Chat and
    other channels of the same Azure Bot the client writes it itself, so there the sender is
    anonymous (no groups, never an admin). Teams users of tenants outside ``tenants`` are not
    served at all (empty = any tenant). Local mode (this machine only) believes every claim,
    as the Bot Framework Emulator needs."""

    tenants: frozenset[str] = frozenset()
    trust_any_channel: bool = False

    def foreign_tenant(self, activity: Activity) -> bool:
        if not self.tenants or activity.channel_id != "msteams":
            return False
        return (tenant_of(activity) or "").lower() not in self.tenants

    def user(self, activity: Activity, email: str | None = None) -> UserRef:
        account = activity.from_property
        if self.trust_any_channel or activity.channel_id == "msteams":
            return user_ref(account, email)
        sender = account.id if account is not None and account.id else "unknown"
        return UserRef(key=f"{activity.channel_id or 'unknown'}:{sender}",
                       name=getattr(account, "name", None))


def tenant_of(activity: Activity) -> str | None:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant")
    tenant_id = tenant.get("id") if isinstance(tenant, dict) else None
    conversation = activity.conversation
    return tenant_id or (conversation.tenant_id if conversation is not None else None)


def user_ref(account: ChannelAccount | None, email: str | None = None) -> UserRef:
    account = account or ChannelAccount(id="unknown")
    aad = getattr(account, "aad_object_id", None)
    return UserRef(
        key=aad or account.id or "unknown",
        name=account.name,
        email=email,
        teams_id=account.id,
    )


def reply_activity(reply: Reply) -> Activity:
    """A message: the card with the plain text as its fallback, or the plain text alone."""
    if not reply.card:
        return MessageFactory.text(reply.text)
    card = dict(reply.card)
    card.setdefault("fallbackText", reply.text)
    message = MessageFactory.attachment(CardFactory.adaptive_card(card))
    message.summary = reply.text[:200]
    return message


class ReferenceStore(Protocol):
    """Where conversation references outlive the process (``bot.state.State``)."""

    def save_reference(self, user_key: str, reference_json: str) -> None: ...

    def reference_of(self, user_key: str) -> str | None: ...


class ConversationNotifier:
    """Sends replies outside a turn: to conversations seen before (reindex progress), and to
    users by key through the conversation reference of their personal chat, kept in a
    ``ReferenceStore`` so that proactive messages reach them after a restart too."""

    def __init__(self, adapter: BotAdapter, app_id: str, capacity: int = 1000,
                 store: ReferenceStore | None = None) -> None:
        self._adapter = adapter
        self._app_id = app_id
        self._store = store
        self._references: LRUCache[str, ConversationReference] = LRUCache(maxsize=capacity)
        # user key -> the id of their 1:1 chat with the bot (admin output goes there)
        self._personal: LRUCache[str, str] = LRUCache(maxsize=capacity)
        self._saved: LRUCache[str, str] = LRUCache(maxsize=capacity)  # user key -> JSON

    def use_store(self, store: ReferenceStore | None) -> None:
        self._store = store

    def remember(self, activity: Activity) -> None:
        reference = TurnContext.get_conversation_reference(activity)
        key = reference.conversation.id
        self._references[key] = reference
        if not is_group(activity) and activity.from_property is not None:
            user = user_ref(activity.from_property).key
            self._personal[user] = key
            # a group chat is no place for a personal message
            self._remember_user(user, reference)

    def personal_conversation(self, user_key: str) -> str | None:
        """The user's personal chat with the bot, if they wrote there since the start."""
        conversation = self._personal.get(user_key)
        return conversation if conversation in self._references else None

    def _remember_user(self, user_key: str, reference: ConversationReference) -> None:
        data = json.dumps(reference.serialize(), sort_keys=True)
        if self._saved.get(user_key) == data:
            return  # unchanged: no write per message
        self._saved[user_key] = data
        if self._store is not None:
            try:
                self._store.save_reference(user_key, data)
            except Exception:  # the answer matters more than a later notification
                log.exception("could not store a conversation reference")

    async def notify_user(self, user_key: str, replies: list[Reply]) -> bool:
        data = self._saved.get(user_key)
        if data is None and self._store is not None:
            data = self._store.reference_of(user_key)
        if data is None:
            return False
        try:
            reference = ConversationReference.deserialize(json.loads(data))
        except Exception:
            log.warning("stored conversation reference unreadable; dropped")
            return False
        await self._send(reference, replies)
        return True

    async def notify(self, conversation_id: str, replies: list[Reply]) -> None:
        reference = self._references.get(conversation_id)
        if reference is None:
            log.warning("no conversation reference for a notification; dropped")
            return
        await self._send(reference, replies)

    async def _send(self, reference: ConversationReference, replies: list[Reply]) -> None:
        async def send(context: TurnContext) -> None:
            await context.send_activities([reply_activity(r) for r in replies])

        await self._adapter.continue_conversation(reference, send, self._app_id)


class WissenslotseBot(ActivityHandler):
    """Turns Teams activities into assistant turns and replies."""

    def __init__(
        self,
        assistant: Callable[[], AssistantPort | None],
        notifier: ConversationNotifier | None = None,
        identity: IdentityPolicy | None = None,
    ) -> None:
        self._assistant = assistant
        self._notifier = notifier
        self._identity = identity or IdentityPolicy(trust_any_channel=True)
        self._emails: LRUCache[str, str | None] = LRUCache(maxsize=5000)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        value = well_formed(activity.value) if isinstance(activity.value, dict) else None
        group = is_group(activity)
        if group and value is None and not mentions_bot(activity):
            return  # in channels and group chats only an @-mention is meant for us
        if self._identity.foreign_tenant(activity):
            log.warning("refused a message from a tenant outside WISSENSLOTSE_ALLOWED_TENANTS")
            await turn_context.send_activity(texts.FOREIGN_TENANT)
            return
        if self._notifier is not None:
            self._notifier.remember(activity)
        text = well_formed(strip_mentions(activity))
        if len(text) > MAX_MESSAGE_CHARS or (not text and value is None):
            await turn_context.send_activity(TOO_LONG if text else EMPTY)
            return
        assistant = self._assistant()
        if assistant is None:
            await turn_context.send_activity(NOT_READY)
            return
        await turn_context.send_activity(Activity(type=ActivityTypes.typing))
        user = self._identity.user(activity, await self._email_of(turn_context))
        turn = Turn(
            text=text,
            user=user,
            conversation_id=activity.conversation.id,
            value=value,
            is_group=group,
        )
        replies = await assistant.handle(turn)
        if replies:
            await turn_context.send_activities([reply_activity(r) for r in replies])

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if not any(member.id == bot_id for member in members_added):
            return  # a colleague joined the team: no welcome from the bot
        if self._identity.foreign_tenant(activity):
            return
        assistant = self._assistant()
        if assistant is None:
            return
        if self._notifier is not None:
            self._notifier.remember(activity)
        replies = assistant.welcome(self._identity.user(activity))
        if replies:
            await turn_context.send_activities([reply_activity(r) for r in replies])

    async def _email_of(self, turn_context: TurnContext) -> str | None:
        """Teams does not put the e-mail into the activity; ask the roster, tolerate failure."""
        activity = turn_context.activity
        account = activity.from_property
        if activity.channel_id != "msteams" or account is None or not account.id:
            return None
        if account.id in self._emails:
            return self._emails[account.id]
        email: str | None = None
        try:
            member = await asyncio.wait_for(
                TeamsInfo.get_member(turn_context, account.id), MEMBER_LOOKUP_SECONDS
            )
            email = getattr(member, "email", None) or None
        except Exception as error:  # best effort; remembered so a failing roster costs once
            log.info("member lookup failed: %s", type(error).__name__)
        self._emails[account.id] = email
        return email


class _ReusedConnectors(ConnectorFactory):
    """One connector client per (serviceUrl, audience) instead of one per turn: the SDK's client
    builds a retry policy and a ``requests`` session each time and never closes them."""

    def __init__(self, inner: ConnectorFactory, cache: LRUCache[tuple[str, str], Any]) -> None:
        self._inner = inner
        self._cache = cache

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        key = (service_url, audience or "")
        client = self._cache.get(key)
        if client is None:
            client = await self._inner.create(service_url, audience)  # type: ignore[arg-type]
            self._cache[key] = client
        await ensure_fresh_token(client)  # a cached client's token ages: refresh off the loop
        return client


@dataclass(frozen=True)
class Outcome:
    """What the HTTP layer answers: a status and, for invokes and expectReplies, a body."""

    status: int
    body: Any = None


class BotRuntime:
    """The SDK side of ``POST /api/messages``: parse, authenticate off the event loop, run.

    The SDK fetches its OpenID metadata with a blocking ``requests.get`` without a timeout, and
    answers malformed or wrongly signed tokens with a 500; both are contained here.
    """

    def __init__(
        self,
        adapter: CloudAdapter,
        auth: ConfigurationBotFrameworkAuthentication,
        bot: ActivityHandler,
        auth_timeout: float = 20.0,
        auth_required: bool = True,
    ) -> None:
        self._adapter = adapter
        self._auth = auth
        self._bot = bot
        self._auth_timeout = auth_timeout
        self._auth_required = auth_required
        self._clients: LRUCache[tuple[str, str], Any] = LRUCache(maxsize=32)
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="bot-auth")

    def parse(self, body: dict[str, Any]) -> Activity:
        if not isinstance(body.get("text", ""), str | None):
            raise BadActivity("text must be a string")
        try:
            activity = Activity().deserialize(body)
        except Exception as error:
            raise BadActivity("body is not an activity") from error
        missing = _missing_fields(activity)
        if missing:
            raise BadActivity("activity lacks " + ", ".join(missing))
        return activity

    async def process(self, activity: Activity, auth_header: str | None) -> Outcome:
        result = await self._authenticate(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = _ReusedConnectors(result.connector_factory, self._clients)
        invoke = await self._adapter.process_activity(result, activity, self._bot.on_turn)
        if invoke is None:
            return Outcome(201)
        if invoke.status >= 500:  # an invoke this bot does not implement (the SDK says 501)
            raise BadActivity(f"unsupported invoke: {activity.name}")
        body = invoke.body
        # expectReplies: the SDK hands over a dict its own serializer then fails on (a 500)
        return Outcome(invoke.status, body if isinstance(body, dict | list | None)
                       else serializer_helper(body))

    async def _authenticate(
        self, activity: Activity, header: str | None
    ) -> AuthenticateRequestResult:
        # None, not "": the SDK treats only a missing header as "no credentials given".
        header = header or None
        try:
            if header is None and not self._auth_required:
                # local mode: nothing to fetch or verify, so no thread hop
                return await self._auth.authenticate_request(activity, header)  # type: ignore[arg-type]
            job = asyncio.get_running_loop().run_in_executor(
                self._pool, lambda: asyncio.run(self._auth.authenticate_request(activity, header))  # type: ignore[arg-type]
            )
            return await asyncio.wait_for(job, self._auth_timeout)
        except TimeoutError as error:
            raise AuthUnavailable("authentication timed out") from error
        except requests.RequestException as error:  # the key refresh timed out or failed
            raise AuthUnavailable(f"signing keys unavailable: {type(error).__name__}") from error
        except Exception as error:  # PermissionError, jwt errors, IndexError on unknown keys
            raise Unauthorized(type(error).__name__) from error

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _missing_fields(activity: Activity) -> list[str]:
    required = {
        "type": activity.type,
        "serviceUrl": activity.service_url,
        "conversation.id": activity.conversation.id if activity.conversation else None,
    }
    if activity.type == ActivityTypes.message:
        required["from.id"] = activity.from_property.id if activity.from_property else None
    return [name for name, present in required.items() if not present]
