"""One front for staff: what a supervisor or agent asked for, answered by the right desk.

A supervisor's command or an alert's button goes to the supervisors' desk
(`handover/supervisors.py`), in a private chat or a staff chat only; with a staff desk, an
alert's "Take the case" is a real takeover (the case's topic). Everything else staff do goes
to the staff desk (`handover/desk.py`). Each answer says where it is posted.
"""

from __future__ import annotations

from dataclasses import dataclass

from handover.desk import StaffDesk
from handover.supervisors import StaffAction, SupervisorDesk
from prima.core.reply import Rendered
from prima.core.roster import Roster
from prima.core.staff import Origin, StaffInput, StaffVerb


@dataclass(frozen=True, slots=True)
class Post:
    """An answer and where it goes: into the staff group's topic (`in_group`, replying to the
    message it answers), or to a chat."""

    chat_id: int
    rendered: Rendered
    in_group: bool = False
    thread_id: int | None = None
    reply_to: int | None = None


class Desks:
    def __init__(self, *, supervisors: SupervisorDesk, staff: StaffDesk | None) -> None:
        self.supervisors = supervisors
        self.staff = staff
        self.roster: Roster = supervisors.roster  # one roster for both desks

    async def handle(self, found: StaffInput) -> list[Post] | None:
        """The answers to post (empty: nothing to say), or None when the input is no desk's
        (a desk command where there is no staff desk: a customer's to the bot)."""
        request = found.action
        if request is not None and request.origin is Origin.SUPERVISOR and not found.edited:
            return await self._supervisor(found)
        if self.staff is None:
            return None
        answers = await self.staff.handle(found)
        in_group = found.chat_id == self.roster.chat_id
        return [
            Post(found.chat_id, a, in_group, found.thread_id, found.message_id) for a in answers
        ]

    async def _supervisor(self, found: StaffInput) -> list[Post]:
        assert found.action is not None
        private = found.chat_id == found.user_id
        if not private and found.chat_id not in self.roster.staff_chats():
            return []  # other groups: not ours to answer
        action = StaffAction(
            found.user_id, found.chat_id, found.action.verb, found.action.reference or ""
        )
        member = self.roster.member(found.user_id)
        if (
            self.staff is not None
            and member is not None
            and action.verb is StaffVerb.TAKE
            and action.reference
        ):
            answer = await self.staff.agents.take(action.reference, member, elsewhere=True)
        else:
            answer = await self.supervisors.handle(action)
        return [Post(found.chat_id, answer)]
