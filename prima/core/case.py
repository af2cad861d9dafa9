"""A case's vocabulary shared by the features and storage: its escalation deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Deadline:
    """When a level is due, and when its notifications go out (later under quiet hours)."""

    level: int
    due_at: datetime
    notify_at: datetime
