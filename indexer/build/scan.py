"""Walk the knowledge base: which files to index, with their content hash, and which to skip.

Ignored (nothing wrong with them, not reported): every path component starting with ``_`` or
``.``, and the fnmatch patterns of ``<kb>/.indexignore`` (matched against the relative POSIX
path and against the name). Skipped (reported with a reason): files over the size limit,
unreadable files, broken links, symlink loops, names that are not valid UTF-8, special files,
and symlinks that lead outside the knowledge base (whoever may write into the knowledge base
must not be able to publish any file the indexer can read, such as ``/etc/passwd`` or the bot's
credentials, by linking to it).
"""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import logging
import os
import stat
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

IGNORE_FILE = ".indexignore"
SIDECAR_SUFFIX = ".meta.yaml"  # metadata of the file beside it: hashed with it, not indexed
_BLOCK = 1 << 20


@dataclass(frozen=True)
class ScannedFile:
    path: Path  # where to read it (the name on disk)
    source: str  # relative POSIX path, NFC-normalised: the document's id in the index
    sha256: str
    size: int
    mtime_ns: int
    root: Path | None = None  # the folder ``source`` is relative to (None: the knowledge base)


@dataclass(frozen=True)
class SkippedFile:
    file: str
    reason: str


@dataclass(frozen=True)
class ScanResult:
    files: tuple[ScannedFile, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()


def open_regular(path: Path | str) -> BinaryIO:
    """Open a file for reading, refusing without blocking anything that is not a regular file:
    a FIFO put in a file's place after the scan would otherwise hang the build forever."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (device, pipe or socket)", str(path))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_ignore_patterns(kb_root: Path) -> list[str]:
    try:
        with open_regular(Path(kb_root) / IGNORE_FILE) as handle:
            lines = handle.read().decode("utf-8").splitlines()
    except (FileNotFoundError, NotADirectoryError):
        return []
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("cannot read %s (%s): no ignore patterns used", IGNORE_FILE, exc)
        return []
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def is_ignored(relative: str, patterns: list[str]) -> bool:
    parts = relative.split("/")
    if any(part.startswith(("_", ".")) for part in parts):
        return True
    if parts[-1].lower().endswith(SIDECAR_SUFFIX):
        return True
    name = parts[-1]
    return any(fnmatch.fnmatchcase(relative, p) or fnmatch.fnmatchcase(name, p)
               for p in patterns)


def scan_roots(kb_root: Path, release_root: Path | None, max_bytes: int) -> ScanResult:
    """The knowledge base and, beside it, the folder of released documents."""
    return add_released(scan_knowledge_base(kb_root, max_bytes), kb_root, release_root,
                        max_bytes)


def add_released(base: ScanResult, kb_root: Path, release_root: Path | None,
                 max_bytes: int) -> ScanResult:
    """``base`` (the knowledge base's scan) with the folder of released documents (same
    department sub-folders): a released file replaces the knowledge base's file of the same
    path (an updated handover document on a read-only share). A missing folder is empty."""
    if release_root is None or not Path(release_root).is_dir():
        return base
    if os.path.realpath(release_root) == os.path.realpath(kb_root):
        return base
    released = scan_knowledge_base(release_root, max_bytes)
    # the knowledge base's access files apply to released files too (load_file's roots), so
    # they are part of the released file's hash: a changed _zugriff.yaml re-reads it
    rehashed = [_with_kb_access(f, kb_root, Path(release_root)) for f in released.files]
    released_files = tuple(f for f in rehashed if isinstance(f, ScannedFile))
    released = ScanResult(released.files, (*released.skipped,
                                           *(f for f in rehashed if isinstance(f, SkippedFile))))
    taken = {f.source for f in released_files} | {s.file for s in released.skipped}
    files = sorted([*(f for f in base.files if f.source not in taken), *released_files],
                   key=lambda f: f.source)
    skipped = sorted([*(s for s in base.skipped if s.file not in taken), *released.skipped],
                     key=lambda s: s.file)
    return ScanResult(tuple(files), tuple(skipped))


def _with_kb_access(found: ScannedFile, kb_root: Path, release_root: Path
                    ) -> ScannedFile | SkippedFile:
    try:
        digest = file_sha256(found.path, _sidecar_of(found.path),
                             [*_access_files(kb_root, found.source),
                              *_access_files(release_root, found.source)])
    except OSError as exc:
        return SkippedFile(found.source, f"cannot read: {_why(exc)}")
    return replace(found, root=release_root, sha256=digest)


def scan_knowledge_base(kb_root: Path, max_bytes: int) -> ScanResult:
    """Every file to index (sorted by source) and every file that has to be skipped."""
    kb_root = Path(kb_root)
    patterns = read_ignore_patterns(kb_root)
    files: list[ScannedFile] = []
    skipped: list[SkippedFile] = []
    root_stat = os.stat(kb_root)
    walk = _Walk(os.path.realpath(kb_root), patterns)
    for item in walk.folder(kb_root, "", {(root_stat.st_dev, root_stat.st_ino)}):
        if isinstance(item, SkippedFile):
            skipped.append(item)
        else:
            files.append(item)
    files.sort(key=lambda f: f.source)
    files, clashes = _unique_sources(files)
    skipped.extend(clashes)
    checked = [_check_file(f, max_bytes, kb_root) for f in files]
    return ScanResult(
        files=tuple(f for f in checked if isinstance(f, ScannedFile)),
        skipped=tuple(sorted([*skipped, *(f for f in checked if isinstance(f, SkippedFile))],
                             key=lambda s: s.file)),
    )


class _Walk:
    """Depth first; ``seen`` holds the folders on the current path, to break symlink loops."""

    def __init__(self, real_root: str, patterns: list[str]) -> None:
        self._real_root = real_root
        self._patterns = patterns

    def folder(self, folder: Path, prefix: str, seen: set[tuple[int, int]]
               ) -> Iterator[ScannedFile | SkippedFile]:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield SkippedFile(prefix.rstrip("/") or ".", f"cannot list folder: {_why(exc)}")
            return
        for entry in entries:
            source = _source_name(prefix, entry.name)
            if source is None:
                yield SkippedFile(prefix + _printable(entry.name), "file name is not valid UTF-8")
                continue
            if is_ignored(source, self._patterns):
                continue
            yield from self._visit(entry, source, seen)

    def _visit(self, entry: os.DirEntry[str], source: str, seen: set[tuple[int, int]]
               ) -> Iterator[ScannedFile | SkippedFile]:
        try:
            info = entry.stat(follow_symlinks=True)
        except OSError as exc:
            if entry.is_symlink() and exc.errno == errno.ELOOP:
                yield SkippedFile(source, "symlink loop")
            elif entry.is_symlink():
                yield SkippedFile(source, "broken symlink")
            else:
                yield SkippedFile(source, f"cannot read: {_why(exc)}")
            return
        if entry.is_symlink() and not self._inside(entry.path):
            yield SkippedFile(source, "symlink points outside the knowledge base")
        elif stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in seen:
                yield SkippedFile(source, "symlink loop (folder links back to a parent)")
                return
            yield from self.folder(Path(entry.path), source + "/", seen | {key})
        elif stat.S_ISREG(info.st_mode):
            yield ScannedFile(Path(entry.path), source, "", info.st_size, info.st_mtime_ns)
        else:
            yield SkippedFile(source, "not a regular file (device, pipe or socket)")

    def _inside(self, path: str) -> bool:
        real = os.path.realpath(path)
        return real == self._real_root or real.startswith(self._real_root.rstrip("/") + "/")


def _check_file(found: ScannedFile, max_bytes: int, kb_root: Path
                ) -> ScannedFile | SkippedFile:
    if found.size > max_bytes:
        return SkippedFile(found.source, f"file too large ({found.size / 1e6:.1f} MB, "
                                         f"limit {max_bytes / 1e6:.1f} MB: max_file_mb)")
    try:
        digest = file_sha256(found.path, _sidecar_of(found.path),
                             _access_files(kb_root, found.source))
    except OSError as exc:
        return SkippedFile(found.source, f"cannot read: {_why(exc)}")
    return replace(found, sha256=digest)


def file_sha256(path: Path, sidecar: Path | None = None,
                access: Sequence[Path] = ()) -> str:
    """Hash of the content, of its metadata sidecar if one exists, and of the folder access
    files above it (all of them shape the index: a new ``_zugriff.yaml`` re-reads the folder)."""
    digest = hashlib.sha256()
    for part in (path, sidecar, *access):
        if part is None:
            continue
        with open_regular(part) as handle:
            while block := handle.read(_BLOCK):
                digest.update(block)
        digest.update(b"\0sidecar\0")
    return digest.hexdigest()


def _access_files(kb_root: Path, source: str) -> list[Path]:
    from indexer.loaders.access import access_files  # the loaders import this module

    return access_files(kb_root, source)


def _sidecar_of(path: Path) -> Path | None:
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    return sidecar if sidecar.is_file() else None


def _unique_sources(files: list[ScannedFile]) -> tuple[list[ScannedFile], list[SkippedFile]]:
    """Two names that differ only in Unicode normalisation would share one source."""
    unique: dict[str, ScannedFile] = {}
    clashes: list[SkippedFile] = []
    for found in files:
        if found.source in unique:
            clashes.append(SkippedFile(found.source, "another file has the same name in a "
                                                     "different Unicode normalisation"))
        else:
            unique[found.source] = found
    return list(unique.values()), clashes


def _source_name(prefix: str, name: str) -> str | None:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes arrive as lone surrogates
        return None
    # macOS and some copies store names decomposed (NFD); the index uses one spelling.
    return prefix + unicodedata.normalize("NFC", name)


def _printable(name: str) -> str:
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _why(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or type(exc).__name__
