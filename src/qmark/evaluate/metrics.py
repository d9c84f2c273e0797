"""Agreement measures. Ordinal scale for kappa: met=2, partly_met=1, not_met=0, not_evidenced=0."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence

ORDINAL = {"met": 2, "partly_met": 1, "not_met": 0, "not_evidenced": 0}
RATINGS = ("met", "partly_met", "not_met", "not_evidenced")


def exact_agreement(pairs: Sequence[tuple[str, str]]) -> float:
    return sum(g == p for g, p in pairs) / len(pairs) if pairs else float("nan")


def quadratic_kappa(pairs: Sequence[tuple[str, str]]) -> float:
    """Cohen's kappa with quadratic weights on the 3-point ordinal scale."""
    return quadratic_kappa_table(Counter(pairs))


def quadratic_kappa_table(table: Mapping[tuple[str, str], int]) -> float:
    """quadratic_kappa from a table of (first, second) -> count."""
    n = sum(table.values())
    if not n:
        return float("nan")
    k = 3
    obs = [[0.0] * k for _ in range(k)]
    for (g, p), c in table.items():
        obs[ORDINAL[g]][ORDINAL[p]] += c
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


def exact_agreement_table(table: Mapping[tuple[str, str], int]) -> float:
    n = sum(table.values())
    return sum(c for (a, b), c in table.items() if a == b) / n if n else float("nan")


def bootstrap_ci_tables(
    tables: Sequence[Mapping[tuple[str, str], int]], stats: Sequence, n: int = 1000, seed: int = 7
) -> list[tuple[float, float]]:
    """95% intervals for several stat(table) at once, resampling whole groups given as tables of
    (first, second) -> count: the same resamples for every statistic, and fast for many groups."""
    if not tables:
        return [(float("nan"), float("nan")) for _ in stats]
    cells = [(a, b) for a in RATINGS for b in RATINGS]
    vectors = [tuple(t.get(cell, 0) for cell in cells) for t in tables]
    rng = random.Random(seed)
    values: list[list[float]] = [[] for _ in stats]
    for _ in range(n):
        total = [sum(column) for column in zip(*rng.choices(vectors, k=len(vectors)))]
        table = {cell: c for cell, c in zip(cells, total) if c}
        for out, stat in zip(values, stats):
            out.append(stat(table))
    intervals = []
    for v in values:
        v.sort()
        intervals.append((v[int(0.025 * n)], v[int(0.975 * n) - 1]))
    return intervals


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


def gwet_ac1(pairs: Sequence[tuple[str, str]], categories: Sequence[str] = RATINGS) -> float:
    """Gwet's AC1 for two raters over nominal categories (Gwet 2008): chance agreement from the
    raters' pooled use of each category, so it stays stable when one rating dominates."""
    return gwet_ac1_table(Counter(pairs), categories)


def gwet_ac1_table(table: Mapping[tuple[str, str], int], categories: Sequence[str] = RATINGS) -> float:
    """gwet_ac1 from a table of (first, second) -> count."""
    n = sum(table.values())
    if not n:
        return float("nan")
    q = len(categories)
    observed = exact_agreement_table(table)
    counts: Counter[str] = Counter()
    for (a, b), c in table.items():
        counts[a] += c
        counts[b] += c
    chance = sum((counts[c] / (2 * n)) * (1 - counts[c] / (2 * n)) for c in categories) / (q - 1)
    if chance >= 1:
        return 1.0
    return (observed - chance) / (1 - chance)
