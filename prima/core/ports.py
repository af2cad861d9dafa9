"""The small interfaces the core needs from the outside world."""

from __future__ import annotations

from typing import Protocol

from prima.core.complaint import Classification


class Classifier(Protocol):
    """Reads a customer's message (the Rasa NLU server in production)."""

    async def classify(self, text: str, *, patient: bool = True) -> Classification:
        """The reading of `text`; not `patient`: one attempt, no retries (the reading only
        helps, as for an answer to a question)."""
        ...

    async def is_ready(self) -> bool:
        """Whether the server answers with a model loaded."""
        ...
