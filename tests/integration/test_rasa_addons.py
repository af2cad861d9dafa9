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
