"""End-to-end speed and memory on a realistic 150-page PDF review report.

Builds the PDF (reportlab) from the fictional development corpus: numbered paragraphs,
headings, a running header, 'Page N of M' footers, a contents page. Then assesses it in a
fresh child process, pinned to one core, and prints pages per second (median of the runs, by
processor time and by the clock), peak memory (RSS), and how many times as long as pdftotext
(poppler) takes merely to extract the same PDF's text, when pdftotext is installed.

    python benchmarks/bench_assess.py [--pages 150] [--runs 3] [--semantic]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def corpus_paragraphs() -> list[str]:
    paras: list[str] = []
    for p in sorted((REPO / "corpus" / "dev").glob("*.md")):
        for block in p.read_text(encoding="utf-8").split("\n\n"):
            b = " ".join(block.split())
            if len(b) > 120 and not b.startswith(("#", "|", "[^")):
                paras.append(re.sub(r"^(Para \d+|\d+(\.\d+)*[.-]?\d*\.?)\s+", "", b))
    return paras


def build_pdf(path: Path, pages: int) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    paras = corpus_paragraphs()
    sections = [
        "1. Introduction",
        "2. Terms of reference",
        "3. Methodology",
        "4. Background",
        "5. Key practice episodes",
        "6. Analysis",
        "7. Findings",
        "8. Conclusions",
        "9. Recommendations",
    ]
    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle("Benchmark LCSPR (fictional)")

    def furniture(n: int) -> None:
        c.setFont("Helvetica", 8)
        c.drawString(72, height - 36, "OFFICIAL - SENSITIVE   Northmoor Safeguarding Children Partnership - Child Z")
        c.drawString(width / 2 - 28, 28, f"Page {n} of {pages}")

    # contents page
    furniture(1)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(72, height - 80, "Contents")
    c.setFont("Helvetica", 11)
    for i, s in enumerate(sections):
        c.drawString(72, height - 110 - 18 * i, f"{s} {'.' * 60} {2 + i * (pages // len(sections))}")
    c.showPage()
    k = 0
    per_section = max(1, (pages - 1) // len(sections))
    for page in range(2, pages + 1):
        furniture(page)
        y = height - 70
        sec = min((page - 2) // per_section, len(sections) - 1)
        if (page - 2) % per_section == 0:
            c.setFont("Helvetica-Bold", 13)
            c.drawString(72, y, sections[sec])
            y -= 26
        n = 1
        while True:
            text = f"{sec + 1}.{(page * 7 + n)} {paras[k % len(paras)]}"
            lines = simpleSplit(text, "Helvetica", 10.5, width - 144)
            if y - 14 * len(lines) < 60:
                break
            c.setFont("Helvetica", 10.5)
            for line in lines:
                c.drawString(72, y, line)
                y -= 14
            y -= 8
            k += 1
            n += 1
        c.showPage()
    c.save()


CHILD = r"""
import json, os, resource, sys, time
t0 = time.perf_counter()
from qmark.engine import Engine
semantic = os.environ.get("QMARK_SEMANTIC") == "1"
if semantic:  # load the model before timing, as a long-running server would have it loaded
    from qmark.signals import semantic as sem
    sem.load_default()
engine = Engine.from_profile(extra_detectors=["semantic"] if semantic else [])
t1, c1 = time.perf_counter(), time.process_time()
a = engine.assess(sys.argv[1])
t2, c2 = time.perf_counter(), time.process_time()
engine.assess(sys.argv[1])  # again, as a batch worker or the web app's runner would: nothing left to load
c3 = time.process_time()
print(json.dumps({"import_s": t1 - t0, "assess_s": t2 - t1, "cpu_s": c2 - c1, "warm_cpu_s": c3 - c2, "pages": a.report.pages,
                  "paragraphs": a.report.paragraphs, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_once(pdf: Path, semantic: bool) -> dict:
    env = dict(os.environ, QMARK_SEMANTIC="1" if semantic else "0")
    cmd = [sys.executable, "-c", CHILD, str(pdf)]
    if hasattr(os, "sched_setaffinity"):
        cmd = ["taskset", "-c", "0", *cmd] if subprocess.run(["which", "taskset"], capture_output=True).returncode == 0 else cmd
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def pdftotext_seconds(pdf: Path, runs: int) -> float | None:
    """Median processor time of poppler's pdftotext on the PDF (children's CPU), or None if absent."""
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    times = []
    for _ in range(runs):
        before = os.times()
        subprocess.run([exe, str(pdf), os.devnull], check=True, capture_output=True)
        after = os.times()
        times.append((after.children_user - before.children_user) + (after.children_system - before.children_system))
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=150)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--semantic", action="store_true", help="also measure with the optional semantic layer")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "bench.pdf"
        t = time.perf_counter()
        build_pdf(pdf, args.pages)
        print(f"Built a {args.pages}-page PDF ({pdf.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s")
        extract = pdftotext_seconds(pdf, args.runs)
        modes = [False, True] if args.semantic else [False]
        for semantic in modes:
            runs = [run_once(pdf, semantic) for _ in range(args.runs)]
            pages = runs[0]["pages"]
            cpu = statistics.median(r["cpu_s"] for r in runs)
            wall = statistics.median(r["assess_s"] for r in runs)
            label = "with semantic layer" if semantic else "default"
            print(
                f"{label}: {pages} pages, {runs[0]['paragraphs']} paragraphs; assess {cpu:.2f} s of processor time = "
                f"{pages / cpu:.0f} pages/s on one core ({wall:.2f} s = {pages / wall:.0f} pages/s by the clock; "
                f"median of {args.runs}; start-up and engine build {statistics.median(r['import_s'] for r in runs):.2f} s, not counted); "
                f"peak memory {max(r['peak_mb'] for r in runs):.0f} MB"
            )
            warm = statistics.median(r["warm_cpu_s"] for r in runs)
            print(f"  the same report again in that process (as in a batch worker): {warm:.2f} s = {pages / warm:.0f} pages/s")
            if extract is not None:
                print(
                    f"  pdftotext extracts the same PDF in {extract:.2f} s: qmark takes {cpu / extract:.1f}x as long ({warm / extract:.1f}x warm)"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
