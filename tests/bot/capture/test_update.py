"""Updating an existing handover document through the interview: sections prefilled, the
template's other sections kept, access groups kept; a restricted document is never shown to
someone outside its groups."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.turns import Turn
from indexer.loaders import load_file
from indexer.model import DocumentMeta
from tests.bot.capture.conftest import (
    BERTA,
    UWE,
    a_press,
    a_say,
    button,
    make_assistant,
)
from tests.bot.capture.test_release import interview_to_draft

OLD = """---
titel: Übergabe Hundesteuer
aufgaben: [hundesteuer]
zugriff: [{groups}]
dokumenttyp: uebergabe
---
# Übergabe Hundesteuer

## Aufgabe und Zweck

Hundesteuer nach Satzung erheben, rund 900 Hunde.

## Besonderheiten der Kampfhunde

Erhöhter Satz nach § 5 Abs. 2.
"""


def setup(settings: Any, groups: str) -> Any:
    source = "steueramt/hundesteuer.md"
    path = settings.kb_dir / source
    path.parent.mkdir(parents=True)
    path.write_text(OLD.format(groups=groups), encoding="utf-8")
    meta = DocumentMeta(title="Übergabe Hundesteuer", tasks=("hundesteuer",),
                        groups=(groups,), doc_type="uebergabe", department="Steueramt")
    return make_assistant(settings, {source: meta})


def test_an_existing_document_is_prefilled_and_replaced(capture_settings: Any) -> None:
    assistant, notifier = setup(capture_settings, "steueramt")

    async def scenario() -> None:
        await a_say(assistant, UWE, "hallo")
        overview = (await a_say(assistant, BERTA, "übergabe"))[0]
        assert "Hundesteuer (Dokument aktualisieren)" in overview.text
        first = (await a_press(assistant, BERTA, button(overview, "Hundesteuer")))[0]
        assert "rund 900 Hunde" in str(first.card) and "bisherigen" in str(first.card)
        await interview_to_draft(assistant, ["Hundesteuer nach Satzung erheben, 950 Hunde."])
        review = notifier.for_user("aad-uwe")[0]
        assert "ersetzt das bisherige Dokument steueramt/hundesteuer.md" in review.text
        await a_press(assistant, UWE, button(review, "Freigeben"))
        await asyncio.wait_for(assistant.reindexer._task, 30)

    asyncio.run(scenario())
    released = capture_settings.release_dir / "steueramt" / "hundesteuer.md"
    sections = load_file(released, capture_settings.release_dir)
    assert sections[0].meta.groups == ("steueramt",)  # the old document's access kept
    text = released.read_text(encoding="utf-8")
    assert "950 Hunde" in text and "## Besonderheiten der Kampfhunde" in text
    assert "900 Hunde" not in text


def test_a_restricted_document_is_not_shown_outside_its_groups(capture_settings: Any) -> None:
    assistant, _ = setup(capture_settings, "personalamt")
    first = asyncio.run(a_say(assistant, BERTA, "übergabe Hundesteuer"))[0]
    assert "900 Hunde" not in str(first.card) and "bisherigen" not in str(first.card)
    group = asyncio.run(assistant.handle(Turn("übergabe", BERTA, "19:team", is_group=True)))
    assert group[0].data["kind"] == "handover_personal_only"
