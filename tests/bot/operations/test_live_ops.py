"""A real bot process (FakeEmbedder, sample town, real HTTP on 127.0.0.1) with JSON logs and
the file watcher on: questions move the counters, the scrape and the log hold no question
text or name, and a file dropped into the knowledge base is indexed without anybody asking."""

from __future__ import annotations

import asyncio
import csv
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.reliability.conftest import private_dir
from tests.reliability.harness import BotProcess, ask, build_index, copy_sample_kb, http_get_json

pytestmark = pytest.mark.integration

ANSWERED = "Wer kümmert sich um die Hundesteuer und wie melde ich einen Hund ab?"
NOT_FOUND = "Quokka Zeppelin Marmorkuchen Saxophonunterricht"
# words of the questions that no metric name, help text or log line would contain by chance
PRIVATE_WORDS = ("Hundesteuer", "melde", "Quokka", "Zeppelin", "Marmorkuchen")
NEW_DOCUMENT = """---
titel: Bienenhaltung im Stadtgebiet
aufgabe: Bienenhaltung anzeigen
---
# Bienenhaltung im Stadtgebiet

## Anzeige eines Bienenvolks
1. Die Imkerin meldet das Volk beim Ordnungsamt an.
2. Das Ordnungsamt prüft den Standort des Bienenstocks.
"""


@pytest.fixture(scope="module")
def ops_bot() -> Iterator[BotProcess]:
    for root in private_dir("ops"):
        kb = copy_sample_kb(root / "kb")
        build_index(kb, root / "index")
        env = {"WISSENSLOTSE_LOG_FORMAT": "json", "WISSENSLOTSE_AUTO_REINDEX": "watch",
               "WISSENSLOTSE_AUTO_REINDEX_POLL_SECONDS": "0.3",
               "WISSENSLOTSE_AUTO_REINDEX_QUIET_SECONDS": "1"}
        with BotProcess(kb, root / "index", root / "state.sqlite", root / "bot.log",
                        env=env) as bot:
            yield bot


def _scrape(url: str, headers: dict[str, str] | None = None) -> str:
    import urllib.request

    request = urllib.request.Request(f"{url}/metrics", headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        return str(response.read().decode("utf-8"))


def _sample(scrape: str, name: str, **labels: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    total = 0.0
    for family in text_string_to_metric_families(scrape):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


def _names(kb: Path) -> list[str]:
    with open(kb / "_verzeichnis" / "personen.csv", encoding="utf-8") as rows:
        return [row["name"] for row in csv.DictReader(rows, delimiter=";")]


async def _conversation(url: str) -> list[list[dict[str, Any]]]:
    async with aiohttp.ClientSession() as http:
        replies = []
        for text in (ANSWERED, NOT_FOUND, ANSWERED):
            status, answer = await ask(http, url, "metrics-session", text, person="kroth")
            assert status == 200
            replies.append(answer)
        answer_id = next(r["data"]["answer"]["answer_id"] for r in replies[0]
                         if r.get("data", {}).get("kind") == "answer")
        body = {"session": "metrics-session", "text": "",
                "value": {"action": "feedback", "answer_id": answer_id, "vote": "up"}}
        async with http.post(f"{url}/api/chat", json=body) as response:
            assert response.status == 200
    return replies


def test_questions_move_the_counters_and_nothing_personal_is_scraped(
        ops_bot: BotProcess) -> None:
    before = _scrape(ops_bot.url)
    replies = asyncio.run(_conversation(ops_bot.url))
    kinds = [[r.get("data", {}).get("kind") for r in turn] for turn in replies]
    assert kinds[0] == ["answer"] and kinds[1] == ["not_found"]
    after = _scrape(ops_bot.url)

    def moved(name: str, **labels: str) -> float:
        return _sample(after, name, **labels) - _sample(before, name, **labels)

    assert moved("wissenslotse_questions_total", town="default", outcome="answered") == 2
    assert moved("wissenslotse_questions_total", town="default", outcome="not_found") == 1
    assert moved("wissenslotse_question_seconds_count", town="default") == 3
    assert moved("wissenslotse_feedback_total", town="default", vote="up") == 1
    _, health = http_get_json(f"{ops_bot.url}/healthz", 10)
    assert _sample(after, "wissenslotse_index_info", town="default",
                   version=health["index_version"]) == 1
    assert _sample(after, "wissenslotse_index_age_seconds", town="default") > 0
    for private in (*PRIVATE_WORDS, *_names(ops_bot.kb), "metrics-session", "kroth"):
        assert private not in after


def test_json_log_lines_carry_a_request_id_and_no_question_text(ops_bot: BotProcess) -> None:
    asyncio.run(_conversation(ops_bot.url))
    lines = [line for line in ops_bot.log_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    for entry in entries:
        assert {"time", "level", "logger", "message", "request_id"} <= entry.keys()
    answered = [e for e in entries if e["message"].startswith("question answered=")]
    assert answered and all(e["request_id"] for e in answered)
    text = ops_bot.log_text()
    for private in (*PRIVATE_WORDS, *_names(ops_bot.kb), "metrics-session"):
        assert private not in text


def test_a_new_file_is_indexed_by_the_watcher(ops_bot: BotProcess) -> None:
    _, health = http_get_json(f"{ops_bot.url}/healthz", 10)
    first = health["index_version"]
    (ops_bot.kb / "hauptamt" / "bienenhaltung.md").write_text(NEW_DOCUMENT, encoding="utf-8")
    deadline = time.monotonic() + 120  # a generous bound for a busy machine, not a measurement
    version, built = first, 0.0
    # the build counts once the bot has switched to it and read the directory again
    while time.monotonic() < deadline and (version == first or built < 1):
        time.sleep(0.5)
        version = http_get_json(f"{ops_bot.url}/healthz", 10)[1]["index_version"]
        scrape = _scrape(ops_bot.url)
        built = _sample(scrape, "wissenslotse_reindex_total", town="default", result="ok")
    assert version != first, "the watcher did not rebuild the index after a file change"
    assert built == 1, "one build for one file change (debounce)"
    assert _sample(scrape, "wissenslotse_index_info", town="default", version=version) == 1
