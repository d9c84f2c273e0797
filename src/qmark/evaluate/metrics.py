"""Agreement measures. Ordinal scale for kappa: met=2, partly_met=1, not_met=0, not_evidenced=0."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

ORDINAL = {"met": 2, "partly_met": 1, "not_met": 0, "not_evidenced": 0}
RATINGS = ("met", "partly_met", "not_met", "not_evidenced")


def exact_agreement(pairs: Sequence[tuple[str, str]]) -> float:
    return sum(g == p for g, p in pairs) / len(pairs) if pairs else float("nan")


def quadratic_kappa(pairs: Sequence[tuple[str, str]]) -> float:
    """Cohen's kappa with quadratic weights on the 3-point ordinal scale."""
    if not pairs:
        return float("nan")
    k = 3
    obs = [[0.0] * k for _ in range(k)]
    for g, p in pairs:
        obs[ORDINAL[g]][ORDINAL[p]] += 1
    n = len(pairs)
    row = [sum(obs[i]) for i in range(k)]
    col = [sum(obs[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * obs[i][j]
            den += w * row[i] * col[j] / n
    if den == 0:
        return 1.0 if num == 0 else 0.0
    return 1 - num / den


def bootstrap_ci(groups: list[list[tuple[str, str]]], stat, n: int = 1000, seed: int = 7) -> tuple[float, float]:
    """95% interval for stat over pairs, resampling whole reports (groups)."""
    if not groups:
        return float("nan"), float("nan")
    rng = random.Random(seed)
    values = []
    for _ in range(n):
        sample = [pair for _ in groups for pair in rng.choice(groups)]
        values.append(stat(sample))
    values.sort()
    return values[int(0.025 * n)], values[int(0.975 * n) - 1]


def confusion(pairs: Sequence[tuple[str, str]]) -> dict[str, dict[str, int]]:
    c = Counter(pairs)
    return {g: {p: c[(g, p)] for p in RATINGS} for g in RATINGS}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f
