"""Out-of-fold figures for the optional semantic layer: rules alone, semantic alone, combined.

Cross-validation holds out one labelled-sentence file (one report) at a time, trains the
semantic heads on the others (their thresholds chosen by a further cross-validation inside the
training reports only), and scores the held-out report's sentences. The rules are not trained,
so their figures are simply the rules on every sentence, as in ``evaluate_sentences()``.

Each of ``rules``, ``semantic`` and ``combined`` in the result has the shape of
``qmark.evaluate.run.evaluate_sentences()``: ``{"n", "labels": {label: {precision, recall, f1,
support}}, "macro_f1"}``.
"""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path
from typing import Any

from qmark.evaluate import metrics
from qmark.evaluate.corpus import CorpusError, LabelledSentence, read_sentence_file
from qmark.signals import PUBLIC_LABELS, label_sentence


def load_sentence_files(folder: Path) -> list[tuple[str, list[LabelledSentence]]]:
    """Every *.jsonl in folder, validated as load_sentences() does, kept apart by file."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: not a folder")
    out = []
    for path in sorted(folder.glob("*.jsonl")):
        rows = read_sentence_file(path)
        if rows:
            out.append((path.name, rows))
    if not out:
        raise CorpusError(f"{folder}: no labelled sentences (*.jsonl) found (see corpus/README.md for the format)")
    return out


def score(gold: list[set[str]], pred: list[set[str]]) -> dict:
    """Per-label precision, recall, F1 and support, and macro-F1: evaluate_sentences()'s shape."""
    per = {}
    for label in PUBLIC_LABELS:
        tp = sum(1 for g, p in zip(gold, pred) if label in g and label in p)
        fp = sum(1 for g, p in zip(gold, pred) if label not in g and label in p)
        fn = sum(1 for g, p in zip(gold, pred) if label in g and label not in p)
        p, r, f = metrics.prf(tp, fp, fn)
        per[label] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "support": tp + fn}
    macro = sum(v["f1"] for v in per.values()) / len(per)
    return {"n": len(gold), "labels": per, "macro_f1": round(macro, 3)}


def _finite(x) -> float | None:
    """inf (the semantic layer is off for that label) as None, so the dict stays valid JSON."""
    x = float(x)
    return round(x, 3) if math.isfinite(x) else None


def _threads() -> int | None:
    try:
        import torch

        return int(torch.get_num_threads())
    except Exception:  # noqa: BLE001
        return None


def evaluate_semantic(
    folder: Path, folds_by_file: bool = True, folds: int = 10, seed: int = 0, l2: float | str | None = None, balanced: bool = False
) -> dict:
    """Rules / semantic / combined, out of fold. folds_by_file=True: leave one file (report) out;
    False: `folds` random folds over sentences (optimistic: a report's sentences share wording).
    Raises SemanticUnavailable when the [semantic] extra is not installed."""
    from qmark.signals import semantic as sem

    started = time.perf_counter()
    cold = sem.available.cache_info().currsize == 0
    if not sem.available():  # imports torch and transformers: timed as import_seconds
        raise sem.SemanticUnavailable(sem.INSTALL_HINT)
    import_seconds = time.perf_counter() - started if cold else None
    import numpy as np

    files = load_sentence_files(Path(folder))
    if folds_by_file and len(files) < 2:
        raise CorpusError(f"{folder}: report-level cross-validation needs two or more *.jsonl files")
    texts = [s.text for _, rows in files for s in rows]
    gold = [set(s.labels) for _, rows in files for s in rows]
    groups = [name for name, rows in files for _ in rows]
    rules = [{h.label for h in label_sentence(t)} & set(PUBLIC_LABELS) for t in texts]

    # Model load (cold, in this process) and embedding speed on this machine.
    was_loaded = sem.get_embedder.cache_info().currsize > 0
    embedder = sem.get_embedder()
    load_seconds = embedder.load_seconds if not was_loaded else None
    embedder.embed(texts[:8])  # warm-up: first call allocates
    t0 = time.perf_counter()
    E = embedder.embed(texts, sem.BATCH_SIZE)
    embed_seconds = time.perf_counter() - t0

    n = len(texts)
    if folds_by_file:
        names = [name for name, _ in files]
        tests = [np.array([g == name for g in groups]) for name in names]
        mode = f"out-of-fold ({len(names)} folds, one report file held out each)"
    else:
        tests = sem._folds(n, None, folds, seed)
        mode = f"out-of-fold ({len(tests)} random folds over sentences)"
    semantic_pred: list[set[str]] = [set() for _ in range(n)]  # every sentence is held out once
    combined_pred: list[set[str]] = [set() for _ in range(n)]
    thresholds = []
    chosen: list[float] = []
    t_fit = time.perf_counter()
    for test in tests:
        train = np.flatnonzero(~test)
        held = np.flatnonzero(test)
        lab = sem.SemanticLabeller(l2=sem.DEFAULT_L2 if l2 is None else l2, balanced=balanced, seed=seed)
        lab.fit(
            [(texts[i], gold[i]) for i in train],
            groups=[groups[i] for i in train] if folds_by_file else None,
            embeddings=E[train],
            rule_labels=[rules[i] for i in train],
        )
        p = lab.predict_proba(embeddings=E[held])
        for i, s, c in zip(held, lab.predict(proba=p), lab.combine([rules[i] for i in held], p)):
            semantic_pred[i], combined_pred[i] = s, c
        thresholds.append((lab.t_semantic, lab.t_combined))
        chosen.append(float(lab.chosen_l2 or 0.0))
    fit_seconds = time.perf_counter() - t_fit
    if not all(c >= r for c, r in zip(combined_pred, rules)):
        raise RuntimeError("the combination removed a rule label")  # never: combine() is a union

    ts = np.array([t for t, _ in thresholds])
    tc = np.array([t for _, t in thresholds])
    res: dict[str, Any] = {
        "n": n,
        "reports": len(files),
        "mode": mode,
        "rules": score(gold, rules),
        "semantic": score(gold, semantic_pred),
        "combined": score(gold, combined_pred),
        "thresholds": {
            label: {
                "semantic_median": _finite(np.median(ts[:, j])),
                "combined_median": _finite(np.median(tc[:, j])),
                "combined_off_in_folds": int(np.isinf(tc[:, j]).sum()),
            }
            for j, label in enumerate(PUBLIC_LABELS)
        },
        "model": {
            "embedding_model": sem.EMBEDDING_MODEL,
            "package": sem.EMBEDDING_PACKAGE,
            "dim": sem.DIM,
            "l2": sem.DEFAULT_L2 if l2 is None else l2,
            "balanced": balanced,
            "l2_chosen_in_folds": {str(v): chosen.count(v) for v in sorted(set(chosen))},
            "inner_folds": sem.DEFAULT_FOLDS,
        },
        "speed": {
            "import_seconds": None if import_seconds is None else round(import_seconds, 2),
            "model_load_seconds": None if load_seconds is None else round(load_seconds, 2),
            "embed_seconds": round(embed_seconds, 2),
            "sentences_per_second": round(n / embed_seconds, 1) if embed_seconds else None,
            "batch_size": sem.BATCH_SIZE,
            "torch_threads": _threads(),
            "cpu_count": os.cpu_count(),
            "rules_sentences_per_second": None,
            "cv_fit_seconds": round(fit_seconds, 1),
        },
    }
    t0 = time.perf_counter()
    for t in texts:
        label_sentence(t)
    dt = time.perf_counter() - t0
    res["speed"]["rules_sentences_per_second"] = round(n / dt, 1) if dt else None
    res["seconds"] = round(time.perf_counter() - started, 1)
    return res


