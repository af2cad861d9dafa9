"""A case's vocabulary shared by the features and storage: its reference, the error for a
reference no case has, and its escalation deadlines."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

# Case references: no 0/O, 1/I/L, so they read well aloud and on paper.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 4


class UnknownCaseError(LookupError):
    """No case with that reference (for this customer)."""


def candidate_reference(prefix: str) -> str:
    """A random case reference, e.g. `PRM-7K3Q` (uniqueness is checked when a case opens)."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{prefix}-{code}"


@dataclass(frozen=True, slots=True)
class Deadline:
    """When a level is due, and when its notifications go out (later under quiet hours)."""

    level: int
    due_at: datetime
    notify_at: datetime
