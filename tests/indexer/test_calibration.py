"""The index's own cosine scale: measured at build time into the manifest, or on demand for
a version built before (indexer.calibration)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from indexer.build.pipeline import BuildReport
from indexer.calibration import MANIFEST_KEY, CosineScale, scale_of_version
from indexer.embedding import FakeEmbedder
from indexer.store.version import open_current


def test_a_build_stores_the_scale_in_the_manifest(
    build: Callable[..., BuildReport], index_dir: Path, fake: FakeEmbedder
) -> None:
    build()
    version = open_current(index_dir, None)
    try:
        stored = CosineScale.from_manifest(version.manifest)
        assert stored is not None and stored.titles == 2  # one title per document
        # the titles asked as questions find their own documents; the generic probes do not
        assert stored.on > stored.off
        assert stored.relative(stored.on) == pytest.approx(1.0)
        # an older version without the key is measured on demand, to the same figures
        measured = scale_of_version(_Unstored(version), fake)
        assert measured is not None
        assert measured.off == pytest.approx(stored.off, abs=1e-4)
        assert measured.on == pytest.approx(stored.on, abs=1e-4)
    finally:
        version.close()


@dataclass
class _Unstored:
    """An open version seen as if its manifest had no scale."""

    inner: Any

    @property
    def manifest(self) -> dict[str, Any]:
        return {k: v for k, v in self.inner.manifest.items() if k != MANIFEST_KEY}

    @property
    def dense(self) -> Any:
        return self.inner.dense

    def document_meta(self) -> Any:
        return self.inner.document_meta()
