"""The staff desk's pure parts: the roster, desk commands, coaching, and the conversation
while a person from the desk is talking to the customer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from actions.decide import decide, needs_nlu
from handover.coaching import Coach
from prima.config import ConfigError, ServiceConfig
from prima.core.complaint import Category
from prima.core.conversation import Agent, Attachment, Draft, Need, State, Step
from prima.core.decision import AddToCase, CaseView, Facts
from prima.core.events import AgentChanged, CaseResolved, Command, Media, Press, Text, Unsupported
from prima.core.roster import Role

OPENED = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def facts() -> Facts:
    case = CaseView("PRM-7K3Q", Category.SERVICE, "open", True, OPENED)
    return Facts("id", ("id", "en"), (case,), "PRM-NEW1", open_now=True, now=OPENED)


def config(**staff: object) -> ServiceConfig:
    return ServiceConfig.model_validate(
        {
            "staff": {
                "chat_id": -1001,
                "members": [
                    {"name": "Rina Wulandari", "telegram": 11},
                    {"name": "Dewi Lestari", "telegram": 22, "alias": "Bu Dewi"},
                    {"name": "Sari", "telegram": 33, "role": "supervisor"},
                ],
                **staff,
            },
            "escalation": {
                "levels": [
                    {
                        "level": 1,
                        "role": "Kasubag",
                        "after": "3h",
                        "notify": [
                            {"name": "Budi Santoso", "telegram": 44},
                            {"name": "Sari", "telegram": 33},
                            {"name": "Meja", "telegram": -1002},
                        ],
                    }
                ]
            },
        }
    )


# --- the roster ---------------------------------------------------------------------------


def test_roster_has_the_desk_and_the_ladders_people() -> None:
    roster = config().roster()
    assert roster.enabled and roster.chat_id == -1001
    assert [(m.user_id, m.role, m.alias) for m in roster.members] == [
        (11, Role.AGENT, "Rina"),
        (22, Role.AGENT, "Bu Dewi"),
        (33, Role.SUPERVISOR, "Sari"),
        (44, Role.SUPERVISOR, "Budi"),  # from the ladder; the group chat is no person
    ]
    assert [m.user_id for m in roster.agents()] == [11, 22]
    assert roster.member(99) is None
    # One answer to "who is a supervisor" for the desk and the supervisors' commands: the
    # staff group's supervisors and the ladder's people; agents are not.
    assert roster.supervisor(33) is not None and roster.supervisor(44) is not None
    assert roster.supervisor(11) is None and roster.supervisor(99) is None
    assert roster.staff_chats() == {-1001, -1002}


@pytest.mark.parametrize(
    ("wanted", "found"),
    [
        ("Rina", 11),
        ("@rina", 11),
        ("bu dewi", 22),
        ("Dewi", 22),
        ("22", 22),
        ("sa", 33),
        ("", None),
        ("Ani", None),
        ("99", None),
    ],
)
def test_roster_finds_people_by_alias_name_or_id(wanted: str, found: int | None) -> None:
    member = config().roster().find(wanted)
    assert (member.user_id if member else None) == found


def test_no_staff_desk_by_default() -> None:
    assert not ServiceConfig().roster().enabled


@pytest.mark.parametrize(
    ("staff", "key"),
    [
        ({"chat_id": -1, "members": []}, "members"),
        ({"chat_id": 5, "members": [{"name": "A", "telegram": 1}]}, "chat_id"),
        ({"members": [{"name": "A", "telegram": 1}, {"name": "B", "telegram": 1}]}, "members"),
        ({"coaching": "shout"}, "coaching"),
        ({"quiet_after": "soon"}, "quiet_after"),
        ({"human_wait": "0s"}, "human_wait"),
    ],
)
def test_invalid_staff_configuration_names_the_key(
    staff: dict[str, object], key: str, tmp_path: object
) -> None:
    import yaml

    from prima.config import load_config

    path = tmp_path / "config.yml"  # type: ignore[operator]
    path.write_text(yaml.safe_dump({"staff": staff}))
    with pytest.raises(ConfigError, match=f"staff.*{key}|{key}"):
        load_config(path)


# --- coaching ----------------------------------------------------------------------------------


def test_coaching_finds_damaging_phrases_with_better_wording() -> None:
    coach = Coach.load()
    advice = coach.advise("Tunggu sebentar ya, itu bukan tanggung jawab saya.", "id")
    assert [a.phrase for a in advice] == ["tunggu sebentar", "itu bukan tanggung jawab saya"]
    assert all(a.better for a in advice)
    english = coach.advise("Sorry, that's not my responsibility", "id")
    assert [a.phrase for a in english] == ["that's not my responsibility"]
    # A phrase inside a longer one is given once; whole words only.
    assert [a.phrase for a in coach.advise("Anda tidak memahami", "id")] == ["anda tidak memahami"]
    assert coach.advise("Terima kasih, kami bantu sekarang. Notifikasi terkirim.", "id") == []


def test_every_listed_phrase_has_advice() -> None:
    coach = Coach.load()
    for language, phrases in coach.phrases.items():
        for phrase in phrases:
            (advice,) = [a for a in coach.advise(phrase, language) if a.phrase == phrase]
            assert advice.better, (language, phrase)


# --- the conversation with a person -------------------------------------------------------------

WITH_RINA = State(step=Step.WITH_AGENT, agent=Agent("PRM-7K3Q", "Rina"))


def test_a_person_taking_over_is_introduced_and_a_report_is_parked() -> None:
    draft = Draft(Category.MECHANICAL, 0.9, "complaint_mechanical", asking=Need.ITEM)
    collecting = State(step=Step.COLLECTING, draft=draft)
    decision = decide(collecting, AgentChanged("PRM-7K3Q", "Rina"), facts())
    assert decision.state.step is Step.WITH_AGENT
    assert decision.state.agent == Agent("PRM-7K3Q", "Rina")
    assert decision.state.parked == draft.__class__(
        Category.MECHANICAL, 0.9, "complaint_mechanical"
    )
    assert [r.template for r in decision.replies] == ["agent_joined"]
    assert decision.replies[0].context == {"agent": "Rina", "reference": "PRM-7K3Q"}


def test_transfer_and_release() -> None:
    moved = decide(WITH_RINA, AgentChanged("PRM-7K3Q", "Dewi"), facts())
    assert moved.state.agent == Agent("PRM-7K3Q", "Dewi")
    assert [r.template for r in moved.replies] == ["agent_transferred"]
    back = decide(moved.state, AgentChanged("PRM-7K3Q", None), facts())
    assert back.state.step is Step.IDLE and back.state.agent is None
    assert [r.template for r in back.replies] == ["agent_left"]
    # Releasing a case nobody is talking about changes nothing.
    assert decide(State(), AgentChanged("PRM-7K3Q", None), facts()).replies == ()


@pytest.mark.parametrize(
    "event",
    [Text("halo, ada kabar?"), Unsupported("sticker"), Command("cancel"), Command("resume")],
)
def test_with_a_person_the_bot_stays_quiet(event: object) -> None:
    decision = decide(WITH_RINA, event, facts())  # type: ignore[arg-type]
    assert decision.replies == () and decision.effects == ()
    assert decision.state == WITH_RINA


def test_with_a_person_files_are_kept_with_the_case_and_nothing_is_classified() -> None:
    photo = Attachment("photo", file_id="f1")
    decision = decide(WITH_RINA, Media(photo, Text("ini fotonya")), facts())
    assert decision.replies == ()
    assert decision.effects == (AddToCase("PRM-7K3Q", (), (photo,)),)
    assert not needs_nlu(WITH_RINA, Text("halo"))
    assert not needs_nlu(WITH_RINA, Media(photo, Text("ini")))


def test_with_a_person_the_bots_own_commands_still_answer() -> None:
    status = decide(WITH_RINA, Command("status"), facts())
    assert [r.template for r in status.replies] == ["status"]
    assert status.state == WITH_RINA
    agent = decide(WITH_RINA, Command("agent"), facts())
    assert [r.template for r in agent.replies] == ["agent_with_you"]
    stale = decide(WITH_RINA, Press("confirm:yes"), facts())
    assert [r.template for r in stale.replies] == ["agent_with_you"]
    language = decide(WITH_RINA, Press("lang:en"), facts())
    assert language.language == "en" and language.state.step is Step.WITH_AGENT


def test_resolved_with_a_person_asks_for_feedback() -> None:
    decision = decide(WITH_RINA, CaseResolved("PRM-7K3Q"), facts())
    assert decision.state.step is Step.RATING and decision.state.agent is None
    assert decision.state.feedback_case == "PRM-7K3Q"
    other = decide(WITH_RINA, CaseResolved("PRM-2M8D"), facts())
    assert other.state == WITH_RINA
    assert [r.template for r in other.replies] == ["ask_rating"]


def test_the_state_with_a_person_survives_storage() -> None:
    stored = WITH_RINA.to_dict()
    assert State.from_stored(WITH_RINA.step.value, stored) == WITH_RINA
