"""The conversation's decisions: given the state, what came in and the facts, what happens next.

Pure: no I/O, no clock. `decide` returns the next state, the replies and the effects for the
turn service (`actions/turns.py`) to carry out. One module per step group, each calling only
the groups below it: dispatch > with_agent > presses > media | feedback > placing > menu >
collecting > drafts. The flow is drawn in `conversation.mmd` beside this file.
"""

from actions.decide.dispatch import decide, needs_nlu, needs_open_cases

__all__ = ["decide", "needs_nlu", "needs_open_cases"]
