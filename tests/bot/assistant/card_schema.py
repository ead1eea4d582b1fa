"""A small structural check of Adaptive Cards 1.5: the element types we use and their required
fields (the official JSON schema is not available offline)."""

from __future__ import annotations

import json
from typing import Any

ELEMENTS = {"TextBlock", "FactSet", "Container", "ColumnSet", "Image"}
ACTIONS = {"Action.Submit", "Action.OpenUrl", "Action.ShowCard", "Action.Execute"}


def problems(card: dict[str, Any]) -> list[str]:
    found: list[str] = []
    json.dumps(card)  # JSON-serialisable, or this raises
    if card.get("type") != "AdaptiveCard":
        found.append("type must be AdaptiveCard")
    if card.get("version") != "1.5":
        found.append("version must be 1.5")
    if not isinstance(card.get("body"), list) or not card["body"]:
        found.append("body must be a non-empty list")
    for element in card.get("body", []):
        found += _element(element)
    for action in card.get("actions", []):
        found += _action(action)
    return found


def _element(element: Any) -> list[str]:
    kind = element.get("type") if isinstance(element, dict) else None
    if kind not in ELEMENTS:
        return [f"unknown element {kind!r}"]
    if kind == "TextBlock" and not (isinstance(element.get("text"), str) and element["text"]):
        return ["TextBlock without text"]
    if kind == "FactSet":
        facts = element.get("facts")
        if not isinstance(facts, list) or not facts:
            return ["FactSet without facts"]
        if not all(isinstance(f.get("title"), str) and isinstance(f.get("value"), str)
                   for f in facts):  # fmt: skip
            return ["fact without title/value strings"]
    return []


def _action(action: Any) -> list[str]:
    kind = action.get("type") if isinstance(action, dict) else None
    if kind not in ACTIONS:
        return [f"unknown action {kind!r}"]
    if not isinstance(action.get("title"), str) or not action["title"]:
        return [f"{kind} without title"]
    if kind == "Action.Submit" and not isinstance(action.get("data"), dict):
        return ["Action.Submit without data object"]
    if kind == "Action.OpenUrl" and not str(action.get("url", "")).startswith("http"):
        return ["Action.OpenUrl without url"]
    return []
