"""`qmark batch INPUT... --out DIR`: the run itself. Collects the reviews, skips those already
done with the same fingerprint and configuration, runs the rest (locally or on Dask) with a
progress bar, keeps each as it finishes, then writes the tables. Exit status 2 if any failed."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Iterator
from pathlib import Path

from qmark.batch.inputs import BatchError, Item, collect, fingerprint
from qmark.batch.pool import Job, LocalPool, Settings
from qmark.batch.store import Store, need_duckdb
from qmark.ingest.errors import one_line
from qmark.sandbox import Limits


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def main(args: argparse.Namespace) -> int:
    from rich.console import Console

    from qmark.batch.task import config

    need_duckdb()  # say so before any work if the extra is missing
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    out = Path(args.out)
    if args.workers is not None and args.workers < 1:
        raise BatchError("--workers must be 1 or more")
    limits = Limits(seconds=args.timeout, memory_mb=args.memory_mb)
    settings = Settings(profile=args.profile, thresholds=args.thresholds, max_mb=args.max_mb, html=args.html, limits=limits)
    version, config_hash = config(args.profile, args.thresholds, args.max_mb)  # a broken profile stops here, in one line
    items = collect(args.inputs, exclude=out)

    pool: LocalPool | object
    if args.scheduler:
        from qmark.batch.cluster import DaskPool

        pool = DaskPool(args.scheduler, settings)
        threads = pool.check(version, config_hash)
        where = f"on the Dask cluster at {one_line(args.scheduler)} ({threads} worker threads)"
    else:
        workers = args.workers or default_workers()
        pool = LocalPool(workers, settings, recycle_after=args.recycle_after)
        where = f"on {workers} worker process{'es' if workers > 1 else ''}"

    with Store(out) as store:
        done = store.done()
        jobs: list[Job] = []
        skipped = 0
        for it in items:
            fp = fingerprint(it)
            if fp is not None and done.get(it.id) == (fp, config_hash):
                skipped += 1
            else:
                jobs.append(Job(it, fp))
        console.print(
            f"qmark batch: {len(items)} report{'s' if len(items) != 1 else ''}"
            + (f", {skipped} already done" if skipped else "")
            + f"; assessing {len(jobs)} {where} (limits per document: {limits.seconds:g} s, {limits.memory_mb:,} MB)"
        )
        failed = 0
        stopped = False
        t0 = time.perf_counter()
        previous = _stop_on_terminate()
        try:
            for job, result, seconds in _with_progress(console, pool.run(jobs) if jobs else iter(()), len(jobs)):  # type: ignore[attr-defined]
                store.record(job.item, job.fingerprint, config_hash, result, seconds)
                if not result.get("ok"):
                    failed += 1
                    console.print(f"qmark: {_failure_line(job.item, result)}", markup=False, soft_wrap=True)
        except KeyboardInterrupt:
            stopped = True
        finally:
            _restore(previous)
        elapsed = time.perf_counter() - t0
        n_ok, failures = store.finish(items)
    peaks = getattr(pool, "peak_rss_mb", None)
    if args.verbose and peaks:
        console.print(f"peak memory per worker: {', '.join(f'{p:.0f} MB' for p in peaks)}")
    rate = f" in {elapsed:.1f} s" if jobs else ""
    console.print(
        f"qmark batch: {n_ok} of {len(items)} reports assessed{rate}"
        + (f", {len(failures)} could not be (see {one_line(str(out / 'failures.csv'))})" if failures else "")
        + f"; tables in {one_line(str(out))}"
    )
    if stopped:
        console.print("qmark batch: stopped; run the same command again to carry on where it stopped")
        return 130
    return 2 if failures else 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_terminate() -> object:
    """SIGTERM (a scheduler, a shutdown) stops the batch as Ctrl+C does: tables written, exit 130."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupt)


def _restore(previous: object) -> None:
    import signal

    if previous is not None:
        signal.signal(signal.SIGTERM, previous)  # type: ignore[arg-type]


def _failure_line(item: Item, result: dict) -> str:
    reason = one_line(result.get("reason", ""))
    if result.get("kind") == "unreadable":
        return reason  # already names the file
    return f"{one_line(item.report)}: {reason}"


def _with_progress(console, results: Iterator, total: int) -> Iterator:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = [
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=console, disable=not total or not console.is_terminal) as progress:
        task = progress.add_task("Assessing", total=total, failed=0)
        failed = 0
        for job, result, seconds in results:
            if not result.get("ok"):
                failed += 1
            progress.update(task, advance=1, failed=failed)
            yield job, result, seconds


__all__ = ["default_workers", "main"]
