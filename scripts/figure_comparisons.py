"""Points of comparison for the report-wide figures: each figure's median over labelled reports,
grouped by the gold rating of the question it bears on. The outputs quote these (words.yaml,
`comparisons`) so a reader can tell whether '32% of sentences explain' is a lot.

    python scripts/figure_comparisons.py corpus/dev [--profile analysis]
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from qmark.engine import Engine

SUFFIXES = (".md", ".txt", ".html", ".pdf", ".docx")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--profile", default="analysis")
    ap.add_argument("--question", action="append", default=[], metavar="FIGURE=QID", help="e.g. explain_share=q3")
    args = ap.parse_args()
    pairs = dict(p.split("=", 1) for p in args.question) or {
        "explain_share": "q3",
        "hindsight_per_1000_words": "q6",
        "systemic_share": "q5",
        "median_research_age": "q4",
    }
    engine = Engine.from_profile(args.profile)
    by: dict[str, dict[str, list[float]]] = {f: {} for f in pairs}
    n = 0
    for gold in sorted(Path(args.folder).rglob("*.gold.json")):
        g = json.loads(gold.read_text(encoding="utf-8"))
        if g.get("profile", "analysis") != engine.profile.id:
            continue
        stem = gold.name[: -len(".gold.json")]
        doc = next((gold.with_name(stem + s) for s in SUFFIXES if gold.with_name(stem + s).exists()), None)
        if doc is None:
            continue
        f = engine.assess(doc).figures
        n += 1
        values = {
            "explain_share": f.explain_share * 100,
            "hindsight_per_1000_words": f.hindsight_per_1000_words,
            "systemic_share": 100 * f.systemic_explanations / max(1, f.systemic_explanations + f.individual_explanations),
            "median_research_age": f.median_research_age,
        }
        for fig, qid in pairs.items():
            rating = g["questions"].get(qid, {}).get("rating")
            if rating and values[fig] is not None:
                by[fig].setdefault(rating, []).append(values[fig])
    print(f"{n} reports")
    for fig, groups in by.items():
        print(f"{fig} (by gold rating of {pairs[fig]}):")
        for rating in ("met", "partly_met", "not_met", "not_evidenced"):
            v = groups.get(rating, [])
            if v:
                q = statistics.quantiles(v, n=4) if len(v) > 1 else [v[0]] * 3
                print(f"  {rating:<14} n={len(v):<3} median {statistics.median(v):6.1f}  quartiles {q[0]:6.1f} - {q[2]:6.1f}")


if __name__ == "__main__":
    main()
