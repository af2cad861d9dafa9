import pytest

from nlu.baseline import TfidfBaseline, cross_validate_baseline
from nlu.evaluation_report import spread
from nlu.scores import complaint_macro_f1_from_report, percentile, score

TRUTH = ["complaint_service", "complaint_service", "complaint_mechanical", "greet"]


def test_scores_per_intent_and_complaint_macro_f1() -> None:
    predicted = ["complaint_service", "complaint_mechanical", "complaint_mechanical", "greet"]
    scores = score(TRUTH, predicted)
    assert scores.accuracy == pytest.approx(0.75)
    assert scores.per_intent["complaint_service"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": pytest.approx(2 / 3),
        "support": 2,
    }
    # Macro over the four complaint kinds, absent ones counting 0: (2/3 + 2/3 + 0 + 0) / 4
    assert scores.complaint_macro_f1 == pytest.approx(1 / 3)
    assert scores.confusion[scores.labels.index("complaint_service")] == [1, 1, 0]


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile([7.0], 95) == 7.0
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_complaint_macro_f1_from_rasas_report() -> None:
    report = {
        f"complaint_{kind}": {"f1-score": f1}
        for kind, f1 in {
            "mechanical": 1.0,
            "attitudinal": 0.8,
            "service": 0.6,
            "unusual": 0.4,
        }.items()
    }
    assert complaint_macro_f1_from_report(report) == pytest.approx(0.7)


def test_the_baseline_learns_and_cross_validates() -> None:
    texts = [f"modem mati rusak {i}" for i in range(10)] + [
        f"halo selamat pagi {i}" for i in range(10)
    ]
    intents = ["complaint_mechanical"] * 10 + ["greet"] * 10
    model = TfidfBaseline().fit(texts, intents)
    assert model.predict(["modem saya rusak", "selamat pagi kak"]) == [
        "complaint_mechanical",
        "greet",
    ]
    runs = cross_validate_baseline(texts, intents, folds=5, seeds=[0, 1])
    assert len(runs) == 2
    for truth, predicted in runs:
        assert sorted(truth) == sorted(intents)
        assert truth == predicted


def test_spread_of_repeated_runs() -> None:
    assert spread([0.85]) == "0.850"
    assert spread([0.8, 0.9]) == "0.850 (runs 0.800–0.900)"
