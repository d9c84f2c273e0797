"""qmark's own WordLlama pooling gives WordLlama's vectors exactly, and never imports the package."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qmark.profile import load_profile
from qmark.signals import learned
from qmark.signals.embedding import WordLlamaEmbedder

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _corpus_sentences(n: int = 400) -> list[str]:
    out: list[str] = []
    for f in sorted((CORPUS / "dev").glob("*.sentences.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            out.append(json.loads(line)["text"])
            if len(out) >= n:
                return out
    return out


@pytest.fixture(scope="module")
def reference():
    """WordLlama's own inference over the same packaged files, as qmark used it before."""
    pytest.importorskip("wordllama")
    from safetensors import safe_open
    from wordllama.inference import WordLlamaInference
    from wordllama.wordllama import WordLlama

    ours = WordLlamaEmbedder()
    weights, tokenizer = ours.files
    with safe_open(str(weights), framework="np", device="cpu") as fh:
        table = fh.get_tensor("embedding.weight")
    return ours, WordLlamaInference(table, WordLlama.load_tokenizer(tokenizer))


def test_vectors_equal_wordllamas_own(reference):
    ours, theirs = reference
    # Corpus sentences plus the awkward ones: empty (embedded as a space), one token, very long, non-Latin.
    texts = [*_corpus_sentences(), "", "a", "word " * 700, "Zoë’s café – naïve ‘quote’ … 子供"]
    assert len(texts) > 300
    got = ours.embed(texts)
    want = np.asarray(theirs.embed([t or " " for t in texts], norm=True), dtype=np.float32)
    assert got.dtype == np.float32 and got.shape == want.shape == (len(texts), 256)
    assert np.array_equal(got, want)
    # one text at a time and all at once agree too (no padding or batch effects)
    assert np.array_equal(ours.embed(texts[:5]), np.vstack([ours.embed([t]) for t in texts[:5]]))


def test_learned_labels_are_unchanged(reference):
    ours, theirs = reference
    profile = load_profile(None)
    model = learned.load_model(profile.files["model:sentences"])
    texts = _corpus_sentences(300)
    rule_sets: list[set[str]] = [set() for _ in texts]
    want = np.asarray(theirs.embed(texts, norm=True), dtype=np.float32)
    for emb_ in (ours.embed(texts), want):
        assert emb_.shape == want.shape
    got_labels = model.decide(model.proba(model.features(ours.embed(texts), rule_sets)), rule_sets)
    want_labels = model.decide(model.proba(model.features(want, rule_sets)), rule_sets)
    assert got_labels == want_labels


def test_no_texts():
    assert WordLlamaEmbedder().embed([]).shape == (0, 256)


def test_the_wordllama_package_is_never_imported():
    # Importing it pulls in requests and calls logging.basicConfig(level=INFO).
    code = (
        "import sys, logging\n"
        "from qmark.signals.embedding import get_embedder\n"
        "get_embedder().embed(['The nurse did not visit because the caseload was high.'])\n"
        "assert 'wordllama' not in sys.modules and 'requests' not in sys.modules, sorted(sys.modules)\n"
        "assert not logging.getLogger().handlers\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
