"""Our Rasa pipeline component, exercised inside the Rasa environment where it runs."""

import json
import subprocess
import textwrap

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


def test_tfidf_weighting_matches_scikit_learn(runtime: Runtime) -> None:
    env = runtime.rasa_env
    done = subprocess.run(
        [str(env.python), "-c", CHECK],
        env=env.subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {
        "idf_equal": True,
        "weights_equal": True,
        "row_norms": [1.0, 1.0, 1.0, 1.0],
        "none_passes": True,
        "scale_kept": True,
    }


BLEND_CHECK = textwrap.dedent(
    """
    import json
    from prima_blend import BlendedIntentClassifier, blend

    diet = {"complaint_service": 0.6, "complaint_unusual": 0.3, "greet": 0.1}
    linear = {"complaint_service": 0.1, "complaint_unusual": 0.6, "thanks": 0.3}
    mixed = blend(diet, linear, 0.5)
    bad = []
    for config in ({"diet_weight": 1.5}, {"diet_weight": -0.1}, {"C": 0}):
        try:
            BlendedIntentClassifier.validate_config(config)
        except ValueError as exc:
            bad.append(str(exc))
    print(json.dumps({
        "mixed": [[name, round(p, 6)] for name, p in mixed],
        "diet_only": [name for name, _ in blend(diet, linear, 1.0)][:2],
        "linear_only": [name for name, _ in blend(diet, linear, 0.0)][:2],
        "unnormalised": [[n, round(p, 6)] for n, p in blend({"a": 0.2}, {"a": 0.2}, 0.5)],
        "refused": len(bad),
    }))
    """
)


def test_blend_is_the_weighted_mean_of_both_readings(runtime: Runtime) -> None:
    env = runtime.rasa_env
    done = subprocess.run(
        [str(env.python), "-c", BLEND_CHECK],
        env=env.subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {
        # (0.3 + 0.6) / 2, (0.6 + 0.1) / 2, 0.3 / 2, 0.1 / 2: best first, summing to 1
        "mixed": [
            ["complaint_unusual", 0.45],
            ["complaint_service", 0.35],
            ["thanks", 0.15],
            ["greet", 0.05],
        ],
        "diet_only": ["complaint_service", "complaint_unusual"],
        "linear_only": ["complaint_unusual", "thanks"],
        "unnormalised": [["a", 1.0]],
        "refused": 3,
    }
