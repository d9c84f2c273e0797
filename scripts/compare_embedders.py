"""Compare sentence embedders for the learned layer on the same heads and folds.

For each embedder: one logistic head per label over [embedding, cue labels], balanced classes,
threshold 0.5, leave-writer-out over the labelled sentences of a corpus folder; prints macro-F1
(and on the hard cases) and the time to embed the sentences. MiniLM needs the [semantic] extra.

    python scripts/compare_embedders.py corpus/dev [--embedders wordllama-l2-256 minilm-l6-384]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from qmark.evaluate.corpus import load_sentences
from qmark.evaluate.learned_eval import sentence_data
from qmark.profile import load_profile
from qmark.signals import PUBLIC_LABELS
from qmark.signals.embedding import get_embedder


def f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp, fp, fn = (pred & gold).sum(), (pred & ~gold).sum(), (~pred & gold).sum()
    return float(2 * tp / max(2 * tp + fp + fn, 1))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--embedders", nargs="+", default=["wordllama-l2-256", "minilm-l6-384"])
    args = ap.parse_args()
    data = sentence_data(load_sentences(args.folder), load_profile("analysis"))
    rules = np.array([[label in r for label in PUBLIC_LABELS] for r in data.rules], dtype=float)
    gold = np.array([[label in g for label in PUBLIC_LABELS] for g in data.gold])
    groups, hard = np.array(data.groups), np.array(data.hard)
    for name in args.embedders:
        emb = get_embedder(name)
        t = time.perf_counter()
        x = np.hstack([emb.embed(data.texts), rules])
        seconds = time.perf_counter() - t
        pred = np.zeros(gold.shape, dtype=bool)
        for g in np.unique(groups):
            train, test = groups != g, groups == g
            for j in range(len(PUBLIC_LABELS)):
                if gold[train, j].sum() < 3:
                    continue
                head = LogisticRegression(C=1, class_weight="balanced", max_iter=2000).fit(x[train], gold[train, j])
                pred[test, j] = head.predict_proba(x[test])[:, 1] > 0.5
        macro = np.mean([f1(pred[:, j], gold[:, j]) for j in range(len(PUBLIC_LABELS))])
        macro_hard = np.mean([f1(pred[hard, j], gold[hard, j]) for j in range(len(PUBLIC_LABELS))])
        print(f"{name}: macro-F1 {macro:.3f} (hard cases {macro_hard:.3f}); embedded {len(data.texts)} sentences in {seconds:.1f} s")


if __name__ == "__main__":
    main()
