"""`make nlu-eval` with the realistic set, on a fake classifier and tiny data sets."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

import pytest

from nlu import evaluation
from nlu.dataset import Example
from nlu.environment import RasaEnvironment
from prima.core.complaint import Classification

TRAINING = [
    Example(text, intent, "train.yml")
    for intent, texts in {
        "complaint_mechanical": ["modem mati total", "router rusak lagi", "mesin atm error"],
        "complaint_attitudinal": ["petugasnya kasar", "kasir judes sekali", "satpam membentak"],
        "complaint_service": ["antrean lama sekali", "paket belum sampai", "refund belum cair"],
        "complaint_unusual": ["ada kecoa di makanan", "kamar bau aneh", "lift bunyi aneh"],
        "greet": ["halo kak", "selamat pagi", "hai min"],
        "ask_info": ["jam buka kapan", "alamat kantor di mana", "berapa biaya pasang"],
    }.items()
    for text in texts
]
HELDOUT = [
    Example("modem saya mati", "complaint_mechanical", "heldout.yml"),
    Example("halo min", "greet", "heldout.yml"),
]
REALISTIC = [
    Example("my router is broken again", "complaint_mechanical", "realistic.yml"),
    Example("kasirnya judes banget", "complaint_attitudinal", "realistic.yml"),
    Example("paketnya blm sampai min", "complaint_service", "realistic.yml"),
    Example("what are your opening hours", "ask_info", "realistic.yml"),
]
# text → (intent, confidence, fallback), as the fake Rasa server reads it
READINGS = {
    "modem saya mati": ("complaint_mechanical", 0.9, False),
    "halo min": ("greet", 0.95, False),
    "my router is broken again": ("complaint_mechanical", 0.8, False),
    "kasirnya judes banget": ("complaint_service", 0.4, True),
    "paketnya blm sampai min": ("complaint_service", 0.7, False),
    "what are your opening hours": ("ask_info", 0.9, False),
}


class FakeClassifier:
    async def classify(self, text: str, *, patient: bool = True) -> Classification:
        intent, confidence, fallback = READINGS.get(text, ("greet", 0.6, False))
        return Classification(text, intent, confidence, fallback)


class FakeRuntime:
    @asynccontextmanager
    async def classifier(self) -> AsyncIterator[FakeClassifier]:
        yield FakeClassifier()


def fake_cross_validation(_env: Any, folds: int, _out: Path) -> dict[str, Any]:
    return {"folds": folds, "complaint_macro_f1": 0.9, "accuracy": 0.9, "per_intent": {}}


def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, realistic: list[Example]) -> int:
    monkeypatch.setattr(evaluation, "training_examples", lambda: TRAINING)
    monkeypatch.setattr(evaluation, "heldout_examples", lambda: HELDOUT)
    monkeypatch.setattr(evaluation, "realistic_examples", lambda: realistic)
    monkeypatch.setattr(evaluation, "cross_validate", fake_cross_validation)
    monkeypatch.setattr(
        evaluation,
        "cross_validate_baseline",
        lambda texts, intents, folds, seeds: [(list(intents), list(intents)) for _ in seeds],
    )
    env = cast(RasaEnvironment, None)  # cross-validation is faked above
    return evaluation.run_evaluation(
        env, FakeRuntime().classifier, 2, 5, str(tmp_path), cv_repeats=1
    )


def test_the_realistic_set_is_scored_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code = run(tmp_path, monkeypatch, REALISTIC)
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["realistic_examples"] == 4
    realistic = report["realistic"]
    # The attitudinal complaint fell back: found, but not answered with the right kind.
    assert realistic["complaints_found"] == 1.0
    assert realistic["right_kind"] == pytest.approx(2 / 3)
    assert realistic["right_kind_when_answered"] == 1.0
    assert realistic["non_complaints_answered"] == 1.0
    assert realistic["fallback_rate"] == pytest.approx(1 / 4)
    assert realistic["languages"] == {"en": 2, "id": 2}
    assert realistic["ece"] == pytest.approx((0.2 + 0.4 + 0.3 + 0.1) / 4)
    baseline = report["baseline_realistic"]
    assert baseline["fallback_rate"] == 0.0
    assert 0.0 <= baseline["ece"] <= 1.0
    targets = report["targets"]
    assert targets["realistic_complaints_found_at_least_0.95"] is True
    assert targets["realistic_right_kind_at_least_0.85"] is False
    assert targets["realistic_non_complaints_answered_at_least_0.85"] is True
    assert "realistic_language_f1_gap_at_most_0.05" in targets
    assert exit_code == 1

    markdown = (tmp_path / "report.md").read_text()
    assert "2 held-out examples, 4 realistic messages)." in markdown
    assert "## Realistic set (4 messages: 3 complaints, 1 non-complaints;" in markdown
    assert "## Realistic set: baseline (TF-IDF + logistic regression)" in markdown
    assert "| complaints found | 1.000 |" in markdown
    printed = capsys.readouterr().out
    assert "realistic (4 messages, 25% non-complaints): complaints found 1.000" in printed
    assert "target realistic_right_kind_at_least_0.85: MISSED" in printed


def test_without_the_realistic_set_the_report_is_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(tmp_path, monkeypatch, [])
    report = json.loads((tmp_path / "report.json").read_text())
    assert "realistic" not in report
    assert not any(name.startswith("realistic_") for name in report["targets"])
    assert "Realistic set" not in (tmp_path / "report.md").read_text()


def test_realistic_examples_in_training_stop_the_evaluation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    leaked = [Example("halo kak", "greet", "realistic.yml")]
    with pytest.raises(evaluation.TrainingError, match="also appear in training"):
        run(tmp_path, monkeypatch, leaked)


def test_the_scored_baseline_gives_its_top_probability() -> None:
    model = evaluation.ScoredBaseline()
    model.fit([e.text for e in TRAINING], [e.intent for e in TRAINING])
    texts = ["modem mati lagi", "halo kak"]
    scored = model.predict_scored(texts)
    assert [intent for intent, _ in scored] == model.predict(texts)
    assert all(1 / 6 < confidence <= 1.0 for _, confidence in scored)
