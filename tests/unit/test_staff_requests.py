"""Reading what staff tell the bot: one vocabulary for the desk and the supervisors (pure)."""

from __future__ import annotations

import pytest

from prima.core.staff import (
    Origin,
    StaffRequest,
    StaffVerb,
    alert_button,
    desk_button,
    desk_request,
    is_desk_data,
    is_staff_data,
    read_staff,
)

DESK, SUPERVISOR = Origin.DESK, Origin.SUPERVISOR


@pytest.mark.parametrize(
    ("text", "request_"),
    [
        # Topic commands: they act on the topic's case.
        ("/take", StaffRequest(StaffVerb.TAKE, DESK)),
        ("/take@prima_bot", StaffRequest(StaffVerb.TAKE, DESK)),
        ("/resolve AC diganti", StaffRequest(StaffVerb.RESOLVE, DESK, "AC diganti")),
        ("/transfer @dewi", StaffRequest(StaffVerb.TRANSFER, DESK, "@dewi")),
        ("/note VIP\nbaris dua", StaffRequest(StaffVerb.NOTE, DESK, "VIP\nbaris dua")),
        # Desk buttons name their case.
        ("desk:take:prm-7k3q", StaffRequest(StaffVerb.TAKE, DESK, "", "PRM-7K3Q")),
        ("desk:to:PRM-7K3Q:22", StaffRequest(StaffVerb.TRANSFER, DESK, "22", "PRM-7K3Q")),
        ("desk:send:PRM-7K3Q:123", StaffRequest(StaffVerb.SEND, DESK, "123", "PRM-7K3Q")),
        # The supervisors' commands and the buttons under escalation alerts.
        ("/cases", StaffRequest(StaffVerb.CASES, SUPERVISOR, "", "")),
        ("/case prm-7k3q", StaffRequest(StaffVerb.CASE, SUPERVISOR, "", "PRM-7K3Q")),
        ("/ack PRM-7K3Q", StaffRequest(StaffVerb.ACK, SUPERVISOR, "", "PRM-7K3Q")),
        ("esc:ack:PRM-7K3Q", StaffRequest(StaffVerb.ACK, SUPERVISOR, "", "PRM-7K3Q")),
        ("esc:take:prm-7k3q", StaffRequest(StaffVerb.TAKE, SUPERVISOR, "", "PRM-7K3Q")),
        ("esc:tr:PRM-7K3Q", StaffRequest(StaffVerb.TRANSCRIPT, SUPERVISOR, "", "PRM-7K3Q")),
        # Not staff requests.
        ("/start", None),
        ("hello", None),
        ("desk:nope:PRM-7K3Q", None),
        ("desk:take:", None),
        ("esc:res:PRM-7K3Q", None),
        ("cat:service", None),
    ],
)  # fmt: skip
def test_requests_are_read_from_commands_and_buttons(
    text: str, request_: StaffRequest | None
) -> None:
    assert read_staff(text) == request_


def test_the_desk_reads_only_its_own() -> None:
    assert desk_request("/cases") is None
    assert desk_request("esc:take:PRM-7K3Q") is None
    assert desk_request("/take") == StaffRequest(StaffVerb.TAKE, DESK)
    # A desk button this version cannot read is still the desk's (answered, not a customer's).
    assert is_desk_data("desk:nope:PRM-7K3Q") and is_staff_data("desk:nope:PRM-7K3Q")
    assert is_staff_data("esc:ack:PRM-7K3Q") and not is_desk_data("esc:ack:PRM-7K3Q")
    assert not is_staff_data("confirm:yes")


def test_buttons_read_back_and_fit_telegrams_limit() -> None:
    for verb in (StaffVerb.TAKE, StaffVerb.RESOLVE, StaffVerb.TRANSCRIPT):
        assert read_staff(desk_button(verb, "PRM-7K3Q")) == StaffRequest(verb, DESK, "", "PRM-7K3Q")
    for verb in (StaffVerb.ACK, StaffVerb.TAKE, StaffVerb.TRANSCRIPT):
        data = alert_button(verb, "PRM-7K3Q")
        assert read_staff(data) == StaffRequest(verb, SUPERVISOR, "", "PRM-7K3Q")
    assert alert_button(StaffVerb.ACK, "PRM-7K3Q") == "esc:ack:PRM-7K3Q"  # as alerts already sent
    data = desk_button(StaffVerb.SEND, "PRM-7K3Q", str(2**62))
    assert len(data.encode()) <= 64
    assert read_staff(data) == StaffRequest(StaffVerb.SEND, DESK, str(2**62), "PRM-7K3Q")
