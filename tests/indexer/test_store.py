from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from indexer.build import CONTEXT_WEIGHT, BuildReport
from indexer.embedding.cache import EmbeddingCache
from indexer.errors import IndexBusy, IndexNotFound, ModelMismatch
from indexer.store import BuildLock, current_version_id, open_current


def test_manifest_records_how_the_version_was_built(
        build: Callable[..., BuildReport], index_dir: Path, kb: Path) -> None:
    report = build()
    manifest = json.loads(
        (index_dir / "versions" / report.version_id / "manifest.json").read_text("utf-8"))
    assert manifest["version_id"] == report.version_id == current_version_id(index_dir)
    assert manifest["model"] == "fake" and manifest["dimension"] == 64
    assert manifest["chunking"] == {"chunk_tokens": 64, "max_tokens": 512}
    assert manifest["code_version"].startswith("0.1.0+")
    assert manifest["kb_dir"] == str(kb.resolve())
    assert manifest["counts"]["files"] == 2 and manifest["counts"]["skipped"] == 0
    assert manifest["counts"]["chunks"] == report.chunks == 3
    assert manifest["counts"]["embedded"] == report.embedded == 3 + 2  # bodies and titles
    assert manifest["vectors"] == {"kind": "split", "context_weight": CONTEXT_WEIGHT}
    assert manifest["built_at"].endswith("+00:00") and manifest["build_seconds"] >= 0
    layout = sorted(p.name for p in (index_dir / "versions" / report.version_id).iterdir())
    assert layout == ["chunks.sqlite", "dense.faiss", "lexical", "manifest.json"]


def test_open_current_reads_chunks_meta_and_searches(
        build: Callable[..., BuildReport], index_dir: Path, fake) -> None:  # type: ignore[no-untyped-def]
    build()
    version = open_current(index_dir, "fake")
    assert version.documents() == ["bauhof/muell.md", "steueramt/hundesteuer.md"]
    assert version.dense.ntotal == version.chunk_count == version.lexical.size
    scores, ids = version.dense.search(fake.embed_query("Hundemarke zurückgegeben")[None, :], 1)
    best = version.chunks([int(ids[0][0])])[0]
    assert best.source == "steueramt/hundesteuer.md" and "zurückgegeben" in best.text
    assert best.title == "Übergabe Hundesteuer" and best.meta.keywords == ("Hund", "Hundemarke")
    assert version.document_meta()["steueramt/hundesteuer.md"].title == "Übergabe Hundesteuer"
    lexical_best = version.lexical.search("Sperrmüll", 1)[0][0]
    assert version.chunks([lexical_best])[0].source == "bauhof/muell.md"
    ids_wanted = [version.chunk_count - 1, 0]
    assert [c.ordinal for c in version.chunks(ids_wanted)] == [
        version.chunks([i])[0].ordinal for i in ids_wanted]
    with pytest.raises(KeyError):
        version.chunks([version.chunk_count])


def test_model_mismatch_names_the_command(
        build: Callable[..., BuildReport], index_dir: Path, kb: Path) -> None:
    build()
    with pytest.raises(ModelMismatch) as caught:
        open_current(index_dir, "e5")
    message = str(caught.value)
    assert f"python -m indexer build --kb {kb.resolve()} --index {index_dir} --model e5" in message
    assert "'fake'" in message


def test_no_index_yet(tmp_path: Path) -> None:
    assert current_version_id(tmp_path) is None
    with pytest.raises(IndexNotFound, match="python -m indexer build"):
        open_current(tmp_path, None)


def test_old_versions_are_pruned_to_keep_versions(
        build: Callable[..., BuildReport], index_dir: Path, kb: Path) -> None:
    ids = []
    for n in range(4):
        (kb / f"neu{n}.md").write_text(f"# Neu {n}\nText {n}", encoding="utf-8")
        ids.append(build(keep_versions=2).version_id)
    kept = sorted(p.name for p in (index_dir / "versions").iterdir())
    assert kept == sorted(ids[-2:])
    assert current_version_id(index_dir) == ids[-1]


def test_build_lock_is_exclusive(index_dir: Path) -> None:
    with BuildLock(index_dir):
        with pytest.raises(IndexBusy):
            with BuildLock(index_dir):
                pass
    with BuildLock(index_dir):  # released again
        pass


def test_embedding_cache_round_trip_and_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "embeddings.sqlite"
    cache = EmbeddingCache(path)
    vector = np.arange(4, dtype=np.float32)
    cache.put_many("e5", {"h1": vector})
    assert np.array_equal(cache.get_many("e5", ["h1", "h2"], 4)["h1"], vector)
    assert cache.get_many("minilm", ["h1"], 4) == {}  # keyed by model too
    assert cache.get_many("e5", ["h1"], 8) == {}  # and by dimension
    cache.close()
    for extra in path.parent.glob("embeddings.sqlite-*"):
        extra.unlink()
    path.write_bytes(b"this is not a database" * 100)
    fresh = EmbeddingCache(path)  # moved aside, started afresh: costs time, not the build
    assert fresh.count() == 0
    assert any(p.name.startswith("embeddings.sqlite.damaged-") for p in path.parent.iterdir())
