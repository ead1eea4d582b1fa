"""Access groups of a whole folder: ``_zugriff.yaml`` (``zugriff: [personalamt]``).

A sidecar or a front-matter line per document is easy to forget; a folder file protects every
document below it, in sub-folders too (the nearest ``_zugriff.yaml`` up the path wins). A
document's own non-empty ``zugriff`` is more specific and wins over the folder's. The file name
starts with ``_``, so the scanner never indexes it; the scanner hashes it with every document
below it, so a changed folder file re-reads those documents.

Fail closed: a folder file that cannot be read, is no valid YAML, or holds anything but the
access key makes every document below it a skipped file (with the reason), never a public one.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import yaml

from indexer.errors import LoaderError

ACCESS_FILE = "_zugriff.yaml"
ACCESS_KEYS = ("zugriff", "groups")
_MAX_BYTES = 64 * 1024


def access_files(kb_root: Path, source: str) -> list[Path]:
    """The folder files that concern ``source`` (a relative POSIX path), root first."""
    folders = PurePosixPath(source).parents  # "a/b/c.md" -> "a/b", "a", "."
    candidates = [Path(kb_root) / str(folder) / ACCESS_FILE for folder in reversed(folders)]
    return [path for path in candidates if path.exists() or path.is_symlink()]


def folder_groups(kb_root: Path, source: str) -> tuple[str, ...] | None:
    """The groups of the nearest folder file of ``source``, or None when there is none."""
    # every file up the path must be readable, not only the nearest one: fail closed
    groups = [_read_groups(path, kb_root) for path in access_files(kb_root, source)]
    return groups[-1] if groups else None


def _read_groups(path: Path, kb_root: Path) -> tuple[str, ...]:
    where = path.relative_to(kb_root).as_posix() if path.is_relative_to(kb_root) else path.name
    try:
        if path.is_symlink() or not path.is_file():
            raise OSError("not a regular file (links are not followed)")
        raw = path.read_bytes()[: _MAX_BYTES + 1]
        if len(raw) > _MAX_BYTES:
            raise OSError("larger than 64 KB")
        data = yaml.safe_load(raw.decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LoaderError(f"folder access file {where} unreadable ({_why(exc)}): "
                          "documents below it are not served until it is fixed") from exc
    return _groups_of(data, where)


def _groups_of(data: object, where: str) -> tuple[str, ...]:
    if not isinstance(data, dict) or set(map(str, data)) - set(ACCESS_KEYS) or len(data) != 1:
        raise LoaderError(f"folder access file {where} must hold exactly one line "
                          "'zugriff: [gruppe, ...]': documents below it are not served")
    value = next(iter(data.values()))
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str | int) for i in items):
        raise LoaderError(f"folder access file {where}: 'zugriff' must be a list of groups")
    groups = tuple(str(item).strip() for item in items if str(item).strip())
    if not groups:
        raise LoaderError(f"folder access file {where} names no group: documents below it "
                          "are not served (delete the file to open the folder to all staff)")
    return groups


def _why(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return type(exc).__name__
