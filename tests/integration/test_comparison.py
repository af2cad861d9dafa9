"""`prima nlu-compare`'s Rasa side for real: folds drawn once, every config trained on them."""

import json
from pathlib import Path

import pytest

from nlu.comparison import BASELINE, FoldRun, run_comparison
from prima.bootstrap import Runtime

pytestmark = pytest.mark.rasa

DATA = """version: "3.1"
nlu:
- intent: complaint_mechanical
  examples: |
    - modem saya mati total
    - mesin atm rusak lagi
    - layar laptop bergaris
    - printer macet terus
    - lampu jalan padam
    - kulkas tidak dingin
- intent: complaint_attitudinal
  examples: |
    - petugasnya kasar sekali
    - kasir jutek dan cuek
    - satpam membentak saya
    - sopir marah marah
    - pelayan tidak ramah
    - teller menghina saya
- intent: greet
  examples: |
    - halo
    - selamat pagi
    - hai kak
    - permisi
    - assalamualaikum
    - pagi min
"""

CONFIG = """recipe: default.v1
language: id
assistant_id: compare-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: DIETClassifier
    epochs: {epochs}
    number_of_transformer_layers: 0
    entity_recognition: false
    random_seed: 1
policies: []
"""


def test_configs_and_the_baseline_are_scored_on_the_same_folds(
    runtime: Runtime, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "nlu.yml").write_text(DATA, encoding="utf-8")
    configs = []
    for epochs in (2, 30):
        config = tmp_path / f"epochs-{epochs}.yml"
        config.write_text(CONFIG.format(epochs=epochs), encoding="utf-8")
        configs.append(config)

    out = tmp_path / "report"
    table = run_comparison(runtime.rasa_env, data, configs, seeds=[3], folds=2, out=out)

    (saved,) = json.loads((out / "comparison.json").read_text())
    run = FoldRun.from_json(saved)
    assert run.seed == 3 and len(run.texts) == 18
    # Stratified: each fold holds back half of every intent.
    for intent in set(run.intents):
        held = [f for f, i in zip(run.folds, run.intents, strict=True) if i == intent]
        assert sorted(held) == [0, 0, 0, 1, 1, 1]
    known = set(run.intents)
    assert set(run.predicted) == {str(configs[0]), str(configs[1]), BASELINE}
    for predictions in run.predicted.values():
        assert len(predictions) == 18 and set(predictions) <= known
    assert "epochs-2.yml vs epochs-30.yml" in table and "vs baseline" in table
    # Each held-back example's best intents, with confidences, for choosing the thresholds.
    for config in configs:
        rankings = run.rankings[str(config)]
        assert [r[0][0] for r in rankings] == run.predicted[str(config)]
        assert all(0.0 <= c <= 1.0 and i in known for r in rankings for i, c in r)
        assert all([c for _, c in r] == sorted((c for _, c in r), reverse=True) for r in rankings)
    assert "Thresholds of epochs-30.yml" in table and "(current)" not in table
    assert (out / "comparison.md").read_text().startswith("# Paired cross-validation")
