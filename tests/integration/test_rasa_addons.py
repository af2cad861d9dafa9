"""Our Rasa pipeline components, exercised inside the Rasa environment where it runs."""

import json
import subprocess
import textwrap
from typing import Any

import pytest

from prima.bootstrap import Runtime

pytestmark = pytest.mark.rasa

CHECK = textwrap.dedent(
    """
    import json
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
    from prima_tfidf import inverse_document_frequency, weigh

    docs = ["modem rusak modem mati", "kasir jutek", "paket telat", "modem telat lagi"]
    counts = CountVectorizer().fit_transform(docs)
    reference = TfidfTransformer(sublinear_tf=True).fit(counts)
    idf = inverse_document_frequency(counts)
    ours = weigh(counts, idf, normalise=True).toarray()
    theirs = reference.transform(counts).toarray()
    unnormalised = weigh(counts, idf, normalise=False).toarray()
    print(json.dumps({
        "idf_equal": bool(np.allclose(idf, reference.idf_)),
        "weights_equal": bool(np.allclose(ours, theirs, atol=1e-6)),
        "row_norms": np.linalg.norm(ours, axis=1).round(6).tolist(),
        "none_passes": weigh(None, idf, normalise=True) is None,
        "scale_kept": bool(unnormalised.max() > 1.0),
    }))
    """
)


def in_rasa_environment(runtime: Runtime, code: str) -> Any:
    """Run `code` with the Rasa environment's Python; what it printed last, as JSON."""
    env = runtime.rasa_env
    done = subprocess.run(
        [str(env.python), "-c", code],
        env=env.subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_tfidf_weighting_matches_scikit_learn(runtime: Runtime) -> None:
    result = in_rasa_environment(runtime, CHECK)
    assert result == {
        "idf_equal": True,
        "weights_equal": True,
        "row_norms": [1.0, 1.0, 1.0, 1.0],
        "none_passes": True,
        "scale_kept": True,
    }


INFORMAL = textwrap.dedent(
    """
    import json
    from rasa.shared.nlu.training_data.message import Message
    from prima_informal import InformalIndonesianTokenizer, load_lexicon

    tokenizer = InformalIndonesianTokenizer(InformalIndonesianTokenizer.get_default_config())
    text = "Paket gak dtg2 udh 3 hr, barang2 Rusak!!"
    tokens = tokenizer.tokenize(Message(data={"text": text}), "text")
    print(json.dumps({
        "texts": [t.text for t in tokens],
        "lemmas": [t.lemma for t in tokens],
        "offsets_kept": all(text[t.start:t.end] == t.text for t in tokens),
        "spellings": len(load_lexicon()),
    }))
    """
)


def test_informal_spellings_are_counted_as_their_standard_form(runtime: Runtime) -> None:
    result = in_rasa_environment(runtime, INFORMAL)
    assert result["texts"] == ["Paket", "gak", "dtg2", "udh", "3", "hr", "barang2", "Rusak"]
    assert result["lemmas"] == [
        "Paket", "tidak", "datang", "sudah", "3", "hari", "barang", "Rusak"
    ]  # fmt: skip
    assert result["offsets_kept"]
    assert result["spellings"] > 100  # the whole list loads (no spelling under two words)


LINEAR = textwrap.dedent(
    """
    import json, tempfile
    from pathlib import Path
    from scipy.sparse import csr_matrix
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from prima_linear import LinearIntentClassifier

    storage = LocalModelStorage(Path(tempfile.mkdtemp()))
    config = LinearIntentClassifier.get_default_config()
    component = LinearIntentClassifier(config, "linear", storage, Resource("linear"))
    problems = []
    for bad in ({"C": 0}, {"class_weight": "auto"}):
        try:
            LinearIntentClassifier.validate_config({**config, **bad})
        except ValueError as exc:
            problems.append(str(exc).split(" ")[0])
    print(json.dumps({
        "C": component.clf.C,
        "class_weight": component.clf.class_weight,
        "max_iter": component.clf.max_iter,
        "problems": problems,
    }))
    """
)


def test_the_linear_classifier_takes_its_regularisation_and_class_weights(
    runtime: Runtime,
) -> None:
    result = in_rasa_environment(runtime, LINEAR)
    assert result == {
        "C": 10.0,
        "class_weight": None,
        "max_iter": 2000,
        "problems": ["C", "class_weight"],
    }
