"""Who works at the staff desk, in which role, and what they may do there (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from prima.config import ServiceConfig


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
    """The staff group and its people: the desk's agents, plus the ladder's supervisors."""

    chat_id: int | None
    members: tuple[Member, ...]

    @classmethod
    def from_config(cls, config: ServiceConfig) -> Roster:
        staff = config.staff
        members = [
            Member(m.telegram, m.name, Role(m.role), m.alias or _first_name(m.name))
            for m in staff.members
        ]
        known = {m.user_id for m in members}
        ladder_people = (p for level in config.escalation.levels for p in level.notify)
        for person in ladder_people:
            # Group chats on the ladder (negative ids) are places, not people.
            if person.telegram is not None and person.telegram > 0 and person.telegram not in known:
                known.add(person.telegram)
                members.append(
                    Member(person.telegram, person.name, Role.SUPERVISOR, _first_name(person.name))
                )
        return cls(staff.chat_id, tuple(members))

    @property
    def enabled(self) -> bool:
        return self.chat_id is not None

    def member(self, user_id: int) -> Member | None:
        return next((m for m in self.members if m.user_id == user_id), None)

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


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else name
