"""The answer gate reads cosines on the index's own scale: two indexes whose cosines live on
very different scales give the same decisions; the rule is calibrated and stored per index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.assistant.calibrate import calibrate
from bot.assistant.confidence import Evidence, evidence_of
from bot.assistant.gate import DEFAULT_RULE, GateRule, load_rule, save_rule
from indexer.calibration import OFF_TOPIC_PROBES, CosineScale, measure_scale
from indexer.model import Hit

from .conftest import chunk

DIMENSION = 48


class TableEmbedder:
    """Vectors from a table (text -> vector), passed through ``squash``: a stand-in for two
    models that order texts alike but score them on different cosine scales."""

    def __init__(self, table: dict[str, np.ndarray], squash: float) -> None:
        self.table, self.squash = table, squash
        self.common = np.eye(DIMENSION, dtype=np.float32)[0]

    def vector(self, text: str) -> np.ndarray:
        raw = self.table[text] + self.squash * self.common  # a shared component lifts every
        return raw / np.linalg.norm(raw)  # cosine towards 1, as e5 does with office prose

    def embed_query(self, text: str) -> np.ndarray:
        return self.vector(text)


@pytest.fixture(scope="module")
def world() -> tuple[dict[str, np.ndarray], list[str], list[str]]:
    """Documents (random directions), their titles (close to them), questions on them and
    off-topic questions (random directions)."""
    rng = np.random.default_rng(7)

    def unit() -> np.ndarray:
        v = rng.normal(size=DIMENSION).astype(np.float32)
        v[0] = 0.0
        return v / np.linalg.norm(v)

    table: dict[str, np.ndarray] = {}
    documents = [f"doc{i}" for i in range(30)]
    for name in documents:
        table[name] = unit()
        table[f"Titel {name}"] = _near(table[name], unit(), 0.25)
        table[f"Frage {name}"] = _near(table[name], unit(), 0.45)
    for probe in OFF_TOPIC_PROBES:
        table[probe] = unit()
    off_topic = [f"fremd{i}" for i in range(20)]
    for name in off_topic:
        table[name] = unit()
    return table, documents, off_topic


def _near(target: np.ndarray, noise: np.ndarray, amount: float) -> np.ndarray:
    v = (1 - amount) * target + amount * noise
    return v / np.linalg.norm(v)


def _decisions(table: dict[str, np.ndarray], documents: list[str], questions: list[str],
               squash: float) -> tuple[list[bool], list[float]]:  # fmt: skip
    embedder = TableEmbedder(table, squash)
    vectors = np.stack([embedder.vector(d) for d in documents])
    scale = measure_scale(embedder, vectors, [f"Titel {d}" for d in documents])
    assert scale is not None
    decisions, cosines = [], []
    for question in questions:
        sims = vectors @ embedder.embed_query(question)
        best = int(np.argmax(sims))
        text = chunk(f"{documents[best]}.md", "Abschnitt", question)  # covered: same words
        hits = [Hit(text, float(sims[best]), 1, dense_score=float(sims[best]),
                    lexical_score=1.0)]  # fmt: skip
        evidence = evidence_of(question, hits, 0.0, (), scale)
        decisions.append(evidence.confidence_under(DEFAULT_RULE) >= DEFAULT_RULE.threshold)
        cosines.append(float(sims[best]))
    return decisions, cosines


def test_two_cosine_scales_give_the_same_decisions(world: tuple) -> None:
    table, documents, off_topic = world
    questions = [f"Frage {d}" for d in documents] + off_topic
    plain, plain_cos = _decisions(table, documents, questions, squash=0.0)
    lifted, lifted_cos = _decisions(table, documents, questions, squash=3.0)
    # the raw cosines live on different scales: the lifted index's off-topic questions score
    # higher than the plain index's on-topic ones, so no raw threshold could serve both
    assert min(lifted_cos[len(documents):]) > max(plain_cos[: len(documents)])
    assert plain == lifted
    assert all(plain[: len(documents)]) and not any(plain[len(documents):])


def test_the_relative_cosine_is_zero_at_the_probes_and_one_at_the_titles() -> None:
    scale = CosineScale(off=0.80, on=0.92)
    assert scale.relative(0.80) == 0.0
    assert scale.relative(0.92) == pytest.approx(1.0)
    assert CosineScale.from_manifest({"cosine_scale": scale.to_manifest()}) == scale
    assert CosineScale.from_manifest({}) is None


def test_a_rule_calibrated_on_own_questions_is_stored_next_to_the_index(tmp_path: Path) -> None:
    own = [Evidence(0.9, 0.8, 0.0, relative=r, agreement=1.0) for r in np.linspace(0.2, 1.2, 20)]
    probes = [Evidence(0.8, 0.1, 0.0, relative=r) for r in np.linspace(-0.5, 0.1, 10)]
    rule = calibrate(own, probes)
    answered = sum(e.confidence_under(rule) >= rule.threshold for e in own)
    assert answered >= 19  # at least TARGET_ANSWERED of the town's own questions
    assert all(e.confidence_under(rule) < rule.threshold for e in probes)
    assert rule.threshold <= DEFAULT_RULE.threshold
    assert load_rule(tmp_path) == DEFAULT_RULE  # nothing calibrated yet
    save_rule(tmp_path, rule)
    assert load_rule(tmp_path) == rule
    (tmp_path / "gate.json").write_text("{kaputt", encoding="utf-8")
    assert load_rule(tmp_path) == DEFAULT_RULE


def test_a_calibrated_threshold_never_lets_the_probes_through() -> None:
    own = [Evidence(0.8, 0.0, 0.0, relative=-1.0) for _ in range(10)]  # all look off-topic
    probes = [Evidence(0.8, 0.0, 0.0, relative=0.0)]
    rule = calibrate(own, probes)
    assert isinstance(rule, GateRule)
    assert probes[0].confidence_under(rule) < rule.threshold


def test_kalibrieren_writes_the_rule_the_bot_reads(tmp_path: Path, monkeypatch: Any,
                                                   capsys: Any) -> None:  # fmt: skip
    import indexer.embedding
    from bot.__main__ import main
    from bot.assistant.warmup import gate_loader
    from bot.settings import Settings
    from indexer.build.pipeline import build_index
    from indexer.embedding import FakeEmbedder
    from indexer.settings import IndexSettings
    from indexer.store.version import current_version_id

    kb, index = tmp_path / "kb", tmp_path / "index"
    (kb / "steueramt").mkdir(parents=True)
    (kb / "steueramt" / "hund.md").write_text(
        "---\ntitel: Hundesteuer\n---\n# Abmeldung\n1. Formular prüfen\n2. Hundemarke "
        "zurücknehmen\n", encoding="utf-8")  # fmt: skip
    (kb / "bauhof.md").write_text("# Winterdienst\nStreuen und Räumen der Gehwege.\n", "utf-8")
    build_index(IndexSettings(_env_file=None, kb_dir=kb, index_dir=index, model="fake"),
                embedder=FakeEmbedder())  # fmt: skip
    questions = tmp_path / "fragen.jsonl"
    questions.write_text('{"question": "Hundemarke zurücknehmen", "relevant": ["hund"]}\n'
                         '{"question": "Gehwege streuen", "relevant": ["bauhof"]}\n', "utf-8")
    monkeypatch.setattr(indexer.embedding, "load_embedder", lambda name: FakeEmbedder())
    monkeypatch.setenv("WISSENSLOTSE_MODEL", "fake")
    args = ["kalibrieren", "--questions", str(questions), "--kb", str(kb), "--index", str(index)]
    assert main(args) == 0
    assert "gate.json" in capsys.readouterr().out
    rule = load_rule(index)
    assert rule != DEFAULT_RULE and rule.fitted_on == "2 eigene Fragen"
    settings = Settings(_env_file=None, kb_dir=kb, index_dir=index, model="fake")
    gate = gate_loader(settings, FakeEmbedder())(current_version_id(index))
    assert gate.rule == rule and gate.scale is not None  # what the bot serves with
    # questions the documents do not answer need no "relevant" (left out or empty)
    outside = tmp_path / "fremd.jsonl"
    outside.write_text('{"question": "Wo bekomme ich einen Angelschein?"}\n'
                       '{"question": "Was kostet ein Waffenschein?", "relevant": []}\n'
                       '{"question": "Jagdschein?", "relevant": ""}\n', "utf-8")
    assert main([*args, "--outside", str(outside)]) == 0
    refitted = load_rule(index)
    assert refitted.fitted_on == "2 eigene Fragen, 3 fremde Fragen"
