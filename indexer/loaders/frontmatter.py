"""Document metadata from YAML: Markdown front matter and ``<file>.meta.yaml`` sidecars.

Keys are German (as admins write them) with English aliases; see docs/interfaces.md. Lists
may be YAML lists or comma-separated strings. Unknown keys are kept in
``DocumentMeta.unknown_keys`` and reported by the build (the bylaw corpus carries many of its
own). A key that looks like a misspelt access key (``zugrif``, ``Zugriffe``, ``gruppen``) is a
LoaderError: the document would otherwise be served to everybody. A wrong type is a
LoaderError that names the key (and the line, where the caller knows the text).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import yaml

from indexer.errors import LoaderError, MetaError
from indexer.model import DocumentMeta

# key as written -> DocumentMeta field
KEY_ALIASES: dict[str, str] = {
    "titel": "title",
    "title": "title",
    "aufgaben": "tasks",
    "tasks": "tasks",
    "zustaendig": "responsible",
    "zuständig": "responsible",
    "responsible": "responsible",
    "vertretung": "deputies",
    "deputies": "deputies",
    "stichwoerter": "keywords",
    "stichwörter": "keywords",
    "keywords": "keywords",
    "zugriff": "groups",
    "groups": "groups",
    "abteilung": "department",
    "department": "department",
    "dokumenttyp": "doc_type",
    "doc_type": "doc_type",
    "zuletzt_geprueft": "last_reviewed",
    "zuletzt_geprüft": "last_reviewed",
    "last_reviewed": "last_reviewed",
}
_LIST_FIELDS = {"tasks", "deputies", "keywords", "groups"}
_TEXT_FIELDS = {"title", "responsible", "department", "doc_type"}
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


# Words an admin may write for "who may read this"; close misspellings of them count too.
_ACCESS_WORDS = ("zugriff", "groups", "gruppen", "gruppe", "access", "berechtigung", "zugang",
                 "zugriffsgruppen", "sichtbar", "vertraulich")


def looks_like_access_key(key: str) -> bool:
    """True for keys that are meant to restrict the document but are not ``zugriff``."""
    import difflib

    folded = key.strip().lower()
    if folded in KEY_ALIASES:
        return False
    return folded in _ACCESS_WORDS or "zugriff" in folded or bool(difflib.get_close_matches(
        folded, ["zugriff", "groups", "gruppen"], n=1, cutoff=0.75))


def parse_meta(mapping: Mapping[str, Any]) -> DocumentMeta:
    """Turn a front matter / sidecar mapping into DocumentMeta (unknown keys noted)."""
    values: dict[str, Any] = {}
    written: dict[str, str] = {}
    unknown: list[str] = []
    for raw_key, value in mapping.items():
        field = KEY_ALIASES.get(str(raw_key).strip().lower())
        if field is None:
            if looks_like_access_key(str(raw_key)):
                raise MetaError(str(raw_key), "looks like a misspelt 'zugriff' (access "
                                "groups): write 'zugriff: [gruppe]'; not indexed until then")
            unknown.append(str(raw_key)[:60])
            continue
        if field in written:
            raise MetaError(str(raw_key), f"given twice (also as '{written[field]}')")
        written[field] = str(raw_key)
        values[field] = _convert(field, str(raw_key), value)
    return DocumentMeta(**values, unknown_keys=tuple(unknown))


def _convert(field: str, key: str, value: Any) -> Any:
    if field in _LIST_FIELDS:
        return _as_list(key, value)
    if field == "last_reviewed":
        return _as_date(key, value)
    text = _as_text(key, value)
    if field == "doc_type" and text:
        return text.lower().replace("ü", "ue").replace("ä", "ae").replace("ö", "oe")
    if field == "title":
        return text or ""
    return text


def _as_text(key: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        raise MetaError(key, f"expected a single value, got a {_kind(value)}")
    return str(value).strip() or None


def _as_list(key: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[Any] = value.split(",")
    elif isinstance(value, list):
        items = value
    elif isinstance(value, (int, float, date)):
        items = [value]
    else:
        raise MetaError(key, f"expected a list or comma-separated text, got a {_kind(value)}")
    out: list[str] = []
    for item in items:
        if isinstance(item, (list, dict)):
            raise MetaError(key, f"list items must be plain values, got a {_kind(item)}")
        if item is not None and str(item).strip():
            out.append(str(item).strip())
    return tuple(out)


def _as_date(key: str, value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        german = _GERMAN_DATE.match(text)
        try:
            if german:
                day, month, year = (int(g) for g in german.groups())
                return date(year, month, day)
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise MetaError(key, f"expected a date like 2026-03-01 or 01.03.2026, got {value!r}")


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return type(value).__name__


def load_yaml_mapping(text: str, what: str) -> dict[str, Any]:
    """Parse YAML that must be a mapping; ``what`` names it in errors ("front matter")."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = f" at line {mark.line + 1}" if mark is not None else ""
        opened = getattr(exc, "context_mark", None)
        if mark is not None and opened is not None and opened.line != mark.line:
            where += f" (in what starts at line {opened.line + 1})"
        raise LoaderError(f"invalid YAML in {what}{where}: {problem}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise LoaderError(f"{what} is not a list of 'key: value' lines")
    return data


def split_front_matter(text: str) -> tuple[dict[str, Any], str, int]:
    """Split ``---`` front matter off Markdown text.

    Returns (mapping, body, number of lines before the body). YAML error lines are counted
    from the top of the file.
    """
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), 0)  # blank lines first
    if not lines or lines[start].strip() != "---" or not _looks_like_yaml(lines[start + 1 :]):
        return {}, text, 0  # no front matter, or a "---" rule opening the text
    for end in range(start + 1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        raise LoaderError("front matter not closed: no '---' line after the opening one")
    # leading newlines keep YAML's line numbers true to the file
    yaml_text = "\n" * (start + 1) + "\n".join(lines[start + 1 : end])
    mapping = load_yaml_mapping(yaml_text, "front matter")
    return mapping, "\n".join(lines[end + 1 :]), end + 1


_YAML_START = re.compile(r"^\s*(#|[\"']?[\w\u00c0-\u024f -]+[\"']?\s*:(\s|$))")


def _looks_like_yaml(lines: list[str]) -> bool:
    """The first non-blank line after ``---`` is ``key:`` or a comment (or ``---`` again)."""
    first = next((line for line in lines if line.strip()), "")
    return bool(_YAML_START.match(first)) or first.strip() in ("---", "...")


def meta_from_front_matter(text: str) -> tuple[DocumentMeta, str, int]:
    """Front matter -> (DocumentMeta, body, body line offset); wrong types name their line."""
    mapping, body, offset = split_front_matter(text)
    try:
        meta = parse_meta(mapping)
    except MetaError as exc:
        line = _line_of_key(text.split("\n")[:offset], exc.key)
        where = f" (line {line})" if line else ""
        raise LoaderError(f"front matter key '{exc.key}'{where}: {exc.problem}") from exc
    return meta, body, offset


def _line_of_key(lines: list[str], key: str) -> int | None:
    pattern = re.compile(rf"^\s*['\"]?{re.escape(key)}['\"]?\s*:")
    return next((i + 1 for i, line in enumerate(lines) if pattern.match(line)), None)


def given_fields(mapping: Mapping[str, Any]) -> set[str]:
    """The DocumentMeta fields a mapping sets (by German key or English alias)."""
    return {f for k in mapping if (f := KEY_ALIASES.get(str(k).strip().lower()))}


def merge_meta(base: DocumentMeta, override: DocumentMeta, fields: Collection[str]) -> DocumentMeta:
    """``base`` with the named ``fields`` taken from ``override`` (a sidecar wins)."""
    return replace(base, **{f: getattr(override, f) for f in fields})
