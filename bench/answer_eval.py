"""Answer quality of the whole bot per knowledge base, on held-out questions.

For each knowledge base it builds (or reuses) an index below ``--index-dir``, starts the real
assistant (``bot.assistant.build_assistant``), sends every question of its question file
through ``Assistant.handle`` as an ordinary member of staff (no access groups) on the
question's ``day``, and scores the structured answer (bench/answer_scoring.py). It also
measures retrieval on the in-scope questions (hybrid, dense, bm25; duplicates counted once)
and a plain reference retriever in the same run (bench/reference_retriever.py).

Knowledge bases (``--kb``, default all that exist):

- ``musterstadt``: the sample town, bench/questions/musterstadt.jsonl. The TUNING town:
  thresholds and rules were fitted here, its figures are not held out.
- ``lindenbach``: bench/towns/lindenbach, written from scratch. Its first question set
  (bench/questions/lindenbach.jsonl) was measured often and its failures were read while
  fixing issue 10: it is now a DEVELOPMENT set, not held out.
- ``lindenbach_b``: the same town with a second question set (bench/questions/
  lindenbach_b.jsonl), written from the documents and directory only before the bot was run on
  it. Held out until stop 19, when its failures were read: now a DEVELOPMENT set.
- ``auental``: bench/towns/auental, a third town written from scratch (stop 19) by an
  engineer who never ran the bot on it, with bench/questions/auental.jsonl. Measured twice as
  held out, then its failures were read: a DEVELOPMENT set.
- ``seebruck``: bench/towns/seebruck, a fourth town written from scratch (stop 19) by an
  engineer who never ran the bot on it nor read the bot's matching code. Held out in stop
  19 (totals only); its failures were read in stop 20: a DEVELOPMENT set.
- ``nordheide``: bench/towns/nordheide, a fifth town written from scratch (stop 19):
  measured twice as held out, then its failures were read: a DEVELOPMENT set.
- ``talheim``: bench/towns/talheim, a sixth town written from scratch (stop 19) by an
  engineer who never ran the bot on it. Held out in stop 19; its failures were read in stop
  20: a DEVELOPMENT set.
- ``auental_wer``, ``nordheide_wer``, ``talheim_wer``, ``seebruck_wer``: 15 questions each
  (stop 20) asking WHO handles something the town's directory and documents do not cover
  (10 near-domain, 5 off-topic), on the four towns above: the out-of-scope side of the
  who-question rules. DEVELOPMENT sets (their answers were read).
- ``brunnhausen``: bench/towns/brunnhausen, a seventh town written from scratch (stop 20), a
  North Rhine-Westphalian Stadt with Fachbereiche, by an engineer who never ran the bot on
  it: HELD OUT.
- ``waldenau``: bench/towns/waldenau, an eighth town written the same way (stop 21), a Saxon
  Gemeinde in the Erzgebirge organised in Ämter: HELD OUT.
- ``hamburg``: the real Hamburg service pages (../shared/data/hamburg_service) with the first
  question set; its failures were read: a DEVELOPMENT set.
- ``hamburg_c``: the same pages with a new question set (bench/questions/hamburg_c.jsonl,
  written from the pages only, stop 19): HELD OUT. It shares the ``hamburg`` index.
- ``hamburg_d``: a third question set on the same pages (bench/questions/hamburg_d.jsonl,
  stop 19, 46 pages none of the earlier sets answer from): HELD OUT.
- ``bw_swi``, ``bw_bbo``: the real bylaws (Ortsrecht) of two Baden-Württemberg municipalities,
  Schwieberdingen (33 files) and Bad Boll (37 files), in ../shared/data/bw_ortsrecht, with
  question sets written from the bylaws only (stop 20): HELD OUT. No directory: answers cite
  the bylaw.
- ``bw_hno``: the bylaws of a third municipality (Hattenhofen, 31 files) with a question set
  written the same way (stop 20; 45 how, 20 near, 10 off); its failures were read: a
  DEVELOPMENT set.
- ``bw_ehb``: the bylaws of a fourth municipality (Eschenbach, 23 files), written the same
  way in stop 21 (40 how, 15 near, 10 off): HELD OUT.
Never read a held-out set's individual results while changing the bot; once read, it is a
development set and a new one has to be written.

Usage (nice: the machine is shared; a fresh Hamburg index takes 20-40 min, reuse one):

    nice python bench/answer_eval.py --index-dir /tmp/wl-eval
    nice python bench/answer_eval.py --index-dir /tmp/wl-eval --kb lindenbach --json out.json
    nice python bench/answer_eval.py --index-dir /tmp/wl-eval --kb hamburg \\
        --reuse-index hamburg=/path/to/hamburg_index --details
    nice python bench/answer_eval.py --index-dir /tmp/wl-eval --kb none \\
        --extra-kb meinestadt /srv/wissen/knowledge_base meine_fragen.jsonl
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.answer_scoring import (  # noqa: E402
    BenchQuestion,
    Outcome,
    collapse,
    first_relevant_rank,
    load_bench_questions,
    outcome_from_answer,
    retrieval_measures,
    summarise,
    verdict,
)
from bench.answer_table import markdown_table  # noqa: E402

log = logging.getLogger("answer_eval")
HAMBURG = (REPO.parent / "shared/data/hamburg_service", Path("/work/shared/data/hamburg_service"))
BW = (REPO.parent / "shared/data/bw_ortsrecht", Path("/work/shared/data/bw_ortsrecht"))
MODES = ("hybrid", "dense", "bm25")
SEARCH_DEPTH = 40  # hits fetched before duplicates are collapsed to the top ten


@dataclass(frozen=True)
class KnowledgeBase:
    name: str
    kb: Path
    questions: Path
    held_out: bool
    duplicates: str = "path"  # duplicate rule, see answer_scoring.duplicate_key
    reference_markdown_only: bool = False
    storage: str = ""  # index and reference vectors below --index-dir (default: name)
    status: str = ""  # how the table labels it (default: "held out" or "TUNING")

    @property
    def stored_as(self) -> str:
        return self.storage or self.name


def _town(name: str, held_out: bool = False, folder: str = "",
          questions: str = "") -> KnowledgeBase:  # fmt: skip
    """A town written from scratch, bench/towns/<folder, default name>, with the questions
    bench/questions/<questions, default name>.jsonl; a set sharing another's folder shares
    its index. Not held out: a development set."""
    folder = folder or name
    return KnowledgeBase(name, REPO / "bench/towns" / folder / "knowledge_base",
                         REPO / "bench/questions" / f"{questions or name}.jsonl", held_out,
                         storage="" if folder == name else folder,
                         status="" if held_out else "development")  # fmt: skip


def _hamburg(name: str, pages: Path, held_out: bool) -> KnowledgeBase:
    """A question set on the Hamburg service pages (one index for all of them)."""
    return KnowledgeBase(name, pages, REPO / "bench/questions" / f"{name}.jsonl", held_out,
                         duplicates="service", reference_markdown_only=True,
                         storage="" if name == "hamburg" else "hamburg",
                         status="" if held_out else "development")  # fmt: skip


def knowledge_bases() -> dict[str, KnowledgeBase]:
    hamburg = next((p for p in HAMBURG if p.is_dir()), HAMBURG[-1])
    bw = next((p for p in BW if p.is_dir()), BW[-1])
    bases = [
        KnowledgeBase("musterstadt", REPO / "knowledge_base",
                      REPO / "bench/questions/musterstadt.jsonl", False),
        _town("lindenbach"),
        _town("lindenbach_b", folder="lindenbach"),
        *(_town(town) for town in ("auental", "seebruck", "nordheide", "talheim")),
        *(_town(f"{town}_wer", folder=town, questions=f"{town}_who_out")
          for town in ("auental", "nordheide", "talheim", "seebruck")),
        _town("brunnhausen", held_out=True),
        _town("waldenau", held_out=True),
        _town("kirchwalde"),  # development since stop 22 (its failures were read)
        _town("wesermoor", held_out=True),
        _hamburg("hamburg", hamburg, False),
        _hamburg("hamburg_c", hamburg, True),
        _hamburg("hamburg_d", hamburg, True),
        *(KnowledgeBase(name, bw / folder, REPO / "bench/questions" / f"{name}.jsonl", held_out,
                        status="" if held_out else "development")
          for name, folder, held_out in (("bw_swi", "Lkr_LB/SWI", True),
                                         ("bw_bbo", "Lkr_GP/BBO", True),
                                         ("bw_hno", "Lkr_GP/HNO", False),
                                         ("bw_ehb", "Lkr_GP/EHB", True))),
    ]  # fmt: skip
    return {base.name: base for base in bases}


def prepare_index(base: KnowledgeBase, index_dir: Path, reuse: Path | None,
                  embedder: Any) -> Path:
    """The index to serve: ``reuse`` as it is, else an (incremental) build below index_dir."""
    if reuse is not None:
        return reuse
    from indexer.build import build_index
    from indexer.settings import IndexSettings

    target = index_dir / base.stored_as
    report = build_index(IndexSettings(kb_dir=base.kb, index_dir=target), embedder)
    log.info("%s: %s", base.name, report.summary())
    return target


def start_assistant(base: KnowledgeBase, index: Path, work: Path, clock: dict[str, date],
                    directory: Path | None = None, state_name: str = "state") -> Any:
    """The bot over ``index`` with a fresh state (``<kb>-<state_name>.sqlite`` in ``work``),
    reading the directory from ``directory`` (default: the knowledge base's own)."""
    from bot.assistant import build_assistant
    from bot.settings import Settings

    work.mkdir(parents=True, exist_ok=True)
    state = work / f"{base.name}-{state_name}.sqlite"
    state.unlink(missing_ok=True)  # a fresh state: no chat absences, no earlier answers
    settings = Settings(kb_dir=base.kb, index_dir=index, state_db=state, model="e5",
                        directory_dir=directory)
    return build_assistant(settings, today=lambda: clock["day"])


async def ask_all(assistant: Any, questions: list[BenchQuestion],
                  clock: dict[str, date]) -> list[Outcome]:
    from bot.turns import Turn, UserRef

    outcomes = []
    task_ids = {task.name: task_id for task_id, task in assistant.directory.tasks.items()}
    for number, question in enumerate(questions):
        clock["day"] = question.day
        # The web chat's "Sie sind:" choice names the asker (honoured in local mode only).
        user = UserRef(key=f"bench:{number}", person_id=question.asker)
        turn = Turn(question.question, user, f"bench-{number}")
        replies = await assistant.handle(turn)
        data = replies[0].data.get("answer") if replies else None
        outcomes.append(outcome_from_answer(question, data or {}, task_ids))
    return outcomes


def ranks_of(search: Any, questions: list[BenchQuestion], rule: str) -> list[int | None]:
    ranks = []
    for question in questions:
        sources = collapse(search(question.question), rule)
        ranks.append(first_relevant_rank(sources, question.relevant))
    return ranks


def retrieval(base: KnowledgeBase, assistant: Any, questions: list[BenchQuestion],
              embedder: Any, work: Path | None) -> dict[str, dict[str, float | int]]:
    """Bot search per mode and the reference retriever, on questions with relevant docs."""
    from bench.reference_retriever import ReferenceRetriever, read_pages

    scored = [q for q in questions if q.in_scope and q.relevant]
    searcher, thesaurus = assistant.searcher, assistant.directory.thesaurus  # as the bot asks
    results = {}
    for mode in MODES:
        def search(text: str, mode: str = mode) -> list[str]:
            hits = searcher.search(text, k=SEARCH_DEPTH, mode=mode, groups=(),
                                   thesaurus=thesaurus)
            return [hit.source for hit in hits]
        results[mode] = retrieval_measures(ranks_of(search, scored, base.duplicates))
    if work is None:  # --no-reference
        return results
    pages = read_pages(base.kb, base.reference_markdown_only)
    reference = ReferenceRetriever(pages, embedder, work / f"{base.stored_as}-reference.npz")
    results["reference"] = retrieval_measures(
        ranks_of(lambda text: reference.search(text, SEARCH_DEPTH), scored, base.duplicates))
    return results


def evaluate_kb(base: KnowledgeBase, args: argparse.Namespace, embedder: Any) -> dict[str, Any]:
    started = time.monotonic()
    questions = load_bench_questions(base.questions)
    index = prepare_index(base, args.index_dir, args.reuse.get(base.name), embedder)
    clock = {"day": questions[0].day}
    assistant = start_assistant(base, index, args.index_dir / "work", clock)
    outcomes = asyncio.run(ask_all(assistant, questions, clock))
    result: dict[str, Any] = {
        "kb": base.name, "held_out": base.held_out, "status": base.status,
        "questions": len(questions),
        "answers": summarise(outcomes),
        "retrieval": retrieval(base, assistant, questions, embedder,
                               None if args.no_reference else args.index_dir / "work"),
    }
    if args.details:
        result["details"] = [_detail(o) for o in outcomes]
    result["seconds"] = round(time.monotonic() - started, 1)
    return result


def _detail(outcome: Outcome) -> dict[str, Any]:
    question = outcome.question
    return {"question": question.question, "kind": question.kind, "verdict": verdict(outcome),
            "task": question.task, "answer_task": outcome.task_id,
            "person": question.person_today, "answer_person": outcome.person_id,
            "sources": list(outcome.sources), "uncertain": outcome.uncertain,
            "confidence": outcome.confidence, "offered": list(outcome.offered)}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("Usage", 1)[1])
    parser.add_argument("--index-dir", type=Path, required=True,
                        help="cache folder for the indexes, reference vectors and state")
    parser.add_argument("--kb", action="append", choices=[*sorted(knowledge_bases()), "none"],
                        help="knowledge base to measure (repeatable; default: all present)")
    parser.add_argument("--extra-kb", action="append", nargs=3, default=[],
                        metavar=("NAME", "KB_DIR", "QUESTIONS"),
                        help="also measure another knowledge base (counted as held out)")
    parser.add_argument("--reuse-index", action="append", default=[], metavar="KB=PATH",
                        help="serve an existing index for KB instead of building one")
    parser.add_argument("--no-reference", action="store_true",
                        help="skip the reference retriever (it embeds every page once)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--details", action="store_true", help="per-question verdicts in JSON")
    args = parser.parse_args(argv)
    args.reuse = {}
    for item in args.reuse_index:
        name, _, path = item.partition("=")
        if not name or not path:
            parser.error(f"--reuse-index expects KB=PATH, got {item!r}")
        args.reuse[name] = Path(path)
    return args


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    args = parse_args(argv)
    from indexer.embedding import load_embedder

    embedder = load_embedder("e5")
    results = []
    bases = [knowledge_bases()[name] for name in args.kb or knowledge_bases() if name != "none"]
    bases += [KnowledgeBase(name, Path(kb), Path(questions), True)
              for name, kb, questions in args.extra_kb]
    for base in bases:
        name = base.name
        if not base.kb.is_dir():
            print(f"skipping {name}: {base.kb} does not exist", file=sys.stderr)
            continue
        results.append(evaluate_kb(base, args, embedder))
        log.info("%s done in %.0f s", name, results[-1]["seconds"])
    print(markdown_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
