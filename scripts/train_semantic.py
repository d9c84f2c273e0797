#!/usr/bin/env python3
"""Fit the optional semantic layer's heads on every labelled sentence of a corpus and save them.

    pip install torch==2.13.0 && pip install -e '.[semantic]'   # CPU torch first
    python scripts/train_semantic.py                             # corpus/dev -> src/qmark/data/semantic_heads.npz
    python scripts/train_semantic.py --corpus corpus/dev --out /tmp/heads.npz

The thresholds are chosen by cross-validation that holds out whole reports; for the out-of-fold
figures, run `python -m qmark.evaluate.semantic_eval corpus/dev`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(ROOT / "corpus" / "dev"), help="folder of *.jsonl labelled sentences")
    ap.add_argument("--out", default=str(ROOT / "src" / "qmark" / "data" / "semantic_heads.npz"))
    ap.add_argument("--l2", type=float, default=None, help="L2 penalty (default: the module's)")
    args = ap.parse_args(argv)

    from qmark.evaluate.corpus import CorpusError
    from qmark.evaluate.semantic_eval import train_from_folder
    from qmark.signals.semantic import SemanticUnavailable

    try:
        lab, path = train_from_folder(Path(args.corpus), Path(args.out), l2=args.l2)
    except (CorpusError, SemanticUnavailable) as exc:
        print(f"train_semantic: {exc}", file=sys.stderr)
        return 2
    print(
        f"{lab.meta['trained_on']} sentences from {lab.meta['groups']} reports; "
        f"L2 {lab.meta['l2']:g} (inner macro-F1 of the combination {lab.meta['inner_combined_macro_f1']}); "
        f"fitted in {lab.meta['fit_seconds']} s; wrote {path} ({path.stat().st_size / 1024:.0f} KiB)"
    )
    for j, label in enumerate(lab.labels):
        tc = lab.t_combined[j]
        print(
            f"  {label:24s} positives {lab.meta['positives'][label]:4d}  threshold alone {lab.t_semantic[j]:.2f}  "
            f"with rules {'off' if tc == float('inf') else f'{tc:.2f}'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
