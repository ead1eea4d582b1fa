"""The answer gate's rule: weights, intercept and threshold, fitted or calibrated.

``DEFAULT_RULE`` was fitted on the sample town's tuning questions only (bench/calibrate.py
--fit: fragen.jsonl in-domain, the far-off and near-domain tuning sets); its signals are
scale-free (bot.assistant.confidence), so it is meant to hold on any knowledge base. A town
that wants its own can calibrate it on its own questions (``python -m bot kalibrieren``):
the fitted rule is written next to the index (``gate.json``) and read at start.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from indexer.calibration import CosineScale

log = logging.getLogger(__name__)

RULE_FILE = "gate.json"


@dataclass(frozen=True)
class GateRule:
    """``confidence = sigmoid(intercept + weights . (relative, coverage, agreement))``;
    the bot answers from documents when it reaches ``threshold``."""

    intercept: float
    weights: tuple[float, float, float]
    threshold: float
    fitted_on: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)


# Fitted (bench/calibrate.py --fit, e5, split vectors) on the sample town's tuning questions
# only: fragen.jsonl (90 answerable), 22 far-off, 30 near-domain; threshold the cheapest when a
# wrong answer costs two wrong refusals. Held-out figures (other towns too): docs/assistant.md.
# Read: a cosine one "probe-to-title span" higher is worth 10 logits, full coverage 2.7,
# agreement of the two retrievers 0.5. The task match is deliberately not a weight (a town
# whose directory covers few topics must not be refused for it); it answers on its own path.
DEFAULT_RULE = GateRule(-5.108, (10.049, 2.658, 0.516), 0.59,
                        "Musterstadt tuning questions (90 in, 22 far-off, 30 near-domain), e5")
# The cosine scale assumed for an index that has none (a test's scripted searcher): the
# sample town's e5 scale. The assistant reads a real index's scale from its manifest or
# measures it at start (indexer.calibration.scale_of_version).
DEFAULT_SCALE = CosineScale(off=0.8159, on=0.9294)


def load_rule(index_dir: Path) -> GateRule:
    """The calibrated rule next to the index, else the default (a damaged file is logged)."""
    path = Path(index_dir) / RULE_FILE
    if not path.is_file():
        return DEFAULT_RULE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        weights = tuple(float(w) for w in data["weights"])
        if len(weights) != 3:
            raise ValueError("three weights expected")
        return GateRule(float(data["intercept"]), (weights[0], weights[1], weights[2]),
                        float(data["threshold"]), str(data.get("fitted_on", "")))  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring %s (%s); using the default gate", path, exc)
        return DEFAULT_RULE


def save_rule(index_dir: Path, rule: GateRule) -> Path:
    path = Path(index_dir) / RULE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(rule.to_json() + "\n", encoding="utf-8")
    return path


def fit_logistic(inside: Sequence[Sequence[float]], outside: Sequence[Sequence[float]],
                 penalty: float = 1.0) -> tuple[float, tuple[float, ...]]:  # fmt: skip
    """L2-regularised logistic regression (Newton steps on standardised signals); the
    intercept and the weights on the raw signals."""
    x = np.array([*inside, *outside], dtype=np.float64)
    y = np.array([1.0] * len(inside) + [0.0] * len(outside))
    mean, std = x.mean(0), x.std(0)
    std[std == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / std])
    w = np.zeros(z.shape[1])
    ridge = np.diag([0.0] + [penalty] * x.shape[1])  # the intercept is not penalised
    for _ in range(50):
        p = 1 / (1 + np.exp(-z @ w))
        gradient = z.T @ (p - y) + ridge @ w
        hessian = z.T @ (z * (p * (1 - p))[:, None]) + ridge
        w -= np.linalg.solve(hessian, gradient)
    weights = w[1:] / std
    return float(w[0] - np.sum(w[1:] * mean / std)), tuple(float(v) for v in weights)


def cheapest_threshold(inside: Sequence[float], outside: Sequence[float],
                       false_answer_cost: float = 2.0) -> float:  # fmt: skip
    """The middle of the cheapest range of thresholds (steps of 0.01) when a wrong answer costs
    ``false_answer_cost`` wrongly refused questions."""
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    costs = [sum(p < t for p in inside) + false_answer_cost * sum(p >= t for p in outside)
             for t in grid]  # fmt: skip
    cheapest = [float(t) for t, c in zip(grid, costs, strict=True) if c == min(costs)]
    return cheapest[len(cheapest) // 2]


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))
