"""What a customer's message says about their case: reference, place, time, item, person, wish."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from prima.core.complaint import Entity

from .description import describe
from .items import find_item
from .people import find_person
from .places import find_place
from .references import find_reference
from .repetition import find_already_said
from .spans import Span, mask, trim
from .times import find_time
from .when import resolve
from .wishes import find_wish, resolution_for

__all__ = ["Said", "describe", "read_needs"]

_TEXT_FIELDS = ("reference", "place", "time", "item", "person", "wish")


@dataclass(frozen=True, slots=True)
class Said:
    """What one message says about a case's needs; None where it says nothing."""

    reference: str | None = None
    place: str | None = None
    time: str | None = None
    when: datetime | None = None
    item: str | None = None
    person: str | None = None
    wish: str | None = None
    resolution: str | None = None
    already_said: bool = False

    def fields(self) -> dict[str, str]:
        """The text fields the message filled, by name."""
        values = {name: getattr(self, name) for name in _TEXT_FIELDS}
        return {name: value for name, value in values.items() if value is not None}


def read_needs(text: str, entities: Sequence[Entity] = (), *, now: datetime) -> Said:
    """Read what the message says; `entities` are the NLU's (reference, place, item), with
    offsets into `text`. Relative times are resolved against `now`, in its time zone."""
    repeated = find_already_said(text)
    # Blanked, not cut, so the NLU's offsets still point at the same words.
    rest = mask(text, repeated)
    kept = [e for e in entities if not any(s.start < e.end and e.start < s.end for s in repeated)]
    reference = find_reference(rest, kept)
    wish = find_wish(rest)
    used = [s for s in (reference, wish) if s is not None]
    time = find_time(mask(rest, used))
    time_text = _trimmed(rest, time)
    item = find_item(rest, kept, reference=reference)
    # What names the item or the reference is not a place: "booking hotel", "kartu parkir".
    not_places = [s for s in (reference, item) if s is not None]
    return Said(
        reference=reference.text if reference else None,
        place=find_place(mask(rest, not_places), kept),
        time=time_text,
        when=resolve(time_text, now) if time_text else None,
        item=item.text if item else None,
        person=find_person(rest),
        wish=wish.text if wish else None,
        resolution=resolution_for(wish.text if wish else None),
        already_said=bool(repeated),
    )


def _trimmed(text: str, span: Span | None) -> str | None:
    if span is None:
        return None
    cleaned = trim(text, span.start, span.end)
    return cleaned.text if cleaned else None
