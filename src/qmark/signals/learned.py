"""Learned sentence labels: one logistic head per label over a sentence's embedding and the cue
labels that fired on it, fitted on the labelled corpus with folds grouped by writer.

The cues stay the readable reasons: where the model keeps a cue's label, the cue's words are
what people see; where it adds a label no cue gave, the reason says so and gives the probability.
For each label, fitting chooses (by cross-validation over writers inside the training data) how
the head is used:

- ``rules``: the head did no better than the cue lists; the cues decide alone;
- ``learned``: the head decides: cue labels it does not confirm are dropped, and it adds its own;
- ``or``: the cues' labels stay and the head adds those it is sure of.

Runtime needs only numpy and the embedder; fitting (``fit``) needs scikit-learn, which the
``train`` and ``test`` extras install. A model is a ``.npz`` of plain arrays, read with
``allow_pickle=False``.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qmark.data import DataFileError, load_once
from qmark.signals.annotation import Annotation, Annotations
from qmark.signals.embedding import EmbeddingUnavailable, get_embedder

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from qmark.assess.pipeline import Analysis
    from qmark.profile import Profile

FORMAT = "qmark-sentence-model/1"
MODES = ("rules", "learned", "or")
MIN_WORDS = 4  # shorter fragments (headings, names) are left to the cues
SKIP_ROLES = frozenset({"front_matter", "contents", "references", "glossary"})
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(2, 19))  # 0.10 .. 0.90
MIN_GAIN = 0.005  # a head must beat the cues by this much F1 (out of fold) to be used


@dataclass
class SentenceModel:
    embedder: str
    labels: tuple[str, ...]  # one head each, in column order
    rule_labels: tuple[str, ...]  # the cue labels used as features, in column order
    weights: np.ndarray  # (dim + len(rule_labels), len(labels))
    bias: np.ndarray  # (len(labels),)
    thresholds: np.ndarray  # (len(labels),)
    modes: tuple[str, ...]  # per label, one of MODES
    cv_f1: np.ndarray  # (len(labels), 2): out-of-fold F1 of the cues and of the chosen use

    # -- features and decisions
    def features(self, embeddings: np.ndarray, rule_sets: Sequence[set[str]]) -> np.ndarray:
        import numpy as np

        rules = np.array([[1.0 if r in s else 0.0 for r in self.rule_labels] for s in rule_sets], dtype=np.float32)
        return np.hstack([embeddings, rules.reshape(len(rule_sets), len(self.rule_labels))])

    def proba(self, x: np.ndarray) -> np.ndarray:
        import numpy as np

        return 1.0 / (1.0 + np.exp(-(x @ self.weights + self.bias)))

    def decide(self, proba: np.ndarray, rule_sets: Sequence[set[str]]) -> list[set[str]]:
        """The labels each sentence takes for the labels this model has heads for."""
        out: list[set[str]] = []
        above = (proba >= self.thresholds).tolist()  # one comparison for the whole report
        heads = list(zip(self.labels, self.modes))
        for rules, row in zip(rule_sets, above):
            labels: set[str] = set()
            for (label, mode), on in zip(heads, row):
                if (mode == "rules" and label in rules) or (mode == "learned" and on) or (mode == "or" and (on or label in rules)):
                    labels.add(label)
            out.append(labels)
        return out

    # -- files
    def save(self, path: str | Path) -> Path:
        import numpy as np

        path = Path(path)
        with path.open("wb") as fh:
            np.savez_compressed(
                fh,
                format=np.array(FORMAT),
                embedder=np.array(self.embedder),
                labels=np.array(self.labels),
                rule_labels=np.array(self.rule_labels),
                weights=self.weights.astype(np.float32),
                bias=self.bias.astype(np.float32),
                thresholds=self.thresholds.astype(np.float32),
                modes=np.array(self.modes),
                cv_f1=self.cv_f1.astype(np.float32),
            )
        return path

    @classmethod
    def load(cls, path: str | Path) -> SentenceModel:
        import numpy as np

        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as z:
                if str(z["format"]) != FORMAT:
                    raise DataFileError(f"{path}: not a {FORMAT} file (format {str(z['format'])!r})")
                m = cls(
                    embedder=str(z["embedder"]),
                    labels=tuple(str(x) for x in z["labels"]),
                    rule_labels=tuple(str(x) for x in z["rule_labels"]),
                    weights=z["weights"],
                    bias=z["bias"],
                    thresholds=z["thresholds"],
                    modes=tuple(str(x) for x in z["modes"]),
                    cv_f1=z["cv_f1"],
                )
        except DataFileError:
            raise
        except (OSError, KeyError, ValueError) as exc:
            raise DataFileError(f"{path}: cannot read the sentence model ({type(exc).__name__}: {exc})") from None
        n = len(m.labels)
        if m.weights.shape[1] != n or m.bias.shape != (n,) or m.thresholds.shape != (n,) or len(m.modes) != n or set(m.modes) - set(MODES):
            raise DataFileError(f"{path}: the sentence model's arrays do not agree in shape")
        return m


# -- fitting (development time) ---------------------------------------------------------------


def _f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = int((pred & gold).sum())
    fp = int((pred & ~gold).sum())
    fn = int((~pred & gold).sum())
    return 2 * tp / max(2 * tp + fp + fn, 1)


def _head(x: np.ndarray, y: np.ndarray, c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=2000).fit(x, y)


def _choose(x: np.ndarray, y: np.ndarray, rules: np.ndarray, groups: np.ndarray, c: float, folds: int) -> tuple[str, float, float, float]:
    """How to use this label's head, from out-of-fold probabilities over writers: (mode,
    threshold, F1 of the cues, F1 of the choice)."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    rules_f1 = _f1(rules, y)
    if y.sum() < 3 or len(set(groups)) < 2:
        return "rules", 0.5, rules_f1, rules_f1
    p = np.zeros(len(y))
    for a, b in GroupKFold(min(folds, len(set(groups)))).split(x, y, groups):
        if y[a].sum() < 2 or y[a].all():
            continue
        p[b] = _head(x[a], y[a], c).predict_proba(x[b])[:, 1]
    best = ("rules", 0.5, rules_f1)
    for t in THRESHOLDS:
        for mode, pred in (("learned", p >= t), ("or", (p >= t) | rules)):
            f = _f1(pred, y)
            if f > best[2] + MIN_GAIN:
                best = (mode, t, f)
    return best[0], best[1], rules_f1, best[2]


