"""Turning Rasa's `/model/parse` JSON into the core's Classification."""

from __future__ import annotations

from typing import Any

from prima.core.complaint import Classification, Entity, IntentScore, close_kinds

RASA_FALLBACK_INTENT = "nlu_fallback"


class MalformedResponseError(ValueError):
    """Rasa answered with JSON that is not a parse result."""


def classification_from_rasa(
    payload: Any,
    *,
    text: str,
    threshold: float,
    truncated: bool = False,
    ambiguity: float = 0.0,
) -> Classification:
    """Read a parse result. Rasa's own fallback intent is replaced by the best real intent,
    with `fallback` set; so is any top intent whose confidence is under `threshold`. When
    the top two intents are complaint kinds less than `ambiguity` apart, both are named."""
    if not isinstance(payload, dict):
        raise MalformedResponseError("parse result is not a JSON object")
    ranking = tuple(
        IntentScore(str(item["name"]), float(item["confidence"]))
        for item in _list(payload.get("intent_ranking"))
        if isinstance(item, dict) and item.get("name") and item["name"] != RASA_FALLBACK_INTENT
    )
    top = payload.get("intent") or {}
    if not isinstance(top, dict):
        raise MalformedResponseError("`intent` is not an object")
    rasa_fell_back = top.get("name") == RASA_FALLBACK_INTENT
    if ranking:
        intent: str | None = ranking[0].intent
        confidence = ranking[0].confidence
    elif top.get("name") and not rasa_fell_back:
        intent, confidence = str(top["name"]), float(top.get("confidence") or 0.0)
    else:
        # Nothing Rasa could tokenise (e.g. emoji only): no intent at all.
        intent, confidence = None, 0.0
    entities = tuple(
        Entity(str(e["entity"]), str(e["value"]), int(e["start"]), int(e["end"]))
        for e in _unique_spans(_list(payload.get("entities")))
    )
    return Classification(
        text=text,
        intent=intent,
        confidence=confidence,
        fallback=rasa_fell_back or intent is None or confidence < threshold,
        ranking=ranking,
        entities=entities,
        truncated=truncated,
        close_kinds=close_kinds(ranking, ambiguity),
    )


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedResponseError("expected a JSON list")
    return value


def _unique_spans(entities: list[Any]) -> list[dict[str, Any]]:
    """One entity per (name, span): several regex patterns may match the same text."""
    seen: set[tuple[str, int, int]] = set()
    unique = []
    for e in entities:
        if not isinstance(e, dict) or not {"entity", "value", "start", "end"} <= e.keys():
            continue
        key = (str(e["entity"]), int(e["start"]), int(e["end"]))
        if key not in seen:
            seen.add(key)
            unique.append(e)
    return unique
