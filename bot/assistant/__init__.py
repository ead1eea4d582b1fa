"""Text and user in, replies out: commands, answers (answer, confidence, sections, cards)
and the reindex from chat. Never imports the channel."""

from __future__ import annotations

from bot.assistant.answer import (
    Answer,
    Contact,
    Responsibility,
    SourceRef,
    compose_answer,
)
from bot.assistant.assistant import (
    Assistant,
)
from bot.assistant.cards import (
    answer_card,
    answer_text,
    message_card,
)
from bot.assistant.commands import (
    CommandKind,
    parse_command,
)
from bot.assistant.confidence import (
    CALIBRATED_MIN_CONFIDENCE,
    Evidence,
    agreement_of,
    confidence_of,
    coverage_of,
    covers_topic,
    evidence_of,
    min_confidence,
    names_a_task,
    noun_stems,
    question_stems,
    unknown_words,
)
from bot.assistant.errors import (
    ReindexBusy,
    ReindexElsewhere,
)
from bot.assistant.reindex import (
    NICENESS,
    ProgressReporter,
    Reindexer,
    build_command,
    child_environment,
)
from bot.assistant.sections import (
    best_section,
    is_how_question,
    is_who_question,
    question_terms,
    quote_steps,
)
from bot.assistant.warmup import (
    build_assistant,
    documents_meta,
    gate_loader,
)

__all__ = [
    "Answer",
    "Assistant",
    "CALIBRATED_MIN_CONFIDENCE",
    "CommandKind",
    "Contact",
    "Evidence",
    "agreement_of",
    "NICENESS",
    "ProgressReporter",
    "ReindexBusy",
    "ReindexElsewhere",
    "Reindexer",
    "Responsibility",
    "SourceRef",
    "answer_card",
    "answer_text",
    "best_section",
    "build_assistant",
    "gate_loader",
    "build_command",
    "child_environment",
    "compose_answer",
    "confidence_of",
    "coverage_of",
    "covers_topic",
    "documents_meta",
    "evidence_of",
    "is_how_question",
    "is_who_question",
    "message_card",
    "min_confidence",
    "names_a_task",
    "noun_stems",
    "parse_command",
    "question_stems",
    "question_terms",
    "quote_steps",
    "unknown_words",
]
