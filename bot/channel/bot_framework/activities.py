"""Reading and writing activities: groups, @-mentions, who is asking, replies as activities."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from botbuilder.core import (
    CardFactory,
    MessageFactory,
)
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
)

from bot.turns import Reply, UserRef

GROUP_TYPES = {"channel", "groupchat"}


# Linear on hostile input: no part of the pattern can run past the next "<", so each start
# position is tried in time proportional to the gap to the next tag (the former
# "<at[^>]*>(.*?)</at>" rescanned to the end for every unclosed "<at>": 64 KB took 25 s).
_AT_TAG = re.compile(r"<at(?:\s[^<>]*)?>([^<]*)</at>", re.IGNORECASE)


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
    found = tenant_id or (conversation.tenant_id if conversation is not None else None)
    return found if isinstance(found, str) else None  # a hostile number or list is no tenant


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


def _missing_fields(activity: Activity) -> list[str]:
    required = {
        "type": activity.type,
        "serviceUrl": activity.service_url,
        "conversation.id": activity.conversation.id if activity.conversation else None,
    }
    if activity.type == ActivityTypes.message:
        required["from.id"] = activity.from_property.id if activity.from_property else None
    return [name for name, present in required.items() if not present]
