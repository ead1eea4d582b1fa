"""Prometheus metrics of one bot process: what happened, never who asked or what.

Every series carries a ``town`` label (``DEFAULT_TOWN`` while one process serves one town).
Labels take values from small fixed sets only (outcomes, votes, turn kinds) or from the
configured towns (capped at ``MAX_TOWNS``): no question text, name, user id or document
title ever becomes a label. Each ``Metrics`` has its own registry (no module-level state), so
tests and several apps in one process do not share counters.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

DEFAULT_TOWN = "default"
MAX_TOWNS = 200  # more distinct towns than this are counted as "other" (bounded cardinality)
OTHER_TOWN = "other"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

OUTCOMES = ("answered", "not_found")
VOTES = ("up", "down")
REINDEX_RESULTS = ("ok", "failed")
TURN_KINDS = ("question", "feedback", "handover", "routing", "command", "rate_limited", "error")
# Seconds: answers take ~0.1-2 s on two cores; the tail shows overload.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
REINDEX_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600)

# What the assistant knows about its index, read at scrape time: (town, searcher-like object).
IndexSource = Callable[[], Iterable[tuple[str | None, Any]]]


class Metrics:
    """The counters and histograms the bot updates, and the scrape (``render``)."""

    def __init__(self, index_source: IndexSource | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._towns: set[str] = set()
        self._towns_lock = threading.Lock()
        r = self.registry
        self.questions = Counter(
            "wissenslotse_questions", "Questions answered or refused (nothing found)",
            ["town", "outcome"], registry=r)
        self.question_seconds = Histogram(
            "wissenslotse_question_seconds", "Time from a question to its answer (seconds)",
            ["town"], buckets=LATENCY_BUCKETS, registry=r)
        self.turns = Counter(
            "wissenslotse_turns", "Messages and card actions by kind", ["town", "kind"],
            registry=r)
        self.feedback = Counter(
            "wissenslotse_feedback", "Stored feedback votes on answers", ["town", "vote"],
            registry=r)
        self.reindex = Counter(
            "wissenslotse_reindex", "Index builds started by this process, by result",
            ["town", "result"], registry=r)
        self.reindex_seconds = Histogram(
            "wissenslotse_reindex_seconds", "Duration of index builds (seconds)", ["town"],
            buckets=REINDEX_BUCKETS, registry=r)
        ProcessCollector(registry=r)  # process_resident_memory_bytes, cpu seconds, open fds
        if index_source is not None:
            r.register(IndexCollector(index_source, self.town))

    def town(self, town: str | None) -> str:
        """The label of ``town``: the configured id, capped in number."""
        name = town or DEFAULT_TOWN
        with self._towns_lock:
            if name in self._towns:
                return name
            if len(self._towns) >= MAX_TOWNS:
                return OTHER_TOWN
            self._towns.add(name)
            return name

    def observe_question(self, town: str | None, found: bool, seconds: float) -> None:
        label = self.town(town)
        self.questions.labels(label, "answered" if found else "not_found").inc()
        self.question_seconds.labels(label).observe(seconds)

    def observe_turn(self, town: str | None, kind: str) -> None:
        self.turns.labels(self.town(town), kind if kind in TURN_KINDS else "command").inc()

    def observe_feedback(self, town: str | None, vote: str) -> None:
        if vote in VOTES:
            self.feedback.labels(self.town(town), vote).inc()

    def observe_reindex(self, town: str | None, ok: bool, seconds: float) -> None:
        label = self.town(town)
        self.reindex.labels(label, "ok" if ok else "failed").inc()
        self.reindex_seconds.labels(label).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class IndexCollector(Collector):
    """Index version and age, read from the serving searcher at each scrape."""

    def __init__(self, source: IndexSource, town: Callable[[str | None], str]) -> None:
        self._source = source
        self._town = town

    def describe(self) -> list[Metric]:
        return []  # collected fresh each scrape; nothing to describe up front

    def collect(self) -> Iterator[Metric]:
        info = GaugeMetricFamily("wissenslotse_index_info",
                                 "The index version a town is served from (value 1)",
                                 labels=["town", "version"])
        age = GaugeMetricFamily("wissenslotse_index_age_seconds",
                                "Seconds since the serving index version was built",
                                labels=["town"])
        chunks = GaugeMetricFamily("wissenslotse_index_chunks",
                                   "Passages (chunks) in the serving index version",
                                   labels=["town"])
        for town, searcher in self._source():
            label = self._town(town)
            version = _attribute(searcher, "version_id")
            if not version:
                continue
            info.add_metric([label, str(version)[:80]], 1)
            manifest = _attribute(searcher, "manifest") or {}
            built = _built_at(manifest)
            if built is not None:
                age.add_metric([label], max(0.0, time.time() - built))
            count = (manifest.get("counts") or {}).get("chunks")
            if isinstance(count, int):
                chunks.add_metric([label], count)
        yield from (info, age, chunks)


def _attribute(searcher: Any, name: str) -> Any:
    try:
        return getattr(searcher, name, None)
    except Exception:  # a searcher without a version raises; a scrape must still answer
        return None


def _built_at(manifest: Any) -> float | None:
    try:
        return datetime.fromisoformat(str(manifest["built_at"])).timestamp()
    except (KeyError, TypeError, ValueError):
        return None
