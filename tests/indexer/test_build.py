from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import indexer.build.pipeline
import indexer.loaders
from indexer.build import VectorRecipe, scan_knowledge_base
from indexer.build.pipeline import BuildReport, KnowledgeBaseEmpty, build_index
from indexer.cli import main
from indexer.embedding import FakeEmbedder
from indexer.settings import IndexSettings
from indexer.store import current_version_id, open_current
from tests.indexer.conftest import HUNDESTEUER, REPO, copy_formats, write

Build = Callable[..., BuildReport]


class OutOfMemory(FakeEmbedder):
    """An embedder that fails in the middle of a build."""

    def embed_passages(self, texts: list[str]):  # type: ignore[no-untyped-def]
        raise RuntimeError("out of memory")


@pytest.fixture
def loaded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files the build actually loads (spy on the loaders' entry point)."""
    calls: list[str] = []
    real = indexer.loaders.load_file

    def spy(path: Path, kb_root: Path, *roots: Any):  # type: ignore[no-untyped-def]
        calls.append(path.name)
        return real(path, kb_root, *roots)

    monkeypatch.setattr(indexer.loaders, "load_file", spy)
    return calls


def test_no_change_rebuild_embeds_nothing_and_keeps_the_version(
        build: Build, fake: FakeEmbedder, loaded: list[str]) -> None:
    first = build()
    assert first.embedded == len(fake.embedded_texts) > first.chunks > 0  # bodies + titles
    assert len(first.new) == 2
    loaded.clear()
    again = build()
    assert (again.embedded, again.published, again.version_id) == (0, False, first.version_id)
    assert fake.embedded_texts == [] and loaded == []
    assert len(again.unchanged) == 2 and again.chunks == first.chunks


def test_every_successful_build_leaves_a_new_token_a_failed_one_none(
        settings: IndexSettings, kb: Path, index_dir: Path) -> None:
    """BUILT changes with every build, published or not (replicas read their directory
    again); a failed build leaves it as it was."""
    from indexer.errors import IndexBusy
    from indexer.store import BuildLock, read_built

    assert read_built(index_dir) is None
    build_index(settings, embedder=FakeEmbedder())
    first = read_built(index_dir)
    assert not build_index(settings, embedder=FakeEmbedder()).published
    second = read_built(index_dir)
    assert first and second and second != first
    with BuildLock(index_dir), pytest.raises(IndexBusy):  # another build holds the index
        build_index(settings, embedder=FakeEmbedder())
    assert read_built(index_dir) == second

    write(kb, "neu.md", "# Neu\nGanz neuer Text")
    with pytest.raises(RuntimeError):
        build_index(settings, embedder=OutOfMemory())
    assert read_built(index_dir) == second


def test_edited_file_reembeds_only_its_changed_chunks(
        build: Build, fake: FakeEmbedder, kb: Path, index_dir: Path, loaded: list[str]) -> None:
    build()
    loaded.clear()
    edited = HUNDESTEUER.replace("zurückgegeben.", "im Bürgerbüro zurückgegeben.")
    (kb / "steueramt" / "hundesteuer.md").write_text(edited, encoding="utf-8")
    report = build()
    assert report.changed == ("steueramt/hundesteuer.md",) and len(report.unchanged) == 1
    assert loaded == ["hundesteuer.md"]  # the unchanged file is not read again
    assert len(fake.embedded_texts) == 1 and "im Bürgerbüro" in fake.embedded_texts[0]
    texts = [c.text for c in open_current(index_dir).chunks_of("steueramt/hundesteuer.md")]
    assert any("im Bürgerbüro zurückgegeben" in t for t in texts)


def test_deleted_and_renamed_files_leave_the_index(
        build: Build, fake: FakeEmbedder, kb: Path, index_dir: Path) -> None:
    build()
    (kb / "bauhof" / "muell.md").unlink()
    (kb / "steueramt" / "hundesteuer.md").rename(kb / "steueramt" / "hunde.md")
    report = build()
    assert report.removed == ("bauhof/muell.md", "steueramt/hundesteuer.md")
    assert report.new == ("steueramt/hunde.md",)
    assert fake.embedded_texts == []  # same texts: the vectors are reused
    version = open_current(index_dir, "fake")
    assert version.documents() == ["steueramt/hunde.md"]
    sources = {c.source for c in version.chunks(range(version.chunk_count))}
    assert sources == {"steueramt/hunde.md"} and version.dense.ntotal == version.chunk_count


def test_identical_texts_are_embedded_once(
        build: Build, fake: FakeEmbedder, kb: Path, index_dir: Path) -> None:
    for district in ("altona", "harburg", "wandsbek"):
        write(kb, f"{district}/hundesteuer.md", HUNDESTEUER)
    report = build()
    version = open_current(index_dir)
    per_copy = len(version.chunks_of("altona/hundesteuer.md"))
    chunks = version.chunks(range(version.chunk_count))
    parts = {c.body_text for c in chunks} | {c.context_text for c in chunks}
    assert len(fake.embedded_texts) == len(set(fake.embedded_texts)) == report.embedded
    assert set(fake.embedded_texts) == parts
    assert report.duplicates == 3 * per_copy > 0
    assert report.chunks == len({c.text_hash for c in chunks}) + report.duplicates


def test_a_body_repeated_under_other_titles_is_embedded_once(
        build: Build, fake: FakeEmbedder, kb: Path, index_dir: Path) -> None:
    # The Hamburg case: every district page has its own title over the same procedure text.
    body = HUNDESTEUER.split("---\n", 2)[2]
    districts = ("Altona", "Harburg", "Wandsbek")
    for district in districts:
        write(kb, f"{district.lower()}/hundesteuer.md", f"---\ntitel: {district} Hundesteuer\n"
              f"---\n{body}")
    report = build()
    version = open_current(index_dir)
    copies = [version.chunks_of(f"{d.lower()}/hundesteuer.md") for d in districts]
    assert [c.title for c in copies[0]][0] == "Altona Hundesteuer"
    bodies = [c.body_text for c in copies[0]]
    assert all([c.body_text for c in copy] == bodies for copy in copies)
    for body_text in bodies:
        assert fake.embedded_texts.count(body_text) == 1
    for district in districts:
        assert fake.embedded_texts.count(f"{district} Hundesteuer") == 1
    assert report.embedded == len(fake.embedded_texts) < report.chunks
    # Each copy keeps its own context: same body, different titles, different vectors.
    rows = {c.source: i for i, c in enumerate(version.chunks(range(version.chunk_count)))
            if c.ordinal == 0}
    first = version.dense.reconstruct(rows["altona/hundesteuer.md"])
    second = version.dense.reconstruct(rows["harburg/hundesteuer.md"])
    assert 0.5 < float(first @ second) < 0.9999


def test_another_vector_recipe_rebuilds_every_vector(
        build: Build, fake: FakeEmbedder, settings: IndexSettings, index_dir: Path,
        loaded: list[str]) -> None:
    split = build()
    assert open_current(index_dir).manifest["vectors"] == VectorRecipe().to_manifest()
    loaded.clear()
    fake.embedded_texts.clear()
    joint = build_index(settings, embedder=fake, recipe=VectorRecipe("joint"))
    version = open_current(index_dir)
    assert joint.published and joint.version_id != split.version_id
    assert version.manifest["vectors"] == {"kind": "joint"} and len(loaded) == 2
    # The old recipe: each chunk's full text (title, headings, text) embedded as one string.
    chunks = version.chunks(range(version.chunk_count))
    assert fake.embedded_texts == [c.embed_text for c in chunks]
    expected = fake.embed_passages([c.embed_text for c in chunks])
    np.testing.assert_allclose(version.dense.reconstruct_n(0, len(chunks)), expected)
    loaded.clear()
    fake.embedded_texts.clear()
    back = build()  # back to the split recipe: its strings are all in the cache
    assert back.published and back.embedded == 0 and fake.embedded_texts == []
    assert len(loaded) == 2


def test_bad_inputs_are_reported_and_the_rest_is_indexed(
        build: Build, kb: Path, index_dir: Path) -> None:
    copy_formats(kb / "formate")
    write(kb, "gross.txt", "Wort " * 250_000)  # 1.25 MB, over the 1 MB limit below
    os.symlink(kb / "formate", kb / "formate" / "schleife")
    os.symlink(kb / "fehlt.md", kb / "verwaist.md")
    with open(os.path.join(os.fsencode(kb), b"name-\xe4.md"), "wb") as handle:
        handle.write(b"# Latin-1 name\nText")
    report = build(max_file_mb=1.0)
    reasons = {s.file: s.reason for s in report.skipped}
    expected = {
        "formate/abgeschnitten.pdf": "corrupt PDF", "formate/keine_seiten.pdf": "no pages",
        "formate/verschluesselt.pdf": "encrypted", "formate/webseite.pdf": "not a PDF",
        "formate/scan.pdf": "no text layer", "formate/leer.md": "empty file",
        "formate/muell.md": "binary content", "formate/kaputt_frontmatter.md": "invalid YAML",
        "gross.txt": "too large", "formate/schleife": "symlink loop",
        "verwaist.md": "broken symlink", "name-\ufffd.md": "not valid UTF-8",
    }
    assert set(reasons) == set(expected)
    for file, words in expected.items():
        assert words in reasons[file], (file, reasons[file])
    version = open_current(index_dir, "fake")
    assert {"formate/handbuch.pdf", "formate/uebergabe.docx", "formate/verfahren.odt",
            "formate/ansi.txt", "formate/gebuehren.csv", "formate/hundesteuer.md",
            "formate/Gebühren – Übersicht (2026) ✓.md", "steueramt/hundesteuer.md"
            } <= set(version.documents())
    pages = {c.page for c in version.chunks_of("formate/handbuch.pdf")}
    assert pages == {1, 2, 3}
    assert {(s["file"], s["reason"]) for s in version.skipped()} == set(reasons.items())


def test_empty_knowledge_base_does_not_replace_a_serving_version(
        build: Build, kb: Path, index_dir: Path) -> None:
    first = build()
    shutil.rmtree(kb)
    kb.mkdir()  # e.g. a network share that is not mounted
    with pytest.raises(KnowledgeBaseEmpty, match="not replacing"):
        build()
    assert current_version_id(index_dir) == first.version_id


def test_failing_embedder_leaves_the_previous_version_serving(
        settings: IndexSettings, kb: Path, index_dir: Path) -> None:
    first = build_index(settings, embedder=FakeEmbedder())

    write(kb, "neu.md", "# Neu\nGanz neuer Text")
    with pytest.raises(RuntimeError):
        build_index(settings, embedder=OutOfMemory())
    assert current_version_id(index_dir) == first.version_id
    assert open_current(index_dir, "fake").documents() == first_documents(first, index_dir)
    after = build_index(settings, embedder=FakeEmbedder())  # the lock was released
    assert "neu.md" in after.new


def first_documents(report: BuildReport, index_dir: Path) -> list[str]:
    return sorted([*report.new, *report.changed, *report.unchanged])


def test_changed_chunk_settings_reload_every_file(build: Build, loaded: list[str]) -> None:
    build()
    loaded.clear()
    report = build(chunk_tokens=128)
    assert sorted(loaded) == ["hundesteuer.md", "muell.md"] and report.published


def test_other_model_gets_its_own_vectors(
        settings: IndexSettings, index_dir: Path) -> None:
    build_index(settings, embedder=FakeEmbedder(dimension=64))
    other = FakeEmbedder(dimension=32)
    other.name = "fake-32"
    report = build_index(settings.model_copy(update={"model": "fake-32"}), embedder=other)
    assert report.embedded == len(other.embedded_texts) > 0 and report.cached == 0
    assert report.published
    version = open_current(index_dir, "fake-32")
    assert version.manifest["dimension"] == 32 and version.dense.d == 32


BUILD_SCRIPT = """
import json, sys
from indexer.build import build_index
from indexer.embedding import FakeEmbedder
from indexer.settings import IndexSettings

settings = IndexSettings(kb_dir=sys.argv[1], index_dir=sys.argv[2], model="fake",
                         chunk_tokens=64)
def progress(phase, done, total):
    print(json.dumps([phase, done, total]), flush=True)
report = build_index(settings, embedder=FakeEmbedder(delay=float(sys.argv[3])),
                     progress=progress)
print(json.dumps(report.to_dict()), flush=True)
"""


def run_build_process(kb: Path, index_dir: Path, delay: float, **kwargs: object
                      ) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", BUILD_SCRIPT, str(kb), str(index_dir),
                             str(delay)], stdout=subprocess.PIPE, text=True, env=env,
                            **kwargs)  # type: ignore[call-overload]