def fit(
    embeddings: np.ndarray,
    rule_sets: Sequence[set[str]],
    gold_sets: Sequence[set[str]],
    groups: Sequence[str],
    labels: Sequence[str],
    embedder: str,
    c: float = 1.0,
    folds: int = 4,
) -> SentenceModel:
    """Fit one head per label; choose each head's use by cross-validation over writers."""
    import numpy as np

    rule_labels = tuple(labels)
    probe = SentenceModel(embedder, tuple(labels), rule_labels, np.zeros((0, 0)), np.zeros(0), np.zeros(0), (), np.zeros((0, 2)))
    x = probe.features(embeddings, rule_sets)
    g = np.asarray(groups)
    dim = x.shape[1]
    weights = np.zeros((dim, len(labels)), dtype=np.float32)
    bias = np.zeros(len(labels), dtype=np.float32)
    thresholds = np.full(len(labels), 0.5, dtype=np.float32)
    modes: list[str] = []
    cv = np.zeros((len(labels), 2), dtype=np.float32)
    for j, label in enumerate(labels):
        y = np.array([label in s for s in gold_sets])
        rules = np.array([label in s for s in rule_sets])
        mode, t, rules_f1, chosen_f1 = _choose(x, y, rules, g, c, folds)
        if mode != "rules":
            head = _head(x, y, c)
            weights[:, j] = head.coef_[0]
            bias[j] = head.intercept_[0]
        thresholds[j] = t
        modes.append(mode)
        cv[j] = (rules_f1, chosen_f1)
    return SentenceModel(embedder, tuple(labels), rule_labels, weights, bias, thresholds, tuple(modes), cv)


# -- the detector ----------------------------------------------------------------------------------


def load_model(path: str | Path) -> SentenceModel:
    return load_once(SentenceModel.load, path, "sentence model")


