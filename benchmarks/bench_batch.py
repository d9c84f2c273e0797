"""qmark batch throughput and memory on forty-page PDF reports, on this machine's cores.

Builds distinct forty-page PDF reports (reportlab, from the fictional development corpus, as
bench_assess.py does), copies them up to N files, and runs `qmark batch --workers W` on them in
a fresh process, as a user would (start-up, progress, per-document sandboxes and the final
tables all included). Prints reports per hour (median of several runs, and the spread), the
peak memory of each worker process and of the batch process itself, and the same for growing
numbers of reports, to show that memory stays flat. Then times `qmark corpus` over a generated
batch of 10,000 reports.

    python benchmarks/bench_batch.py [--reports 100] [--runs 3] [--workers 2] [--series 50,100,200]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

import bench_assess  # noqa: E402

PAGES = 40
DISTINCT = 8


def build_reports(folder: Path) -> list[Path]:
    """DISTINCT different forty-page reports (the corpus's paragraphs in a different order each)."""
    paras = bench_assess.corpus_paragraphs()
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(DISTINCT):
        shift = (i * 97) % len(paras)
        bench_assess.corpus_paragraphs = lambda shift=shift: paras[shift:] + paras[:shift]  # type: ignore[assignment]
        p = folder / f"report_{i:02d}.pdf"
        bench_assess.build_pdf(p, PAGES)
        out.append(p)
    return out


def inputs(source: list[Path], n: int, folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for k in range(n):
        shutil.copy(source[k % len(source)], folder / f"lcspr_{k:05d}.pdf")
    return folder


def run_batch(folder: Path, out: Path, workers: int) -> dict:
    """One `qmark -v batch` in a fresh process: wall time, its own peak memory, each worker's."""
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "qmark.cli", "-v", "batch", str(folder), "--out", str(out), "--workers", str(workers)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"qmark batch failed ({proc.returncode}): {err[-500:]}")
    m = re.search(r"peak memory per worker: (.*)", err)
    peaks = [float(x) for x in re.findall(r"([\d.]+) MB", m.group(1))] if m else []
    # wait4's usage covers the batch process and the worker processes it started and reaped
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "parent_mb": usage.ru_maxrss / 1024, "worker_mb": peaks}


def browser_times(page_path: Path, runs: int) -> None:
    """How long the page takes to open and to redraw after a filter, in headless Chromium."""
    chromium = "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return
    if not Path(chromium).exists():
        return
    opened, filtered = [], []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for _ in range(runs):
            page = b.new_page(viewport={"width": 1400, "height": 1000})
            t = time.perf_counter()
            page.goto(page_path.as_uri())
            page.wait_for_selector("body[data-ready='1']", timeout=60000)
            opened.append(time.perf_counter() - t)
            t = time.perf_counter()
            page.evaluate(
                "() => { const c = document.querySelector('#types input'); c.checked = false; c.dispatchEvent(new Event('change')); }"
            )
            filtered.append(time.perf_counter() - t)
            page.close()
        b.close()
    print(
        f"  in Chromium: opens and draws in {statistics.median(opened):.2f} s, "
        f"redraws every plot and the table after a filter in {statistics.median(filtered):.2f} s (medians of {runs})"
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--series", default="50,100,200", help="report counts for the memory series")
    ap.add_argument("--dashboard", type=int, default=10_000, help="reports in the generated batch for qmark corpus (0: skip)")
    args = ap.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with tempfile.TemporaryDirectory(prefix="qmark-bench-batch-") as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        source = build_reports(root / "source")
        print(
            f"Built {DISTINCT} distinct {PAGES}-page PDF reports in {time.perf_counter() - t:.1f} s; {cores} cores, {args.workers} workers"
        )

        folder = inputs(source, args.reports, root / "in")
        runs = [run_batch(folder, root / "out", args.workers) for _ in range(args.runs)]
        per_hour = sorted(args.reports / r["wall"] * 3600 for r in runs)
        med = statistics.median(per_hour)
        cpu = statistics.median(r["cpu"] for r in runs) / args.reports
        print(
            f"throughput: {med:,.0f} forty-page reports per hour with {args.workers} workers, by the clock "
            f"(median of {args.runs} runs of {args.reports} reports; runs {', '.join(f'{x:,.0f}' for x in per_hour)})"
        )
        # On a shared machine the clock also counts other people's work; processor time does not.
        print(
            f"processor time: {cpu:.2f} s per report (batch, workers and start-up included), "
            f"i.e. {args.workers * 3600 / cpu:,.0f} reports per hour on {args.workers} cores of our own; "
            f"load average now {os.getloadavg()[0]:.1f}"
        )

        print("memory as the number of reports grows (one run each):")
        for n in [int(x) for x in args.series.split(",") if x]:
            r = run_batch(inputs(source, n, root / "in"), root / "out", args.workers)
            workers = ", ".join(f"{x:.0f}" for x in r["worker_mb"])
            print(
                f"  {n:>6} reports: peak per worker {workers} MB; batch process {r['parent_mb']:.0f} MB; "
                f"{r['cpu'] / n:.2f} s processor time per report"
            )

        if args.dashboard:
            from helpers import synthetic_batch

            synthetic_batch(root / "big", args.dashboard)
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "qmark.cli", "corpus", str(root / "big"), "--html", str(root / "dash.html")],
                    check=True,
                    capture_output=True,
                )
                times.append(time.perf_counter() - t)
            size = (root / "dash.html").stat().st_size / 1e6
            print(
                f"qmark corpus over {args.dashboard:,} reports: {statistics.median(times):.2f} s "
                f"(median of {args.runs}, whole command including start-up); page {size:.1f} MB"
            )
            browser_times(root / "dash.html", args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
