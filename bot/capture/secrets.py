"""Answers that look like a secret: a password, a PIN or TAN, access data, an IBAN with a PIN.

The interview never stores them; it asks where the secret is kept instead. The rules look for
a secret *value* next to its keyword ("Passwort: Sommer2024!", "PIN 4711"); a sentence about
where a password lives ("Das Passwort liegt im Tresor") is no secret.
"""

from __future__ import annotations

import re

PASSWORD, PIN, BANK = "password", "pin", "bank"

_PASSWORD_WORD = r"(?:passwort|kennwort|password|passwd|pwd|pw|zugangscode|zugangsdaten|login)"
# keyword, then ":" / "=" / "lautet" / "ist" (with an optional "das"), then the value
_PASSWORD_VALUE = re.compile(
    _PASSWORD_WORD + r"\b[^\n.:=]{0,25}?(?:[:=]|\blautet\b|\bist\b|\bheißt\b|\bheisst\b)"
    r"\s*(?:(?:das|der|die|folgendes)\s+)?[„\"'»]?(?P<value>\S+(?:[ \t]+\S+){0,2})",
    re.IGNORECASE)
_CODE_VALUE = re.compile(
    r"\b(?:pin|puk|tan|geheimzahl|zugangsnummer)\b[^\n\d]{0,20}?(?P<value>\d{4,12})\b",
    re.IGNORECASE)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,4})?\b")
_BANK_SECRET_WORD = re.compile(r"\b(?:pin|tan|passwort|kennwort|zugangsdaten|login)\b",
                               re.IGNORECASE)
# values that name a place or a way of keeping it, not the secret itself
_NOT_A_VALUE = re.compile(
    r"^(?:im|in|beim|bei|auf|unter|hinterlegt|gespeichert|verschlossen|liegt|steht|wird|"
    r"bekannt|vertraulich|geheim|persönlich|nicht|nur|immer|jeweils|aufbewahrt|abgelegt|"
    r"zurückgesetzt|zurücksetzen|ändern|geändert|vergeben|erhältlich|beantragt|siehe|dort|"
    r"der|die|das|ein|eine|für|von|zu|mit)\b",
    re.IGNORECASE)


def secret_kind(text: str) -> str | None:
    """``"password"``, ``"pin"`` or ``"bank"`` when ``text`` seems to hold such a secret."""
    for match in _PASSWORD_VALUE.finditer(text):
        first, *rest = match.group("value").split()
        if _NOT_A_VALUE.match(first.strip("„“\"'»«")):
            continue
        if any(_looks_like_secret(token) for token in (first, *rest)):
            return PASSWORD
    if _CODE_VALUE.search(text) and not _only_years_or_phone(text):
        return PIN
    if _IBAN.search(text) and _BANK_SECRET_WORD.search(text):
        return BANK
    return None


def _looks_like_secret(value: str) -> bool:
    """A password is a single token: with a digit or a sign, or mixed case inside the word."""
    value = value.strip("„“\"'»«.,;()")
    if len(value) < 4 or _NOT_A_VALUE.match(value):
        return False
    has_digit = any(c.isdigit() for c in value)
    has_sign = any(not c.isalnum() for c in value)
    inner_upper = any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)
    return has_digit or has_sign or inner_upper


def _only_years_or_phone(text: str) -> bool:
    """"PIN-Briefe seit 2021", "PIN-Rücksetzbrief, Tel. 07123 4567": a year or phone number."""
    for match in _CODE_VALUE.finditer(text):
        value = match.group("value")
        if not (len(value) == 4 and value[:2] in ("19", "20")):
            between = text[match.start():match.start("value")].casefold()
            if "tel" not in between and "durchwahl" not in between:
                return False
    return True
