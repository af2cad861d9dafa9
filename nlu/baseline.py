"""The baseline the Rasa model must beat: TF-IDF (word + char n-grams) and logistic regression."""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline


class TfidfBaseline:
    def __init__(self) -> None:
        self._pipeline = Pipeline(
            [
                (
                    "features",
                    FeatureUnion(
                        [
                            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
                            (
                                "chars",
                                TfidfVectorizer(
                                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True
                                ),
                            ),
                        ]
                    ),
                ),
                ("classifier", LogisticRegression(max_iter=2000, C=10.0)),
            ]
        )

    def fit(self, texts: Sequence[str], intents: Sequence[str]) -> TfidfBaseline:
        self._pipeline.fit(list(texts), list(intents))
        return self

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [str(label) for label in self._pipeline.predict(list(texts))]
