"""The Mermaid diagram in actions/decide/ stays in step with the conversation's steps."""

import re
from pathlib import Path

from prima.core.conversation import Step

DIAGRAM = Path(__file__).resolve().parents[2] / "actions" / "decide" / "conversation.mmd"


def test_every_step_is_drawn_and_nothing_else() -> None:
    text = DIAGRAM.read_text(encoding="utf-8")
    drawn = set(re.findall(r"^\s*(\w+|\[\*\]) --> (\w+)", text, re.MULTILINE))
    states = {state for edge in drawn for state in edge} - {"[*]"}
    assert states == {step.value for step in Step}


def test_every_step_can_be_left() -> None:
    text = DIAGRAM.read_text(encoding="utf-8")
    sources = set(re.findall(r"^\s*(\w+) --> ", text, re.MULTILINE))
    assert sources == {step.value for step in Step}