@pytest.mark.slow
def test_kill_during_embedding_leaves_the_old_version_serving(
        settings: IndexSettings, kb: Path, index_dir: Path) -> None:
    first = build_index(settings, embedder=FakeEmbedder())
    for n in range(60):
        write(kb, f"neu/dokument{n:02d}.md", f"# Dokument {n}\nEigener Inhalt Nummer {n}.")
    process = run_build_process(kb, index_dir, delay=0.3)
    assert process.stdout is not None
    for line in process.stdout:  # wait until some batches are embedded (no timing)
        phase, done, total = json.loads(line)
        if phase == "embed" and done >= 32:
            break
    process.kill()  # SIGKILL: no clean-up code runs
    process.wait()
    assert current_version_id(index_dir) == first.version_id
    version = open_current(index_dir, "fake")
    query = FakeEmbedder().embed_query("Hundemarke zurückgegeben")
    _, ids = version.dense.search(query[None, :], 1)
    assert version.chunks([int(ids[0][0])])[0].source == "steueramt/hundesteuer.md"
    assert version.lexical.search("Sperrmüll", 1)
    after = build_index(settings, embedder=FakeEmbedder())  # lock free, build succeeds
    assert len(after.new) == 60 and after.version_id != first.version_id
    assert after.cached >= 32  # batches embedded before the kill were kept in the cache
    assert not [p for p in (index_dir / "versions").iterdir() if p.name.endswith(".partial")]


