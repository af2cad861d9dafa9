"""Prometheus metrics: what an operator watches (served on `/metrics` in webhook mode).

Defined once here, on the default registry; updated where things happen. Creating them does
no I/O.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

_SECONDS = (0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

UPDATES = Counter(
    "prima_updates",
    "Telegram updates, by kind (message, button, edit, unreadable) and outcome "
    "(handled, duplicate, flooded, staff, ignored, error, skipped)",
    ["kind", "outcome"],
)
REPLY_SECONDS = Histogram(
    "prima_reply_seconds",
    "A customer's turn, from the update's arrival to the bot's replies sent",
    buckets=_SECONDS,
)
NLU_SECONDS = Histogram(
    "prima_nlu_seconds", "Classifying one message with the Rasa NLU server", buckets=_SECONDS
)
COMPLAINTS = Counter(
    "prima_complaints", "Messages the model read as a complaint, by kind", ["category"]
)
CASES_OPENED = Counter("prima_cases_opened", "Cases opened, by kind", ["category"])
CASES_RESOLVED = Counter("prima_cases_resolved", "Cases resolved")
ESCALATIONS = Counter("prima_escalations", "Escalation levels fired", ["level"])
HANDOFFS = Counter(
    "prima_handoffs",
    "Staff desk: persons asked for, cases taken, released and transferred",
    ["event"],
)
ERRORS = Counter("prima_errors", "Errors while handling updates", ["where"])
