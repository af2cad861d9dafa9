"""`prima train` with the real Rasa: validation fails loudly, training skips when unchanged."""

import shutil
from pathlib import Path

import pytest

from nlu.dataset import NLU_DIR
from nlu.training import NLUProject, TrainingError, train, validate
from prima.bootstrap import Runtime

pytestmark = pytest.mark.rasa

TINY_DATA = """version: "3.1"
nlu:
- intent: complaint_mechanical
  examples: |
    - AC rusak
    - modem mati
    - lift macet
- intent: greet
  examples: |
    - halo
    - selamat pagi
    - hai kak
"""


def tiny_project(tmp_path: Path, data: str = TINY_DATA) -> NLUProject:
    root = tmp_path / "nlu"
    (root / "data").mkdir(parents=True)
    (root / "data" / "nlu.yml").write_text(data)
    (root / "domain.yml").write_text(
        'version: "3.1"\nintents:\n  - complaint_mechanical\n  - greet\n'
    )
    (root / "config.yml").write_text((NLU_DIR / "config.yml").read_text())
    return NLUProject(root)


def test_the_shipped_data_validates(runtime: Runtime) -> None:
    validate(runtime.rasa_env, NLUProject())


def test_an_unknown_intent_fails_validation_loudly(runtime: Runtime, tmp_path: Path) -> None:
    project = tiny_project(
        tmp_path, TINY_DATA + "- intent: complaint_weird\n  examples: |\n    - aneh\n"
    )
    with pytest.raises(TrainingError, match="complaint_weird"):
        train(runtime.rasa_env, project, tmp_path / "models")
    assert not list((tmp_path / "models").glob("*.tar.gz"))


def test_the_same_example_under_two_intents_fails_validation(
    runtime: Runtime, tmp_path: Path
) -> None:
    project = tiny_project(tmp_path, TINY_DATA + "    - AC rusak\n")
    with pytest.raises(TrainingError, match="validating"):
        validate(runtime.rasa_env, project)


def test_broken_yaml_fails(runtime: Runtime, tmp_path: Path) -> None:
    project = tiny_project(tmp_path, "version: '3.1'\nnlu:\n- intent: greet\n  examples: [oops\n")
    with pytest.raises(TrainingError):
        validate(runtime.rasa_env, project)


def test_trains_once_then_skips_until_the_data_changes(runtime: Runtime, tmp_path: Path) -> None:
    project, models = tiny_project(tmp_path), tmp_path / "models"
    first = train(runtime.rasa_env, project, models)
    assert first.trained and first.model.is_file()
    again = train(runtime.rasa_env, project, models)
    assert not again.trained and again.model == first.model
    shutil.copy(project.data / "nlu.yml", project.data / "more.yml")
    (project.data / "more.yml").write_text(
        TINY_DATA.replace("AC rusak", "kulkas rusak")
        .replace(
            "- intent: greet\n  examples: |\n    - halo\n    - selamat pagi\n    - hai kak\n", ""
        )
        .replace("modem mati", "kipas mati")
        .replace("lift macet", "pintu macet")
    )
    changed = train(runtime.rasa_env, project, models)
    assert changed.trained and changed.model != first.model
    assert not list(models.glob(".training-*"))
