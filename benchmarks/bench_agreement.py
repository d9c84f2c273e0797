"""Time the agreement figures (percentage agreement, weighted kappa, Gwet's AC1 with 2,000
bootstrap resamples of whole reviews) for an organisation's double-rated reviews, as the web
app's agreement page works them out. Prints the median of several runs per number of reviews.

    python benchmarks/bench_agreement.py
"""

from __future__ import annotations

import random
import statistics
import time
from collections import Counter

from qmark.evaluate import metrics

RATINGS = ("met", "partly_met", "not_met", "not_evidenced")
STATS = [metrics.exact_agreement_table, metrics.quadratic_kappa_table, metrics.gwet_ac1_table]


def main(runs: int = 5) -> None:
    rng = random.Random(1)
    print("reviews  seconds (median of", runs, "runs)")
    for n in (10, 50, 200, 1000):
        tables = [Counter((rng.choice(RATINGS), rng.choice(RATINGS)) for _ in range(11)) for _ in range(n)]
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            metrics.bootstrap_ci_tables(tables, STATS, n=2000, seed=7)
            times.append(time.perf_counter() - start)
        print(f"{n:7d}  {statistics.median(times):.2f}")


if __name__ == "__main__":
    main()
