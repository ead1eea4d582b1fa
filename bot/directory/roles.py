"""Who may do what: the one admin rule and the heads of department.

An admin is a person in the group ``admins`` of ``personen.csv`` or anyone listed in the
setting ``admins`` (person ids, e-mails or Teams ids, compared case-insensitively). Every
command, the web chat and the reports ask ``is_admin``; nothing else decides it.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.directory.model import Person

ADMIN_GROUP = "admins"
HEAD_GROUP = "leitung"


def is_admin(admins: Collection[str], person: Person | None, *keys: str | None) -> bool:
    """Whether the user is an admin: in the group ``admins`` of ``personen.csv``, or listed in
    ``admins`` (settings) by person id, e-mail or Teams id; ``keys`` are further ids the channel
    knows for the user (AAD object id, web-chat key)."""
    if person is not None and ADMIN_GROUP in person.groups:
        return True
    wanted = {a.strip().casefold() for a in admins if a.strip()}
    own = {k.strip().casefold() for k in keys if k and k.strip()}
    if person is not None:
        own |= {v.casefold() for v in (person.id, person.email, person.teams_id) if v}
    return bool(wanted & own)


def is_head(person: Person | None) -> bool:
    """A head of department: in the group ``leitung`` of ``personen.csv``."""
    return person is not None and HEAD_GROUP in person.groups
