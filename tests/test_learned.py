"""The learned layer: WordLlama embeddings, the sentence model, the rating model, `qmark train`."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import numpy as np
import pytest

from qmark.assess import rating_model as rm
from qmark.data import DataFileError
from qmark.engine import Engine
from qmark.profile import load_profile
from qmark.signals import learned
from qmark.signals.embedding import get_embedder

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def test_wordllama_loads_from_the_package_without_the_network(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("network call attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    get_embedder.cache_clear()
    try:
        e = get_embedder()
        v = e.embed(
            [
                "The health visitor did not follow up because her caseload had doubled after two colleagues left.",
                "Visits lapsed when staff shortages left each practitioner with twice the usual number of families.",
                "The baby was born at 36 weeks in the maternity unit.",
            ]
        )
    finally:
        get_embedder.cache_clear()
    assert v.shape == (3, 256)
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    # a paraphrase sits nearer than an unrelated sentence
    assert float(v[0] @ v[1]) > float(v[0] @ v[2])


def _toy_data():
    # Written for this test: explanations of why practice happened versus plain narration.
    why = [
        "The social worker did not revisit because the team had lost three staff that winter and cases were reallocated weekly.",
        "Referrals were screened by phone alone since the duty system had no time set aside for checking records.",
        "Nobody followed up the missed appointment because the clinic's booking system did not tell the health visitor.",
        "The GP did not share the concern as the practice had no routine link with the school nurse.",
        "Managers accepted the mother's account because the service's culture trusted parents who engaged.",
        "The strategy discussion was held without police because the rota left no officer on call after six.",
    ]
    what = [
        "On 3 March the health visitor saw the family at home.",
        "The child attended nursery on four days in April.",
        "A referral was received from the school on 12 May.",
        "The mother moved to a new flat in the summer.",
        "The case was closed to children's social care in October.",
        "The father was arrested on 2 December.",
    ]
    texts = why + what
    gold = [{"explanation_systemic"}] * 6 + [{"description"}] * 6
    groups = ["a", "b", "c", "a", "b", "c"] * 2
    return texts, gold, groups


def test_sentence_model_fits_saves_and_loads(tmp_path):
    texts, gold, groups = _toy_data()
    emb = get_embedder().embed(texts)
    rules = [set() for _ in texts]
    labels = ("description", "explanation_systemic")
    model = learned.fit(emb, rules, gold, groups, labels, get_embedder().name, folds=3)
    assert set(model.modes) <= set(learned.MODES)
    path = model.save(tmp_path / "m.npz")
    again = learned.SentenceModel.load(path)
    x = again.features(emb, rules)
    assert np.allclose(again.proba(x), model.proba(model.features(emb, rules)))
    decided = again.decide(again.proba(x), rules)
    # heads that are used tell the two kinds apart on their own training sentences
    j = again.labels.index("explanation_systemic")
    if again.modes[j] != "rules":
        assert sum("explanation_systemic" in d for d in decided[:6]) > sum("explanation_systemic" in d for d in decided[6:])


def test_a_broken_sentence_model_is_one_line(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(DataFileError) as err:
        learned.SentenceModel.load(bad)
    assert str(bad) in str(err.value) and "\n" not in str(err.value)


def test_rating_model_file_checks(tmp_path):
    profile = load_profile("analysis")
    shipped = profile.files["model:ratings"]
    raw = json.loads(shipped.read_text())
    raw["features"] = raw["features"][:-1]
    bad = tmp_path / "r.json"
    bad.write_text(json.dumps(raw))
    with pytest.raises(DataFileError, match="refit"):
        rm.RatingModel.load(bad)


def test_choose_most_probable_or_least_expected_cost():
    classes = ["not_met", "partly_met", "met"]
    # most probable is met, but mass on not_met makes partly met the safer suggestion
    assert classes[rm.choose(classes, [0.45, 0.1, 0.45 + 1e-9])] == "met"
    # expected cost: mass on not met makes partly met the safer suggestion
    assert classes[rm.choose(classes, [0.45, 0.1, 0.45 + 1e-9], "expected_cost")] == "partly_met"
    assert classes[rm.choose(classes, [0.05, 0.15, 0.8], "expected_cost")] == "met"


def test_shipped_profile_runs_the_learned_layer_and_confidence_varies():
    engine = Engine.from_profile("analysis")
    assert type(engine.scorer).__name__ == "LearnedScorer"
    assert any(type(d).__name__ == "LearnedDetector" for d in engine.detectors)
    confs = set()
    for name in ("w09/f09a_cpr_2012.txt", "w09/f09c_cpr_2012.txt"):
        path = CORPUS / "test" / name
        if not path.exists():
            pytest.skip(f"{path} missing")
        a = engine.assess(path)
        for q in a.questions:
            assert 0 <= q.confidence <= 1
            assert q.needs_human_read == (q.confidence < engine.scorer.model.check_below)  # type: ignore[attr-defined]
            confs.add(q.confidence)
    assert len(confs) > 5  # not one figure per question whatever the report


def test_train_writes_a_profile_that_assesses(tmp_path):
    pytest.importorskip("sklearn")
    corpus = tmp_path / "corpus"
    # two writers' reports, with their gold and labelled sentences
    for writer in ("w01", "w02"):
        src = CORPUS / "dev" / writer
        dst = corpus / writer
        dst.mkdir(parents=True)
        # the first two reports, each with every file of its own (report, gold, sentences)
        stems = sorted(g.name[: -len(".gold.json")] for g in src.glob("*.gold.json"))[:2]
        for f in sorted(src.iterdir()):
            if f.name.startswith(tuple(stems)):
                shutil.copy(f, dst / f.name)
    from qmark.cli import main

    out = tmp_path / "trained"
    assert main(["train", str(corpus), "--out", str(out)]) == 0
    assert (out / "sentence_model.npz").is_file() and (out / "rating_model.json").is_file()
    report = next(corpus.rglob("*.txt"))
    assert main(["assess", str(report), "--profile", str(out), "--json", str(tmp_path / "a.json"), "-q"]) == 0
    data = json.loads((tmp_path / "a.json").read_text())
    assert data["profile"]["hash"] != Engine.from_profile("analysis").config_hash
