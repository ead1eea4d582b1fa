"""Loaders: one module per file format, each ``load(path, source) -> list[Section]``.

``load_file`` is the entry point of the build: it computes the relative ``source``, checks
that the content is what the suffix claims (an HTML page saved as ``.pdf`` is reported as
such instead of as a pypdf stack trace), runs the loader, and applies a sidecar
``<file>.meta.yaml`` to non-Markdown documents. Every failure is a ``LoaderError`` whose
``reason`` an admin can act on.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from indexer.build import open_regular
from indexer.errors import LoaderError, UnsupportedFormat
from indexer.loaders import csv, docx, markdown, odt, pdf, text
from indexer.loaders.access import folder_groups
from indexer.loaders.frontmatter import given_fields, load_yaml_mapping, merge_meta, parse_meta
from indexer.model import Section

log = logging.getLogger(__name__)

LOADERS: dict[str, Callable[[Path, str], list[Section]]] = {
    ".md": markdown.load,
    ".markdown": markdown.load,
    ".pdf": pdf.load,
    ".docx": docx.load,
    ".odt": odt.load,
    ".txt": text.load,
    ".csv": csv.load,
}
SIDECAR_SUFFIX = ".meta.yaml"
_TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".csv"}
_ZIP_SUFFIXES = {".docx": "a DOCX", ".odt": "an ODT"}
_SNIFF_BYTES = 4096


def sidecar_path(path: Path) -> Path:
    """The metadata sidecar of ``path``: ``bericht.pdf`` -> ``bericht.pdf.meta.yaml``."""
    return path.with_name(path.name + SIDECAR_SUFFIX)


def is_sidecar(path: Path) -> bool:
    """True for ``*.meta.yaml`` files: the scanner ignores them (they belong to a document)."""
    return path.name.lower().endswith(SIDECAR_SUFFIX)


def load_file(path: Path, kb_root: Path, access_roots: Sequence[Path] = ()) -> list[Section]:
    """Load one knowledge-base file into Sections; raises LoaderError / UnsupportedFormat.

    ``access_roots``: the folders whose ``_zugriff.yaml`` files apply to the file's path, in
    order (default: ``kb_root``). A released document lies in its own folder but belongs to
    the knowledge base's department folder, whose access rules it must obey."""
    source = _source_of(path, kb_root)
    suffix = path.suffix.lower()
    loader = LOADERS.get(suffix)
    if loader is None:
        raise UnsupportedFormat(f"unsupported format '{suffix or path.name}'")
    _check_content(path, suffix)
    try:
        sections = loader(path, source)
    except LoaderError:
        raise
    except OSError as exc:
        raise LoaderError(f"cannot read file: {exc.strerror or exc}") from exc
    if not any(s.text.strip() or s.heading_path for s in sections):
        raise LoaderError("no text found")
    if suffix not in (".md", ".markdown"):
        sections = _apply_sidecar(path, sections, kb_root)
    return _apply_folder_access(sections, access_roots or (kb_root,), source)


def _apply_folder_access(
    sections: list[Section], roots: Sequence[Path], source: str
) -> list[Section]:
    """A folder's ``_zugriff.yaml`` restricts the documents that name no groups themselves (the
    first root that has one for ``source`` decides; every root's files must be readable)."""
    found = [folder_groups(root, source) for root in roots]
    groups = next((g for g in found if g is not None), None)
    if groups is None:
        return sections
    return [s if s.meta.groups else replace(s, meta=replace(s.meta, groups=groups))
            for s in sections]


def _source_of(path: Path, kb_root: Path) -> str:
    """Relative POSIX path, NFC-normalised (macOS writes umlauts in names decomposed)."""
    try:
        relative = path.relative_to(kb_root)
    except ValueError:
        try:  # one side relative, the other absolute; symlinks are not resolved on purpose
            relative = Path(os.path.abspath(path)).relative_to(os.path.abspath(kb_root))
        except ValueError:
            raise LoaderError(f"file is not inside the knowledge base {kb_root}") from None
    return unicodedata.normalize("NFC", relative.as_posix())


def _inside(path: Path, kb_root: Path) -> bool:
    real, root = os.path.realpath(path), os.path.realpath(kb_root).rstrip("/")
    return real == root or real.startswith(root + "/")


def _check_content(path: Path, suffix: str) -> None:
    try:
        with open_regular(path) as handle:  # a FIFO here would block the build forever
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise LoaderError(f"cannot read file: {exc.strerror or exc}") from exc
    if not head:
        raise LoaderError("empty file")
    if suffix == ".pdf" and b"%PDF-" not in head[:1024]:
        raise LoaderError(f"not a PDF (looks like {describe_content(head)})")
    if suffix in _ZIP_SUFFIXES and not head.startswith(b"PK\x03\x04"):
        kind = _ZIP_SUFFIXES[suffix]
        raise LoaderError(f"not {kind} file (looks like {describe_content(head)})")
    if suffix in _TEXT_SUFFIXES and _looks_binary(head):
        raise LoaderError("binary content, not text")


def _looks_binary(head: bytes) -> bool:
    if head.startswith(text.UTF16_BOMS):
        return False
    return b"\x00" in head or head.startswith((b"%PDF-", b"PK\x03\x04"))


def describe_content(head: bytes) -> str:
    """A short guess at what some bytes are, for error reasons ("HTML", "a ZIP archive")."""
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith((b"<!doctype html", b"<head", b"<body")) or b"<html" in probe[:512]:
        return "HTML"
    if probe.startswith(b"<?xml") or probe.startswith(b"<"):
        return "XML"
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive"
    if head.startswith(b"%PDF-"):
        return "a PDF"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old MS Office file"
    if b"\x00" in head:
        return "binary data"
    return "text"


def _apply_sidecar(path: Path, sections: list[Section], kb_root: Path) -> list[Section]:
    side = sidecar_path(path)
    if side.is_symlink() and not _inside(side, kb_root):  # as the scan does for documents
        raise LoaderError(f"sidecar {side.name} links outside the knowledge base")
    try:
        with open_regular(side) as handle:
            raw = handle.read()
    except FileNotFoundError:
        return sections
    except OSError as exc:
        raise LoaderError(f"cannot read sidecar {side.name}: {exc.strerror or exc}") from exc
    what = f"sidecar {side.name}"
    try:
        mapping = load_yaml_mapping(text.decode_text(raw), what) if raw.strip() else {}
        override = parse_meta(mapping)
    except LoaderError as exc:
        reason = exc.reason if what in exc.reason else f"{exc.reason} ({what})"
        raise LoaderError(reason) from exc
    fields = given_fields(mapping)
    log.debug("sidecar %s sets %s", side.name, sorted(fields))
    return [replace(s, meta=merge_meta(s.meta, override, fields)) for s in sections]