def test_unreadable_file_without_read_override(tmp_path: Path) -> None:
    """Root reads mode-000 files anyway; as root the build runs without the capabilities
    that override file permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so the
    permission check is real."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot make a file unreadable")
        prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"]
    kb, index_dir = tmp_path / "kb", tmp_path / "index"
    write(kb, "offen.md", "# Offen\nLesbarer Text.")
    write(kb, "geheim.md", "# Geheim\nNicht lesbar.")
    os.chmod(kb / "geheim.md", 0)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([*prefix, sys.executable, "-c", BUILD_SCRIPT, str(kb), str(index_dir),
                           "0"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["skipped"] == [{"file": "geheim.md",
                                  "reason": "cannot read: permission denied"}]
    assert report["new"] == ["offen.md"]


# hostile or odd knowledge bases given to ``python -m indexer build``.


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indexer.build.pipeline, "load_embedder", lambda name: FakeEmbedder())


def cli(*args: str | Path) -> int:
    return main([str(a) for a in args])


def indexed_text(index_dir: Path) -> str:
    version = open_current(index_dir, expect_model=None)
    try:
        chunks = [c for source in version.documents() for c in version.chunks_of(source)]
    finally:
        version.close()
    return "\n".join(c.text for c in chunks)


def test_symlinks_out_of_the_knowledge_base_are_skipped_not_indexed(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    write(kb, "steueramt/hundesteuer.md", HUNDESTEUER)
    secret = write(tmp_path / "draussen", "geheim.txt", "Passwort des Bots: streng-geheim-4711")
    os.symlink(secret, kb / "x.txt")  # like a link to /etc/passwd or to the bot's .env
    os.symlink(secret.parent, kb / "ordner")  # a folder link out of the knowledge base
    os.symlink(kb / "steueramt" / "hundesteuer.md", kb / "verweis.md")  # inside: fine
    result = scan_knowledge_base(kb, 10**6)
    assert [f.source for f in result.files] == ["steueramt/hundesteuer.md", "verweis.md"]
    reasons = {s.file: s.reason for s in result.skipped}
    assert reasons == {"ordner": "symlink points outside the knowledge base",
                       "x.txt": "symlink points outside the knowledge base"}
    index_dir = tmp_path / "index"
    assert cli("build", "--kb", kb, "--index", index_dir) == 3  # built, with skipped files
    assert "streng-geheim" not in indexed_text(index_dir)
    os.symlink(kb, tmp_path / "kb-verweis")  # a linked knowledge base folder itself is fine
    linked = scan_knowledge_base(tmp_path / "kb-verweis", 10**6)
    assert [f.source for f in linked.files] == ["steueramt/hundesteuer.md", "verweis.md"]


def test_fifo_folder_named_md_empty_pdf_and_deep_folders(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = tmp_path / "kb"
    write(kb, "x.md/drin.md", "# Drin\n\nText im Ordner, der wie eine Datei heißt.")
    os.mkfifo(kb / "x.txt")  # reading it would block the build forever
    write(kb, "leer.pdf", b"")
    deep = "/".join(f"ebene{i}" for i in range(60))
    write(kb, f"{deep}/tief.md", "# Tief\n\nGanz unten liegt die Hundemarke.")
    index_dir = tmp_path / "index"
    assert cli("build", "--kb", kb, "--index", index_dir, "--progress-json") == 3
    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert sorted(report["new"]) == [f"{deep}/tief.md", "x.md/drin.md"]
    text = indexed_text(index_dir)
    assert "Hundemarke" in text and "Ordner" in text


def test_index_folder_that_cannot_be_created_is_a_clear_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = tmp_path / "kb"
    write(kb, "a.md", HUNDESTEUER)
    blocker = write(tmp_path, "datei", "kein Ordner")  # (chmod does not stop root)
    code = cli("build", "--kb", kb, "--index", blocker / "index")
    captured = capsys.readouterr()
    assert code in (1, 2)
    assert "Traceback" not in captured.err and "index" in captured.err.lower()


def test_file_deleted_or_replaced_by_a_fifo_between_scan_and_load(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = tmp_path / "kb"
    write(kb, "bleibt.md", HUNDESTEUER)
    write(kb, "weg.md", "# Weg\n\nGleich gelöscht.")
    write(kb, "rohr.txt", "Gleich eine Pipe.")
    real_scan = indexer.build.pipeline.scan_knowledge_base

    def scan_then_change(kb_root: Path, max_bytes: int) -> object:
        result = real_scan(kb_root, max_bytes)
        (kb / "weg.md").unlink()
        (kb / "rohr.txt").unlink()
        os.mkfifo(kb / "rohr.txt")  # opening it for reading would block the build forever
        return result

    monkeypatch.setattr(indexer.build.pipeline, "scan_knowledge_base", scan_then_change)
    index_dir = tmp_path / "index"
    assert cli("build", "--kb", kb, "--index", index_dir) == 3
    version = open_current(index_dir, expect_model=None)
    try:
        assert version.documents() == ["bleibt.md"]
    finally:
        version.close()


def test_fifo_as_ignore_file_or_sidecar_does_not_hang(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    write(kb, "a.md", HUNDESTEUER)
    write(kb, "b.txt", "Ein Text mit Seitenwagen.")
    os.mkfifo(kb / ".indexignore")
    os.mkfifo(kb / "b.txt.meta.yaml")
    index_dir = tmp_path / "index"
    assert cli("build", "--kb", kb, "--index", index_dir) == 3  # b.txt: sidecar unreadable
    version = open_current(index_dir, expect_model=None)
    try:
        assert version.documents() == ["a.md"]
        assert [s["file"] for s in version.skipped()] == ["b.txt"]
    finally:
        version.close()


def test_sidecar_linked_out_of_the_knowledge_base_is_not_read(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    write(kb, "a.md", HUNDESTEUER)
    write(kb, "b.txt", "Ein Text mit Seitenwagen.")
    outside = write(tmp_path / "draussen", "config.yaml", "titel: GEHEIM-4711\n")
    os.symlink(outside, kb / "b.txt.meta.yaml")
    index_dir = tmp_path / "index"
    assert cli("build", "--kb", kb, "--index", index_dir) == 3
    version = open_current(index_dir, expect_model=None)
    try:
        titles = [meta.title for meta in version.document_meta().values()]
        skipped = version.skipped()
    finally:
        version.close()
    assert "GEHEIM-4711" not in titles
    assert skipped == [{"file": "b.txt",
                        "reason": "sidecar b.txt.meta.yaml links outside the knowledge base"}]
