"""A linear intent classifier: logistic regression on the TF-IDF n-gram sentence features.
Runs inside the Rasa server, not the app.

Rasa's own `LogisticRegressionClassifier` fixes the regularisation (C = 1) and balances the
classes; this one makes both settings, so that the model can be the project's baseline
(`nlu/baseline.py`: TF-IDF word 1–2 and char 2–5 n-grams, logistic regression, C = 10)
inside the Rasa pipeline, with its entity extractors and fallback:

    - name: prima_linear.LinearIntentClassifier
      C: 10.0                # inverse regularisation strength
      class_weight: null     # or "balanced"

Its confidences are the regression's probabilities. The Rasa process finds this module
because `nlu/environment.py` puts this directory on its PYTHONPATH.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.training_data import TrainingData


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(LogisticRegressionClassifier):
    """Logistic regression over the messages' sentence features, C and class weights set."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **LogisticRegressionClassifier.get_default_config(),
            "max_iter": 2000,
            "C": 10.0,
            "class_weight": None,
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
        self.clf.set_params(C=float(self.config["C"]), class_weight=self.config["class_weight"])

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if float(config.get("C", 10.0)) <= 0:
            raise ValueError(f"C must be positive, not {config.get('C')!r}")
        if config.get("class_weight") not in (None, "balanced"):
            raise ValueError(
                f"class_weight must be null or 'balanced', not {config['class_weight']!r}"
            )

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        merged = {**cls.get_default_config(), **config}
        cls.validate_config(merged)
        return cls(merged, execution_context.node_name, model_storage, resource)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Training examples keep their labels: nothing downstream learns from predictions.
        return training_data
