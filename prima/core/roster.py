"""Who works on the service, in which role, and where they may act (pure).

One roster for the staff desk and the supervisors' commands: the staff group's members
(`staff.members`), plus every person on the escalation ladder as a supervisor. Built from the
configuration by `ServiceConfig.roster()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True, slots=True)
class Member:
    """A configured person: `alias` is the name the customer is told."""

    user_id: int
    name: str
    role: Role
    alias: str


@dataclass(frozen=True, slots=True)
class Roster:
    """The staff group (`chat_id`, None without a desk), its people, and the other group
    chats where supervisors may give commands (`groups`: the ladder's group chats)."""

    chat_id: int | None
    members: tuple[Member, ...]
    groups: frozenset[int] = frozenset()

    @property
    def enabled(self) -> bool:
        return self.chat_id is not None

    def member(self, user_id: int) -> Member | None:
        return next((m for m in self.members if m.user_id == user_id), None)

    def supervisor(self, user_id: int) -> Member | None:
        """The configured supervisor with this Telegram user id, if any."""
        member = self.member(user_id)
        return member if member is not None and member.role is Role.SUPERVISOR else None

    def staff_chats(self) -> frozenset[int]:
        """The group chats where supervisors may also give commands: the ladder's and the
        staff group."""
        return self.groups | ({self.chat_id} if self.chat_id is not None else set())

    def may_act_in(self, chat_id: int, user_id: int) -> bool:
        """Whether a person's action in this chat is heard: their private chat with the bot,
        or a staff chat."""
        return chat_id == user_id or chat_id in self.staff_chats()

    def agents(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.role is Role.AGENT)

    def find(self, wanted: str) -> Member | None:
        """A member by Telegram id, alias or name (case ignored, a leading @ allowed)."""
        key = wanted.strip().removeprefix("@").casefold()
        if not key:
            return None
        if key.isdigit():
            return self.member(int(key))
        exact = [m for m in self.members if key in (m.alias.casefold(), m.name.casefold())]
        if len(exact) == 1:
            return exact[0]
        starting = [m for m in self.members if m.name.casefold().startswith(key)]
        return starting[0] if len(starting) == 1 else None

    def others(self, user_id: int) -> Iterable[Member]:
        return (m for m in self.members if m.user_id != user_id)


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name
