"""Corpus tooling: list a report's sentences for a labeller, and merge the labels back.

  python scripts/corpus_sentences.py todo [--sample=N] [--pass=2] REPORT
        -> STEM.sentences.todo.jsonl  (pass 2: STEM.sentences2.todo.jsonl)
  python scripts/corpus_sentences.py merge [--pass=2] REPORT
        -> STEM.sentences.jsonl       (pass 2: STEM.sentences2.jsonl), from STEM.labels.jsonl
                                         (pass 2: STEM.labels2.jsonl)

The todo file numbers each sentence (i) and gives its printed paragraph number and section,
so a labeller writes only {"i": N, "labels": [...], "hard": "kind"|null} per line, for any
subset of the todo lines. Pass 1 offers an even spread of N sentences; pass 2 offers every
sentence of six words or more that pass 1 did not label, for a labeller to choose from.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from qmark.ingest import read_report


def _files(path: Path, second: bool) -> tuple[Path, Path, Path]:
    stem = path.with_suffix("")
    n = "2" if second else ""
    return (stem.with_suffix(f".sentences{n}.todo.jsonl"), stem.with_suffix(f".labels{n}.jsonl"), stem.with_suffix(f".sentences{n}.jsonl"))


def todo(path: Path, sample: int = 0, second: bool = False) -> Path:
    report = read_report(path)
    todo_path, _, _ = _files(path, second)
    done: set[str] = set()
    if second:
        first = _files(path, False)[2]
        if first.exists():
            done = {json.loads(line)["text"] for line in first.read_text(encoding="utf-8").splitlines() if line.strip()}
    rows = []
    for i, s in enumerate(report.sentences):
        p = report.paragraphs[s.paragraph]
        if p.kind == "heading":
            continue
        sec = report.sections[p.section].heading if p.section is not None else ""
        text = " ".join(report.sentence_text(s).split())
        if len(text) < 3 or ((sample or second) and len(text.split()) < 6) or text in done:
            continue
        rows.append({"i": i, "para": p.number, "section": sec, "text": text})
    if sample and len(rows) > sample:
        step = len(rows) / sample
        rows = [rows[int(k * step)] for k in range(sample)]
    todo_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return todo_path


def merge(path: Path, second: bool = False) -> Path:
    todo_path, labels_path, out = _files(path, second)
    todo_rows = {r["i"]: r for r in map(json.loads, todo_path.read_text(encoding="utf-8").splitlines())}
    out_rows = []
    for line in labels_path.read_text(encoding="utf-8").splitlines():
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
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out_rows), encoding="utf-8")
    return out


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    opts = {a.split("=", 1)[0]: a.split("=", 1)[1] for a in args if a.startswith("--")}
    second = opts.get("--pass") == "2"
    for f in (a for a in args if not a.startswith("--")):
        print(todo(Path(f), int(opts.get("--sample", 0)), second) if cmd == "todo" else merge(Path(f), second))