class SentenceScores(MutableMapping[int, dict[str, float]]):
    """sentence index -> {label: probability, to 3 places}, made when asked for: only the
    annotations output reads them, so a plain assessment never builds 50,000 of them. Scores set
    afterwards (another detector's) are kept as given."""

    def __init__(self, rows: dict[int, int], labels: list[str], proba: np.ndarray) -> None:
        self._rows, self._labels, self._proba = dict(rows), labels, proba
        self._set: dict[int, dict[str, float]] = {}

    def __getitem__(self, index: int) -> dict[str, float]:
        if index in self._set:
            return self._set[index]
        row = self._proba[self._rows[index]].astype("float64").tolist()  # Python floats, for round()
        return {label: round(v, 3) for label, v in zip(self._labels, row)}

    def __setitem__(self, index: int, scores: dict[str, float]) -> None:
        self._set[index] = scores

    def __delitem__(self, index: int) -> None:
        found = self._set.pop(index, None) is not None
        if self._rows.pop(index, None) is None and not found:
            raise KeyError(index)

    def __iter__(self) -> Iterator[int]:
        return iter(dict.fromkeys([*self._rows, *self._set]))

    def __len__(self) -> int:
        return len(set(self._rows) | set(self._set))


class LearnedDetector:
    """The registered 'learned' detector. Runs after the cue detector: for each label with a head,
    it keeps, drops or adds sentence labels as the fitted model says, and records every analysed
    sentence's probabilities for the labels its heads decide (``Analysis.sentence_scores``) for the
    annotations output."""

    MODEL = "sentences"  # the profile's models.<name> entry

    def __init__(self, profile: Profile) -> None:
        path = profile.files.get(f"model:{self.MODEL}")
        if path is None:
            raise DataFileError(f"{profile.files['profile']}: the 'learned' detector needs files.models.{self.MODEL} (a sentence model)")
        self.model = load_model(path)
        self.files = [path]
        self.signals = frozenset(self.model.labels)
        try:
            self.embedder = get_embedder(self.model.embedder)
        except EmbeddingUnavailable as exc:
            raise DataFileError(f"{path}: {exc}") from None

    def detect(self, analysis: Analysis) -> None:
        report = analysis.report
        paragraphs = report.paragraphs
        chosen = []
        for s in report.sentences:
            p = paragraphs[s.paragraph]
            if not p.analysed or p.role in SKIP_ROLES:
                continue
            text = report.text[s.start : s.end]
            if len(text.split()) < MIN_WORDS:
                continue
            chosen.append((s, text))
        if not chosen:
            return
        old = analysis.annotations
        rule_sets = [old.labels_of(s.index) for s, _ in chosen]
        emb = self.embedder.embed([t for _, t in chosen])
        proba = self.model.proba(self.model.features(emb, rule_sets))
        decided = self.model.decide(proba, rule_sets)
        heads = set(self.model.labels)
        keep: list[Annotation] = []
        touched = {s.index: (labels, i) for i, ((s, _), labels) in enumerate(zip(chosen, decided))}
        for a in old.items:
            entry = touched.get(a.sentence)
            if entry is not None and a.label in heads and a.label not in entry[0]:
                continue  # the model does not confirm this cue's label here
            keep.append(a)
        # A head whose label the cues decide alone ('rules') says nothing about the label shown.
        used = [(j, label) for j, label in enumerate(self.model.labels) if self.model.modes[j] != "rules"]
        scores = SentenceScores(
            {s.index: i for i, (s, _) in enumerate(chosen)}, [label for _, label in used], proba[:, [j for j, _ in used]]
        )
        for i, (s, _text) in enumerate(chosen):
            for j, label in enumerate(self.model.labels):
                if label in decided[i] and label not in rule_sets[i]:
                    keep.append(
                        Annotation(
                            label,
                            s.index,
                            s.paragraph,
                            s.start,
                            s.end,
                            f"reads as {label.replace('_', ' ')} (learned model, {proba[i, j]:.0%})",
                            1.0,
                        )
                    )
        analysis.annotations = Annotations(keep)
        analysis.sentence_scores = scores


def refit(
    model: SentenceModel, embeddings: np.ndarray, rule_sets: Sequence[set[str]], gold_sets: Sequence[set[str]], c: float = 1.0
) -> SentenceModel:
    """The same model (each head's use and threshold kept) with its heads fitted again on other
    data: how evaluation holds a writer's sentences out of the model that labels their reports."""
    import numpy as np

    x = model.features(embeddings, rule_sets)
    weights = model.weights.copy()
    bias = model.bias.copy()
    for j, label in enumerate(model.labels):
        if model.modes[j] == "rules":
            continue
        y = np.array([label in s for s in gold_sets])
        if y.sum() < 2 or y.all():
            continue
        head = _head(x, y, c)
        weights[:, j] = head.coef_[0]
        bias[j] = head.intercept_[0]
    return SentenceModel(model.embedder, model.labels, model.rule_labels, weights, bias, model.thresholds, model.modes, model.cv_f1)
