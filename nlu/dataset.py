"""Reading Rasa NLU training files (YAML) into plain (text, intent) examples."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

NLU_DIR = Path(__file__).resolve().parent
TRAINING_DIR = NLU_DIR / "data"
HELDOUT_DIR = NLU_DIR / "tests"
# Messages in the style of real customers, scored on their own; not one of the tidy sets.
REALISTIC_FILE = HELDOUT_DIR / "realistic.yml"

# Rasa's inline entity annotation: [PRM-7K3Q](reference) or [x]{"entity": ...}
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    source: str


def plain_text(annotated: str) -> str:
    """The example as a customer would type it, with entity annotations removed."""
    return _ANNOTATION.sub(r"\1", annotated)


def read_examples(paths: Iterable[Path]) -> list[Example]:
    """All intent examples in the given YAML files, in file order."""
    examples: list[Example] = []
    for path in sorted(paths):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu", []):
            intent = block.get("intent")
            if intent is None:
                continue
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if not line.startswith("- "):
                    continue
                examples.append(Example(plain_text(line[2:].strip()), str(intent), path.name))
    return examples


def yaml_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.yml") if p.is_file())


def training_examples(directory: Path = TRAINING_DIR) -> list[Example]:
    return read_examples(yaml_files(directory))


def heldout_examples(directory: Path = HELDOUT_DIR) -> list[Example]:
    """The tidy held-out sets (`heldout*.yml`), without the realistic set."""
    return read_examples(p for p in directory.glob("heldout*.yml") if p.is_file())


def realistic_examples(path: Path = REALISTIC_FILE) -> list[Example]:
    """The realistic held-out set; empty while the file does not exist."""
    return read_examples([path]) if path.is_file() else []


def normalised(text: str) -> str:
    """A comparison key for spotting duplicates: case, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
