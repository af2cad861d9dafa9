"""Informal Indonesian read as its standard form. Runs inside the Rasa server, not the app.

Customers write *gak, ga, nggak, tdk* for *tidak*, *udah, udh* for *sudah*, *yg* for *yang*,
and double a word with a "2" (*barang2*). Each spelling is a different word to an n-gram
featurizer, so what the training data says with one spelling is lost on a customer who
uses another. This tokenizer splits like Rasa's WhitespaceTokenizer and gives every token
whose spelling is listed in `informal-id.yml` its standard form as the token's lemma; the
count featurizers (`use_lemma`, on by default) count the lemma. The token's text and
offsets are the customer's own, so entities and other features are unchanged.

Use it in `nlu/config.yml` in place of WhitespaceTokenizer:
`- name: prima_informal.InformalIndonesianTokenizer`. The word list is data: an operator
can add spellings to `informal-id.yml` (the model is retrained when it changes).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

LEXICON = Path(__file__).with_name("informal-id.yml")
# barang2, lama2: a word doubled (barang-barang) written with a 2.
_DOUBLED = re.compile(r"^([a-z]{3,})2$")


def load_lexicon(path: Path = LEXICON) -> dict[str, str]:
    """Every listed spelling (lower case) -> its standard form."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    spellings: dict[str, str] = {}
    for standard, variants in entries.items():
        for variant in variants:
            key = str(variant).casefold()
            if key in spellings and spellings[key] != standard:
                raise ValueError(f"{path.name}: {key!r} is listed under two words")
            spellings[key] = str(standard)
    return spellings


def standard_form(word: str, lexicon: dict[str, str]) -> str | None:
    """The standard spelling of `word`, or None when it has no other."""
    key = word.casefold()
    doubled = _DOUBLED.match(key)
    if doubled:
        key = doubled.group(1)
    found = lexicon.get(key)
    if found is not None:
        return found
    return key if doubled else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class InformalIndonesianTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer that sets each informal spelling's lemma to its standard form."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self.lexicon = load_lexicon()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> InformalIndonesianTokenizer:
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            standard = standard_form(token.text, self.lexicon)
            if standard is not None:
                token.lemma = standard
        return tokens
