import os
import shutil
from pathlib import Path

import pytest

from nlu import training
from nlu.dataset import NLU_DIR
from nlu.environment import RASA_ADDONS
from nlu.training import NLUProject, prune


def copy_project(tmp_path: Path) -> NLUProject:
    root = tmp_path / "nlu"
    root.mkdir()
    for name in ("config.yml", "domain.yml"):
        shutil.copy(NLU_DIR / name, root / name)
    shutil.copytree(NLU_DIR / "data", root / "data")
    return NLUProject(root)


def test_the_fingerprint_depends_on_content_not_location(tmp_path: Path) -> None:
    assert copy_project(tmp_path).fingerprint() == NLUProject().fingerprint()


def test_any_change_to_data_or_config_changes_the_model_path(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    models = tmp_path / "models"
    before = project.model_path(models)
    data_file = project.data / "conversation.yml"
    data_file.write_text(data_file.read_text().replace("- halo kak\n", "- halo kakak\n"))
    after_data = project.model_path(models)
    project.config.write_text(project.config.read_text().replace("C: 10.0", "C: 5.0"))
    after_config = project.model_path(models)
    assert len({before, after_data, after_config}) == 3
    assert before.parent == models and before.name.startswith("nlu-")


def test_a_new_data_file_changes_the_fingerprint(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    before = project.fingerprint()
    (project.data / "extra.yml").write_text('version: "3.1"\nnlu: []\n')
    assert project.fingerprint() != before


def test_only_the_newest_models_are_kept(tmp_path: Path) -> None:
    models = []
    for age, name in enumerate(["nlu-a", "nlu-b", "nlu-c", "nlu-d", "nlu-e"]):
        path = tmp_path / f"{name}.tar.gz"
        path.write_bytes(b"model")
        os.utime(path, (1_000_000 - age, 1_000_000 - age))
        models.append(path)
    (tmp_path / "notes.txt").write_text("kept")
    removed = prune(tmp_path, keep=3)
    assert sorted(removed) == models[3:]
    assert sorted(tmp_path.iterdir()) == sorted([*models[:3], tmp_path / "notes.txt"])


def test_a_change_to_our_rasa_components_or_their_word_list_changes_the_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    addons = tmp_path / "rasa_addons"
    shutil.copytree(RASA_ADDONS, addons)
    monkeypatch.setattr(training, "RASA_ADDONS", addons)
    project = NLUProject()
    before = project.fingerprint()
    words = addons / "informal-id.yml"
    words.write_text(words.read_text() + "hari2: [hri]\n")
    after_words = project.fingerprint()
    component = addons / "prima_informal.py"
    component.write_text(component.read_text() + "\n# changed\n")
    assert len({before, after_words, project.fingerprint()}) == 3


def test_a_component_no_pipeline_names_leaves_the_fingerprint_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    addons = tmp_path / "rasa_addons"
    shutil.copytree(RASA_ADDONS, addons)
    monkeypatch.setattr(training, "RASA_ADDONS", addons)
    project = NLUProject()
    before = project.fingerprint()
    (addons / "prima_candidate.py").write_text("# a component under measurement\n")
    assert project.fingerprint() == before
    assert "prima_tfidf.py" in [p.name for p in project.addons()]
