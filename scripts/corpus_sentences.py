"""Corpus tooling: list a report's sentences for a labeller, and merge the labels back.

  python scripts/corpus_sentences.py todo REPORT       -> REPORT-stem.sentences.todo.jsonl
  python scripts/corpus_sentences.py merge REPORT      -> REPORT-stem.sentences.jsonl
                                                          (from REPORT-stem.labels.jsonl)

The todo file numbers each sentence (i) and gives its printed paragraph number and section,
so a labeller writes only {"i": N, "labels": [...], "hard": "kind"|null} per line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from qmark.ingest import read_report


def _stem(path: Path) -> Path:
    return path.with_suffix("")


def todo(path: Path, sample: int = 0) -> Path:
    """Write the sentences to label. With sample > 0, an even spread of that many sentences of
    at least six words, so that every part of the report is represented."""
    report = read_report(path)
    out = _stem(path).with_suffix(".sentences.todo.jsonl")
    rows = []
    for i, s in enumerate(report.sentences):
        p = report.paragraphs[s.paragraph]
        if p.kind == "heading":
            continue
        sec = report.sections[p.section].heading if p.section is not None else ""
        text = " ".join(report.sentence_text(s).split())
        if len(text) < 3 or (sample and len(text.split()) < 6):
            continue
        rows.append({"i": i, "para": p.number, "section": sec, "text": text})
    if sample and len(rows) > sample:
        step = len(rows) / sample
        rows = [rows[int(k * step)] for k in range(sample)]
    with out.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return out


def merge(path: Path) -> Path:
    stem = _stem(path)
    todo_rows = {r["i"]: r for r in map(json.loads, stem.with_suffix(".sentences.todo.jsonl").read_text(encoding="utf-8").splitlines())}
    out_rows = []
    for line in stem.with_suffix(".labels.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        base = todo_rows.get(r["i"])
        if base is None:
            raise SystemExit(f"{path}: label for unknown sentence {r['i']}")
        row = {"text": base["text"], "labels": sorted(set(r.get("labels", [])))}
        if r.get("hard"):
            row["hard"] = r["hard"]
        out_rows.append(row)
    out = stem.with_suffix(".sentences.jsonl")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out_rows), encoding="utf-8")
    return out


if __name__ == "__main__":
    cmd, *files = sys.argv[1:]
    n = 0
    if files and files[0].startswith("--sample="):
        n = int(files.pop(0).split("=", 1)[1])
    for f in files:
        print(todo(Path(f), n) if cmd == "todo" else merge(Path(f)))
