"""Who sees which part of the knowledge-risk overview, and the signed links that carry it.

The rule: admins (``bot.directory.is_admin``) see every department, heads
(``bot.directory.is_head``, group ``leitung``) their own, everybody else nothing. Outside
local mode the page is reached only through a link the bot sends in a personal chat: an HMAC
over (person, expiry) with a secret from the setting ``report_secret`` or, when that is empty,
a random key kept in the state folder. A link names the person, so the rule is checked again
when it is opened (a head who left ``leitung`` in between sees nothing), and it expires after
``LINK_SECONDS``. Whoever holds the link within that hour sees what its person sees: the bot
therefore sends it only in a personal chat.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Collection
from pathlib import Path

from bot.directory import Person, is_admin, is_head
from bot.gaps.errors import BadReportLink, ReportNotAllowed

log = logging.getLogger(__name__)

LINK_SECONDS = 3600
KEY_FILE = "report.key"


def report_scope(
    admins: Collection[str], person: Person | None, *keys: str | None
) -> tuple[str, ...] | None:
    """The departments the user may see: None for all (admins), the own one for heads."""
    if is_admin(admins, person, *keys):
        return None
    if person is not None and is_head(person):
        return (person.department,) if person.department else ()
    raise ReportNotAllowed()


def load_secret(configured: str, state_dir: Path) -> bytes:
    """The signing key: the setting when given, else ``<state_dir>/report.key`` (created once,
    readable by the bot's user only)."""
    if configured:
        return configured.encode("utf-8")
    path = state_dir / KEY_FILE
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    state_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another bot process made it a moment ago
        return path.read_bytes()
    with os.fdopen(handle, "wb") as out:
        out.write(key)
    log.info("report link key created in %s", path)
    return key


def sign_link(secret: bytes, person_id: str | None, user_key: str | None, now: float) -> str:
    """A token for ``/bericht?t=``: the person, the chat user's key (an admin by settings may
    be known by it alone) and the expiry, with its HMAC-SHA256."""
    payload = json.dumps({"p": person_id, "k": user_key,
                          "e": int(now) + LINK_SECONDS}, separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(_mac(secret, payload))}"


def verify_link(secret: bytes, token: str, now: float) -> tuple[str | None, str | None]:
    """(person id, user key) of a valid token; ``BadReportLink`` otherwise."""
    body, _, mac = token.partition(".")
    try:
        payload = _unb64(body)
        valid = hmac.compare_digest(_unb64(mac), _mac(secret, payload))
    except ValueError as err:
        raise BadReportLink("malformed token") from err
    if not valid:
        raise BadReportLink("signature does not match")
    data = json.loads(payload)
    if not isinstance(data, dict) or not isinstance(data.get("e"), int):
        raise BadReportLink("malformed payload")
    if data["e"] < now:
        raise BadReportLink("expired")
    person, key = data.get("p"), data.get("k")
    if not isinstance(person, str | None) or not isinstance(key, str | None) or not (person or key):
        raise BadReportLink("names nobody")
    return person, key


def _mac(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, b"wissenslotse-bericht\0" + payload, hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text or len(text) > 2000:
        raise ValueError("empty or too long")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as err:  # binascii.Error is a ValueError
        raise ValueError(str(err)) from err
