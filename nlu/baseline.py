"""The baseline the Rasa model must beat: TF-IDF (word + char n-grams) and logistic regression."""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
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


def cross_validate_baseline(
    texts: Sequence[str], intents: Sequence[str], folds: int, seeds: Sequence[int]
) -> list[tuple[list[str], list[str]]]:
    """Stratified k-fold predictions of the baseline, once per seed: (truth, predicted)."""
    runs = []
    for seed in seeds:
        truth: list[str] = []
        predicted: list[str] = []
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        for train_index, test_index in splitter.split(texts, intents):
            model = TfidfBaseline().fit(
                [texts[i] for i in train_index], [intents[i] for i in train_index]
            )
            predicted += model.predict([texts[i] for i in test_index])
            truth += [intents[i] for i in test_index]
        runs.append((truth, predicted))
    return runs
