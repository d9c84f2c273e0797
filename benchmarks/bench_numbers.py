"""Printed paragraph numbers recovered, per form, over the development corpus.

    python benchmarks/bench_numbers.py [corpus/dev]

The truth for each report is the numbering in its own Markdown or text source, as qmark reads
that source. Each report is then rendered in other forms and read back:

- pdf:      a PDF laid out with reportlab (running header, 'Page N of M' footer)
- pdftotext: `pdftotext -layout` of that PDF (skipped when poppler-utils is not installed)
- wrapped:  the text hard-wrapped at 78 columns, as copied out of a PDF or a web page
- docx:     a Word document (typed numbers, Heading styles)

A number counts as recovered when the form's reading has a paragraph with that number (each
number counted as often as the source has it). Needs the test extra (reportlab, python-docx).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from helpers import markdown_to_pages, write_docx, write_pdf  # noqa: E402
from qmark.ingest import IngestError, read_report  # noqa: E402


def numbers(path: Path) -> Counter:
    report = read_report(path)
    return Counter(p.number for p in report.paragraphs if p.number and p.kind != "heading" and p.role != "contents")


def wrapped(md: str) -> str:
    out = []
    for block in md.split("\n\n"):
        block = " ".join(block.split())
        if not block:
            continue
        out.append(textwrap.fill(block.lstrip("# "), 78) if not block.startswith("|") else block)
    return "\n\n".join(out) + "\n"


def main(folder: Path) -> int:
    sources = sorted(p for p in folder.iterdir() if p.suffix in (".md", ".txt"))
    forms = ["pdf", "pdftotext", "wrapped", "docx"]
    have_pdftotext = shutil.which("pdftotext") is not None
    totals = {f: [0, 0] for f in forms}
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        for src in sources:
            truth = numbers(src)
            if not truth:
                continue
            md = src.read_text(encoding="utf-8").replace("\f", "\n\n")
            made = {}
            made["pdf"] = write_pdf(t / f"{src.stem}.pdf", markdown_to_pages(md))
            if have_pdftotext:
                out = t / f"{src.stem}.pdftotext.txt"
                subprocess.run(["pdftotext", "-layout", str(made["pdf"]), str(out)], check=True)
                made["pdftotext"] = out
            w = t / f"{src.stem}.wrapped.txt"
            w.write_text(wrapped(md), encoding="utf-8")
            made["wrapped"] = w
            made["docx"] = write_docx(t / f"{src.stem}.docx", md)
            row = [src.name]
            for form in forms:
                if form not in made:
                    row.append("-")
                    continue
                try:
                    got = numbers(made[form])
                except IngestError as exc:
                    print(f"  {exc}", file=sys.stderr)
                    got = Counter()
                hit = sum((truth & got).values())
                totals[form][0] += hit
                totals[form][1] += sum(truth.values())
                row.append(f"{100 * hit / sum(truth.values()):.0f}%")
            print("  ".join(f"{c:<32}" if i == 0 else f"{c:>9}" for i, c in enumerate(row)))
    print()
    for form in forms:
        hit, total = totals[form]
        if total:
            print(f"{form:<10} {hit}/{total} printed numbers recovered: {100 * hit / total:.1f}%")
        else:
            print(f"{form:<10} not measured" + (" (pdftotext not installed)" if form == "pdftotext" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "corpus" / "dev"))
