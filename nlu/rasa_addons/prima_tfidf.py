"""TF-IDF weighting for Rasa's n-gram count features. Runs inside the Rasa server, not the app.

Rasa's CountVectorsFeaturizer hands raw counts to the classifier. On a few hundred examples
per intent, weighting those counts the way text classifiers usually do (sublinear term
frequency times inverse document frequency, L2-normalised per message) lets DIET tell
informative n-grams from filler ones; see docs/nlu.md for the measurements.

Use it in `nlu/config.yml` in place of `CountVectorsFeaturizer`, with the same options:
`- name: prima_tfidf.TfidfVectorsFeaturizer`. The Rasa process finds this module because
`nlu/environment.py` puts this directory on its PYTHONPATH.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.preprocessing import normalize

logger = logging.getLogger(__name__)

IDF_FILE = "idf.json"


def inverse_document_frequency(counts: scipy.sparse.spmatrix) -> np.ndarray:
    """Smoothed idf per column, as scikit-learn computes it: ln((1 + n) / (1 + df)) + 1."""
    rows = scipy.sparse.csr_matrix(counts)
    document_frequency = np.bincount(rows.indices, minlength=rows.shape[1])
    return np.log((1 + rows.shape[0]) / (1 + document_frequency)) + 1.0


def weigh(
    matrix: scipy.sparse.spmatrix | None, idf: np.ndarray, *, normalise: bool
) -> scipy.sparse.coo_matrix | None:
    """(1 + ln tf) * idf for every non-zero count; rows L2-normalised when asked."""
    if matrix is None:
        return None
    rows = scipy.sparse.csr_matrix(matrix, dtype=np.float32)
    rows.data = (1.0 + np.log(rows.data)) * idf[rows.indices]
    if normalise:
        rows = normalize(rows, norm="l2", copy=False)
    return rows.tocoo()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class TfidfVectorsFeaturizer(CountVectorsFeaturizer):
    """CountVectorsFeaturizer whose message text features are TF-IDF weighted.

    Sentence features (one row per message, what DIET classifies intents from) are
    L2-normalised; sequence features (one row per token) keep their scale, so a one-word
    token row still carries its idf. Label (intent name) features are left as counts.
    """

    def __init__(self, *args: Any, idf: dict[str, list[float]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._idf = {name: np.asarray(values) for name, values in (idf or {}).items()}

    def train(self, training_data: TrainingData, model: Any = None) -> Resource:
        resource = super().train(training_data, model)
        texts = self._convert_attribute_tokens_to_texts(
            self._get_all_attributes_processed_tokens(training_data)
        )
        vectorizer = self.vectorizers.get(TEXT)
        if vectorizer is not None and texts.get(TEXT):
            self._idf = {TEXT: inverse_document_frequency(vectorizer.transform(texts[TEXT]))}
            with self._model_storage.write_to(self._resource) as model_dir:
                (model_dir / IDF_FILE).write_text(
                    json.dumps({name: v.tolist() for name, v in self._idf.items()})
                )
        return resource

    def _create_features(self, attribute: str, all_tokens: list[list[str]]) -> Any:
        sequence, sentence = super()._create_features(attribute, all_tokens)
        idf = self._idf.get(attribute)
        if idf is None:
            return sequence, sentence
        return (
            [weigh(m, idf, normalise=False) for m in sequence],
            [weigh(m, idf, normalise=True) for m in sentence],
        )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TfidfVectorsFeaturizer:
        featurizer = super().load(config, model_storage, resource, execution_context, **kwargs)
        try:
            with model_storage.read_from(resource) as model_dir:
                stored = json.loads((model_dir / IDF_FILE).read_text())
        except (ValueError, FileNotFoundError, OSError):
            logger.warning("no idf weights stored for %s; using raw counts", resource.name)
            return featurizer  # type: ignore[return-value]
        featurizer._idf = {name: np.asarray(values) for name, values in stored.items()}
        return featurizer  # type: ignore[return-value]
