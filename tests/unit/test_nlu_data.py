"""The NLU training and held-out data: complete, consistent and free of padding."""

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
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
    realistic_examples,
    training_examples,
)
from prima.core.complaint import COMPLAINT_INTENTS, KNOWN_INTENTS

TRAINING = training_examples()
HELDOUT = heldout_examples()
REALISTIC = realistic_examples()
HELD_OUT_SETS = pytest.mark.parametrize(
    "examples", [HELDOUT, REALISTIC], ids=["heldout", "realistic"]
)
NEAR = 0.75


def counts(examples: list[Example]) -> Counter[str]:
    return Counter(e.intent for e in examples)


def test_domain_lists_exactly_the_intents_the_app_knows() -> None:
    domain = yaml.safe_load((NLU_DIR / "domain.yml").read_text())
    assert set(domain["intents"]) == KNOWN_INTENTS
    assert "reference" in domain["entities"]


@pytest.mark.parametrize(
    "examples", [TRAINING, HELDOUT, REALISTIC], ids=["training", "heldout", "realistic"]
)
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


def test_heldout_sets_cover_non_complaints_too() -> None:
    others = {e.intent for e in (*HELDOUT, *REALISTIC)} - set(COMPLAINT_INTENTS)
    assert others == KNOWN_INTENTS - set(COMPLAINT_INTENTS)


@pytest.mark.parametrize(
    "examples", [TRAINING, HELDOUT, REALISTIC], ids=["training", "heldout", "realistic"]
)
def test_no_duplicate_examples(examples: list[Example]) -> None:
    seen: dict[str, Example] = {}
    duplicates = []
    for example in examples:
        key = normalised(example.text)
        if key in seen:
            duplicates.append((seen[key], example))
        seen[key] = example
    assert duplicates == []


@HELD_OUT_SETS
def test_heldout_examples_never_appear_in_training(examples: list[Example]) -> None:
    trained = {normalised(e.text) for e in TRAINING}
    assert [e.text for e in examples if normalised(e.text) in trained] == []


def words(text: str) -> frozenset[str]:
    return frozenset(normalised(text).split())


def similarity(a: str, b: str) -> float:
    """Word-set Jaccard similarity; two texts without words are the same."""
    left, right = words(a), words(b)
    union = len(left | right)
    return len(left & right) / union if union else 1.0


def near_copies(
    texts: Sequence[str], others: Sequence[str], threshold: float = NEAR
) -> list[tuple[str, str]]:
    """Pairs (text, other) with similarity ≥ threshold. Word sets are built once, and only
    sets of a size that could reach the threshold are compared (Jaccard ≤ small / large)."""
    by_size: defaultdict[int, list[tuple[frozenset[str], str]]] = defaultdict(list)
    for other in others:
        other_words = words(other)
        by_size[len(other_words)].append((other_words, other))
    close = []
    for text in texts:
        text_words = words(text)
        n = len(text_words)
        for size in range(math.ceil(n * threshold), math.floor(n / threshold) + 1):
            for other_words, other in by_size.get(size, []):
                shared = len(text_words & other_words)
                if shared >= threshold * (n + size - shared):
                    close.append((text, other))
    return close


@HELD_OUT_SETS
def test_heldout_examples_are_not_near_copies_of_training_examples(
    examples: list[Example],
) -> None:
    """A held-out score measures wordings the model has not seen, not paraphrased copies."""
    assert near_copies([e.text for e in examples], [e.text for e in TRAINING]) == []


@pytest.mark.parametrize("intent", sorted(COMPLAINT_INTENTS))
def test_no_near_duplicates_pad_a_complaint_intent(intent: str) -> None:
    texts = [e.text for e in TRAINING if e.intent == intent]
    close = [(a, b) for a, b in near_copies(texts, texts) if a < b]
    assert close == []


def test_near_copies_agree_with_similarity_and_skip_nothing_that_matters() -> None:
    texts = ["modem saya mati total", "modem saya mati", "saya mau tanya", "", "a b c d"]
    others = ["Modem saya mati, total!", "modem mati", "mau tanya saya dong", "", "a b c"]
    expected = [(t, o) for t in texts for o in others if similarity(t, o) >= NEAR]
    assert sorted(near_copies(texts, others)) == sorted(expected)
    assert ("modem saya mati total", "Modem saya mati, total!") in expected
    assert ("a b c d", "a b c") in expected  # 3/4: exactly at the threshold


def test_the_realistic_set_is_large_enough() -> None:
    assert len(REALISTIC) >= 300


def test_the_realistic_set_has_enough_non_complaints() -> None:
    others = [e for e in REALISTIC if e.intent not in COMPLAINT_INTENTS]
    assert len(others) >= 0.20 * len(REALISTIC) > 0


@pytest.mark.parametrize("intent", sorted(COMPLAINT_INTENTS))
def test_the_realistic_set_has_at_least_50_of_each_complaint_kind(intent: str) -> None:
    assert counts(REALISTIC)[intent] >= 50


def test_the_realistic_set_asks_for_information() -> None:
    assert counts(REALISTIC)["ask_info"] > 0


def test_the_realistic_set_is_read_apart_from_the_tidy_held_out_sets(tmp_path: Path) -> None:
    block = 'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - {}\n'
    (tmp_path / "heldout.yml").write_text(block.format("halo"))
    (tmp_path / "heldout-2.yml").write_text(block.format("pagi"))
    (tmp_path / "realistic.yml").write_text(block.format("permisi"))
    assert [e.text for e in heldout_examples(tmp_path)] == ["pagi", "halo"]
    assert [e.text for e in realistic_examples(tmp_path / "realistic.yml")] == ["permisi"]
    assert realistic_examples(tmp_path / "missing.yml") == []


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