def print_semantic(res: dict, console=None) -> None:
    """The three tables side by side: F1 per label for rules, semantic, combined."""
    from rich.console import Console
    from rich.table import Table

    c = console or Console()
    sp = res["speed"]
    load = "already loaded" if sp["model_load_seconds"] is None else f"{sp['model_load_seconds']:.1f} s"
    if sp.get("import_seconds") is not None:
        load += f" (+ {sp['import_seconds']:.1f} s importing torch and transformers)"
    c.print(
        f"[bold]qmark evaluate --semantic[/bold]: {res['n']} sentences from {res['reports']} reports, {res['mode']}, {res['seconds']} s"
    )
    c.print(
        f"Embedding: {sp['sentences_per_second']} sentences/s on {sp['torch_threads']} CPU threads "
        f"(rules: {sp['rules_sentences_per_second']} sentences/s); model load {load}"
    )
    t = Table(
        title=f"Sentence labels, out of fold: macro-F1 rules {res['rules']['macro_f1']:.2f}, "
        f"semantic {res['semantic']['macro_f1']:.2f}, combined {res['combined']['macro_f1']:.2f}"
    )
    t.add_column("label")
    t.add_column("n", justify="right")
    for col in ("rules", "semantic", "combined"):
        t.add_column(f"{col} P/R/F1", justify="right")
    for label, v in res["rules"]["labels"].items():
        t.add_row(
            label,
            str(v["support"]),
            *(
                " ".join(f"{res[m]['labels'][label][x]:.2f}" for x in ("precision", "recall", "f1"))
                for m in ("rules", "semantic", "combined")
            ),
        )
    c.print(t)


def train_from_folder(folder: Path, out: Path | None = None, l2: float | str | None = None, balanced: bool = False):
    """Fit the heads on every labelled sentence in folder (thresholds by leave-reports-out inner
    cross-validation) and save them; returns (labeller, path)."""
    from qmark.signals import semantic as sem

    files = load_sentence_files(Path(folder))
    pairs = [(s.text, set(s.labels)) for _, rows in files for s in rows]
    groups = [name for name, rows in files for _ in rows]
    lab = sem.SemanticLabeller(l2=sem.DEFAULT_L2 if l2 is None else l2, balanced=balanced)
    lab.fit(pairs, groups=groups)
    path = lab.save(out or sem.default_heads_path())
    return lab, path


if __name__ == "__main__":  # python -m qmark.evaluate.semantic_eval corpus/dev [out.json]
    import sys

    r = evaluate_semantic(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus/dev"))
    print_semantic(r)
    if len(sys.argv) > 2:
        Path(sys.argv[2]).write_text(json.dumps(r, indent=2), encoding="utf-8")
