"""The NLU training and held-out data: complete, consistent and free of padding."""

from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest
import yaml

from nlu.dataset import (
    NLU_DIR,
    Example,
    heldout_examples,
    normalised,
    plain_text,
    read_examples,
    training_examples,
)
from prima.core.complaint import COMPLAINT_INTENTS, KNOWN_INTENTS

TRAINING = training_examples()
HELDOUT = heldout_examples()


def counts(examples: list[Example]) -> Counter[str]:
    return Counter(e.intent for e in examples)


def test_domain_lists_exactly_the_intents_the_app_knows() -> None:
    domain = yaml.safe_load((NLU_DIR / "domain.yml").read_text())
    assert set(domain["intents"]) == KNOWN_INTENTS
    assert "reference" in domain["entities"]


@pytest.mark.parametrize("examples", [TRAINING, HELDOUT], ids=["training", "heldout"])
def test_no_unknown_intents(examples: list[Example]) -> None:
    assert {e.intent for e in examples} <= KNOWN_INTENTS


def test_each_intent_is_defined_in_exactly_one_block() -> None:
    """Appending examples under a second block of another intent mislabels them silently;
    one block per intent keeps every example next to its siblings."""
    blocks: Counter[str] = Counter()
    for path in sorted((NLU_DIR / "data").glob("*.yml")):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            if "intent" in block:
                blocks[block["intent"]] += 1
    assert {intent: n for intent, n in blocks.items() if n != 1} == {}


def test_every_intent_is_trained() -> None:
    assert set(counts(TRAINING)) == KNOWN_INTENTS


@pytest.mark.parametrize("intent", sorted(COMPLAINT_INTENTS))
def test_each_complaint_kind_has_at_least_80_training_examples(intent: str) -> None:
    assert counts(TRAINING)[intent] >= 80


@pytest.mark.parametrize("intent", sorted(COMPLAINT_INTENTS))
def test_each_complaint_kind_has_at_least_25_heldout_examples(intent: str) -> None:
    assert counts(HELDOUT)[intent] >= 25


def test_heldout_set_covers_non_complaints_too() -> None:
    others = {e.intent for e in HELDOUT} - set(COMPLAINT_INTENTS)
    assert others == KNOWN_INTENTS - set(COMPLAINT_INTENTS)


@pytest.mark.parametrize("examples", [TRAINING, HELDOUT], ids=["training", "heldout"])
def test_no_duplicate_examples(examples: list[Example]) -> None:
    seen: dict[str, Example] = {}
    duplicates = []
    for example in examples:
        key = normalised(example.text)
        if key in seen:
            duplicates.append((seen[key], example))
        seen[key] = example
    assert duplicates == []


def test_heldout_examples_never_appear_in_training() -> None:
    trained = {normalised(e.text) for e in TRAINING}
    assert [e.text for e in HELDOUT if normalised(e.text) in trained] == []


def similarity(a: str, b: str) -> float:
    left, right = set(normalised(a).split()), set(normalised(b).split())
    return len(left & right) / len(left | right)


def test_heldout_examples_are_not_near_copies_of_training_examples() -> None:
    """A held-out score measures wordings the model has not seen, not paraphrased copies."""
    close = [
        (held.text, trained.text)
        for held in HELDOUT
        for trained in TRAINING
        if similarity(held.text, trained.text) >= 0.75
    ]
    assert close == []


@pytest.mark.parametrize("intent", sorted(COMPLAINT_INTENTS))
def test_no_near_duplicates_pad_a_complaint_intent(intent: str) -> None:
    texts = [e.text for e in TRAINING if e.intent == intent]
    close = [(a, b) for a, b in combinations(texts, 2) if similarity(a, b) >= 0.75]
    assert close == []


def test_the_data_test_catches_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n- intent: complaint_odd\n  examples: |\n'
        "    - cek [PRM-1234](reference) dong\n    - Cek PRM-1234, dong!\n"
    )
    examples = read_examples([path])
    assert {e.intent for e in examples} - KNOWN_INTENTS == {"complaint_odd"}
    assert normalised(examples[0].text) == normalised(examples[1].text)


def test_entity_annotations_are_removed_from_example_text() -> None:
    assert plain_text("cek [PRM-7K3Q](reference) ya") == "cek PRM-7K3Q ya"
    assert plain_text('cek [X1]{"entity": "reference", "role": "a"} ya') == "cek X1 ya"
