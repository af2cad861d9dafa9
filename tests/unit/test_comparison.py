"""Paired cross-validation: scoring on the same folds, and comparing fold by fold."""

import pytest

from nlu.comparison import BASELINE, FoldRun, compare, summary

MECH, ATT = "complaint_mechanical", "complaint_attitudinal"
SERV, ODD = "complaint_service", "complaint_unusual"


def _run(predicted: dict[str, list[str]]) -> FoldRun:
    intents = [MECH, ATT, SERV, ODD] * 2
    return FoldRun(
        seed=0,
        texts=[f"text {i}" for i in range(8)],
        intents=intents,
        folds=[0, 0, 0, 0, 1, 1, 1, 1],
        predicted=predicted,
    )


def test_pairs_are_compared_fold_by_fold() -> None:
    truth = [MECH, ATT, SERV, ODD] * 2
    wrong_once = [ATT, ATT, SERV, ODD, MECH, ATT, SERV, ODD]  # one error in fold 0
    run = _run({"a": truth, "b": wrong_once})

    assert run.fold_scores("a") == [1.0, 1.0]
    first, second = run.fold_scores("b")
    assert first < 1.0 and second == 1.0
    result = compare([run], ["a", "b"])

    (pair,) = result.pairs
    assert (pair.first, pair.second, pair.ahead, pair.behind, pair.folds) == ("a", "b", 1, 0, 2)
    assert pair.mean_difference == pytest.approx((1.0 - first) / 2)
    assert result.per_model["a"] == [1.0]
    assert result.per_model["b"][0] < 1.0
    table = summary(result, {"a": "a.yml", "b": "b.yml"})
    assert "| a.yml vs b.yml | +" in table and "1 / 0 of 2" in table


def test_the_baseline_is_trained_without_the_fold_it_predicts() -> None:
    words = {MECH: "mesin rusak mati", ATT: "petugas kasar jutek", SERV: "antrian lama lambat"}
    texts, intents, folds = [], [], []
    for fold in range(2):
        for intent, phrase in words.items():
            for n in range(4):
                texts.append(f"{phrase} {n} {fold}")
                intents.append(intent)
                folds.append(fold)
    run = FoldRun(0, texts, intents, folds, {}).with_baseline()

    assert run.predicted[BASELINE] == intents  # each fold's words were learned from the other
    # A fold is predicted by a model that never saw it: a label only inside it is unknown.
    alone = FoldRun(0, [*texts, "sesuatu aneh"], [*intents, ODD], [*folds, 1], {})
    lonely = alone.with_baseline()
    assert lonely.predicted[BASELINE][-1] != ODD
