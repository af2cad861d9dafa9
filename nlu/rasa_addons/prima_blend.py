"""An intent classifier that blends DIET's reading with a linear model's. Runs inside Rasa.

DIET and a regularised logistic regression over the same TF-IDF n-gram features make
different mistakes on a few hundred examples per intent: DIET learns interactions between
features, the linear model weighs each n-gram on its own and is steadier on short, rare
wordings. Averaging their probabilities (a two-model ensemble) is more accurate than either
alone; docs/nlu.md has the measurements.

Put it right after `DIETClassifier` (which must rank every intent: `ranking_length: 0`):

    - name: prima_blend.BlendedIntentClassifier
      diet_weight: 0.5     # share of DIET's probabilities; the linear model has the rest
      C: 10.0              # inverse regularisation strength of the logistic regression

It trains its own logistic regression on the messages' sentence features and replaces
`intent` and `intent_ranking` with the blend. The Rasa process finds this module because
`nlu/environment.py` puts this directory on its PYTHONPATH.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

DIET_WEIGHT = "diet_weight"


def blend(
    diet: dict[str, float], linear: dict[str, float], diet_weight: float
) -> list[tuple[str, float]]:
    """Weighted mean of two intent distributions (an intent missing from one counts as 0),
    renormalised to sum to 1, best first."""
    names = set(diet) | set(linear)
    mixed = {
        name: diet_weight * diet.get(name, 0.0) + (1.0 - diet_weight) * linear.get(name, 0.0)
        for name in names
    }
    total = sum(mixed.values()) or 1.0
    return sorted(((n, p / total) for n, p in mixed.items()), key=lambda item: -item[1])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class BlendedIntentClassifier(LogisticRegressionClassifier):
    """Logistic regression on the sentence features, averaged with DIET's ranking."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **LogisticRegressionClassifier.get_default_config(),
            "max_iter": 2000,
            "C": 10.0,
            DIET_WEIGHT: 0.5,
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: dict[str, Any],
        name: str,
        model_storage: ModelStorage,
        resource: Resource,
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]), class_weight=None)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        weight = config.get(DIET_WEIGHT, 0.5)
        if not 0.0 <= float(weight) <= 1.0:
            raise ValueError(f"{DIET_WEIGHT} must be between 0 and 1, not {weight!r}")
        if float(config.get("C", 10.0)) <= 0:
            raise ValueError(f"C must be positive, not {config.get('C')!r}")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> BlendedIntentClassifier:
        cls.validate_config(config)
        return cls(config, execution_context.node_name, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        resource = super().train(training_data)
        logger.debug("linear model trained on %d classes", len(self.clf.classes_))
        return resource

    def process(self, messages: list[Message]) -> list[Message]:
        if not messages or not hasattr(self.clf, "classes_"):
            return messages
        probabilities = self.clf.predict_proba(self._create_X(messages))
        weight = float(self.config[DIET_WEIGHT])
        limit = int(self.config["ranking_length"])
        for message, row in zip(messages, probabilities, strict=True):
            linear = {str(name): float(p) for name, p in zip(self.clf.classes_, row, strict=True)}
            diet = {
                str(entry["name"]): float(entry["confidence"])
                for entry in message.get(INTENT_RANKING_KEY) or []
            }
            # Without a DIET reading (e.g. empty text) the linear model's stands alone.
            mixed = blend(diet, linear, weight if diet else 0.0)
            ranking = [{"name": name, "confidence": confidence} for name, confidence in mixed]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(
                INTENT_RANKING_KEY, ranking[:limit] if limit > 0 else ranking, add_to_output=True
            )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Training examples keep their labels: nothing downstream learns from predictions.
        return training_data

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> BlendedIntentClassifier:
        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        if not hasattr(component.clf, "classes_"):
            logger.warning("no linear model stored for %s; DIET's reading only", resource.name)
        return component  # type: ignore[return-value]
