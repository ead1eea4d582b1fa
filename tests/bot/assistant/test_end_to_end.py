"""End to end with the real e5 model, a real index of the sample knowledge base (built once per
session), the real searcher, directory and SQLite state, and fixed dates."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from bot.turns import Reply, Turn, UserRef

from .card_schema import problems

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[3]
KB = REPO / "knowledge_base"
DAY = date(2026, 8, 5)  # Birgit Schneider (Hundesteuer) is on long leave, Gerda Wagner too
DEMO = "Wer kümmert sich um die Hundesteuer und wie melde ich einen Hund ab?"
OUTSIDER = UserRef("aad-nobody")
SEIDEL = UserRef("web:s", person_id="dseidel")  # personalamt
KOCH = UserRef("2c8f5b03-9d6e-4a1c-b4f7-e0a3d9c5b826", teams_id="29:koch")  # Teams AAD id


@pytest.fixture
def live(kb_index: Path, embedder: Any, tmp_path: Path) -> Any:
    from bot.assistant.assistant import Assistant
    from bot.assistant.warmup import documents_meta
    from bot.directory.directory import Directory
    from bot.state.sqlite import State
    from indexer.search.searcher import Searcher

    # three users ask dozens of questions at once here: the per-sender limits (test_throttle)
    # are lifted so they do not decide the answers
    settings = Settings(_env_file=None, kb_dir=KB, index_dir=kb_index,
                        state_db=tmp_path / "state.sqlite", admins=["ukeller"],
                        rate_limit_per_minute=10_000, max_pending_per_sender=100)  # fmt: skip
    state = State(settings.state_db)
    meta = documents_meta(settings)
    directory = Directory.load(settings.directory_path, meta)
    searcher = Searcher(kb_index, embedder)
    return Assistant(settings, searcher, directory, state, today=lambda: DAY, docs_meta=meta)


def ask(assistant: Any, text: str, user: UserRef = OUTSIDER) -> Reply:
    replies = asyncio.run(assistant.handle(Turn(text, user, "conv")))
    assert len(replies) == 1
    return replies[0]


def test_demo_question_names_the_deputy_steps_and_source(live: Any) -> None:
    reply = ask(live, DEMO)
    answer = reply.data["answer"]
    assert answer["found"] and answer["task_id"] == "hundesteuer"
    who = answer["who"]
    assert who["contact"]["name"] == "Tobias Koch"
    assert who["contact"]["phone"] == "07123 4567-232" and who["contact"]["room"] == "Rathaus 1.11"
    assert who["is_stand_in"]
    assert any("Birgit Schneider ist bis 31.12.2030 abwesend" in line for line in who["reasons"])
    source = answer["sources"][0]
    assert source["path"] == "steueramt/hundesteuer_uebergabe.md"
    assert source["section"].endswith("Abmeldung eines Hundes")
    assert answer["steps"][0].startswith("Abmeldung **schriftlich** entgegennehmen")
    assert len(answer["steps"]) == 6
    document = " ".join((KB / source["path"]).read_text(encoding="utf-8").split())
    for step in answer["steps"]:  # quoted, never invented
        for part in step.split("\n- "):
            assert " ".join(part.rstrip("…").split()) in document
    assert reply.card is not None and problems(reply.card) == []


def test_deputy_absent_too_moves_to_the_department_head(live: Any) -> None:
    assert ask(live, "abwesend 03.08.-07.08.", KOCH).data["stored"]
    who = ask(live, DEMO).data["answer"]["who"]
    assert who["contact"]["name"] == "Ulrich Keller"  # head of Steueramt/Kämmerei
    assert any("Tobias Koch" in line and "07.08.2026" in line for line in who["reasons"])


def test_restricted_document_is_never_cited_to_an_outsider(live: Any) -> None:
    question = "Wie läuft der monatliche Abrechnungslauf der Gehälter in LOGA?"
    restricted = "personalamt/uebergabe_entgeltabrechnung.md"
    outsider = ask(live, question).data["answer"]
    assert all(s["path"] != restricted for s in outsider["sources"])
    secret = " ".join((KB / restricted).read_text(encoding="utf-8").split())
    assert not any(" ".join(step.split()) in secret for step in outsider["steps"])
    assert outsider["who"]["contact"]["name"] == "Daniel Seidel"  # who does it is no secret
    insider = ask(live, question, SEIDEL).data["answer"]
    assert insider["sources"][0]["path"] == restricted


def test_out_of_domain_question_records_a_gap(live: Any) -> None:
    reply = ask(live, "Wer hat die Fußball-WM 2014 gewonnen?")
    assert reply.data["kind"] == "not_found"
    assert live.state.unanswered(5) == [("Wer hat die Fußball-WM 2014 gewonnen?", 1)]
    assert reply.card is not None
    actions = [a["data"].get("action") for a in reply.card["actions"]]
    assert 1 <= actions.count("ask") <= 3  # the closest topics
    assert actions[-1] == "frage_weiterleiten"  # and the question can go to a person (issue 12)


def test_questions_asked_at_once_get_the_answers_asked_one_by_one(live: Any) -> None:
    """Searches run side by side (real model, index and state): the same answers as in turn."""
    import json

    questions = [json.loads(line)["question"]
                 for line in (KB / "fragen.jsonl").read_text(encoding="utf-8").splitlines()
                 if line.strip()][:40]  # fmt: skip
    users = [OUTSIDER, SEIDEL, KOCH]
    turns = [Turn(q, users[i % 3], f"conv-{i}") for i, q in enumerate(questions)]

    def answers(replies: list[list[Reply]]) -> list[tuple[str, Any]]:
        found = []
        for reply in (r[0] for r in replies):
            data = dict(reply.data["answer"])
            data.pop("answer_id")
            found.append((reply.text, data))
        return found

    alone = [asyncio.run(live.handle(turn)) for turn in turns]

    async def together() -> list[list[Reply]]:
        return list(await asyncio.gather(*(live.handle(turn) for turn in turns)))

    assert answers(asyncio.run(together())) == answers(alone)
    assert sum(r[0].data["kind"] == "answer" for r in alone) >= 0.8 * len(turns)
