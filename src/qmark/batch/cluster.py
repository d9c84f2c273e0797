"""Running a batch's reviews on an existing Dask cluster (`--scheduler tcp://HOST:PORT`).

The documents travel with each task (a cluster's workers need not see this machine's files);
on the worker they are written under their own names into a private temporary folder and read
by the same sandboxed function a local run uses, so the results are the same. Workers must run
the same qmark version with the same configuration: that is checked before anything is sent.
Needs the `dask` extra (dask and distributed); nothing here is imported by a local batch.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from qmark.batch.inputs import BatchError
from qmark.batch.pool import Job, Settings, failure
from qmark.ingest.errors import one_line
from qmark.sandbox import Failed, Limits, Sandbox

_local = threading.local()


def _sandbox(limits: Limits) -> Sandbox:
    """This worker thread's sandbox, kept between tasks (a child process per worker thread)."""
    box = getattr(_local, "box", None)
    if box is None or box.limits != limits:
        if box is not None:
            box.close()
        box = _local.box = Sandbox(limits, preload=("qmark.batch.task",))
    return box


def identity(profile: str | None, thresholds: str | None, max_mb: float) -> tuple[str, str]:
    """Run on each worker: the qmark version and configuration hash it would assess with."""
    from qmark.batch.task import config

    return config(profile, thresholds, max_mb)


def assess_on_worker(documents: list[tuple[str, bytes | None]], settings: Settings, item_date: str | None) -> dict[str, Any]:
    """Run on a worker: write the documents to a private folder under their own names (a file's
    name is its name in the evidence), assess them in this thread's sandbox, clean up."""
    from qmark.batch.task import assess_review

    folder = Path(tempfile.mkdtemp(prefix="qmark-"))
    try:
        files, shown = [], []
        for i, (name, data) in enumerate(documents):
            sub = folder / str(i)  # one folder each: two documents may share a name
            sub.mkdir()
            path = sub / Path(name).name
            if data is not None:  # a file the client could not open stays missing, as it was there
                path.write_bytes(data)
            files.append(str(path))
            shown.append(name)
        args = (files, shown, item_date, settings.profile, settings.thresholds, settings.max_mb, settings.html)
        t0 = time.perf_counter()
        try:
            result = _sandbox(settings.limits).call(assess_review, *args)
        except Failed as exc:
            result = failure(exc)
        result["seconds"] = time.perf_counter() - t0
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class DaskPool:
    """Sends jobs to a Dask scheduler; yields (job, result, seconds) as each finishes."""

    def __init__(self, address: str, settings: Settings, *, in_flight: int = 0) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise BatchError("--scheduler needs the dask extra: pip install 'qmark[dask]'") from None
        self.settings = settings
        try:
            self.client = Client(address, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise BatchError(
                f"cannot reach the Dask scheduler at {one_line(address)} ({type(exc).__name__}: {one_line(str(exc))[:150]})"
            ) from None
        self.in_flight = in_flight

    def check(self, version: str, config_hash: str) -> int:
        """Refuse workers that would give other results; returns how many worker threads there are."""
        info = self.client.scheduler_info()
        workers = info.get("workers", {})
        if not workers:
            self.client.wait_for_workers(1, timeout=30)
            workers = self.client.scheduler_info().get("workers", {})
        s = self.settings
        found = self.client.run(identity, s.profile, s.thresholds, s.max_mb)
        for addr, (v, h) in sorted(found.items()):
            if (v, h) != (version, config_hash):
                raise BatchError(
                    f"Dask worker {addr} runs qmark {v} with configuration {h[:12]}, not {version} with {config_hash[:12]}: "
                    "install the same qmark and profile on every worker"
                )
        return sum(int(w.get("nthreads", 1)) for w in workers.values()) or 1

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, dict[str, Any], float]]:
        from distributed import as_completed

        limit = self.in_flight or 2 * max(1, sum(int(w.get("nthreads", 1)) for w in self.client.scheduler_info()["workers"].values()))
        it = iter(jobs)
        futures: dict[Any, Job] = {}
        queue = as_completed(loop=self.client.loop)

        def submit(job: Job) -> None:
            docs: list[tuple[str, bytes | None]] = []
            for f in job.item.files:
                try:
                    docs.append((f, Path(f).read_bytes() if Path(f).is_file() else None))
                except OSError:
                    docs.append((f, None))  # the worker's reader then says what is wrong, as a local run would
            when = job.item.report_date.isoformat() if job.item.report_date else None
            fut = self.client.submit(
                assess_on_worker, docs, self.settings, when, pure=False, key=f"qmark-{job.item.stem}-{time.monotonic_ns()}"
            )
            futures[fut] = job
            queue.add(fut)

        try:
            for job in it:
                submit(job)
                if len(futures) >= limit:
                    break
            for fut in queue:
                job = futures.pop(fut)
                try:
                    result = fut.result()
                except Exception as exc:  # the worker itself failed (lost, killed): the report failed
                    result = {"ok": False, "kind": "crash", "reason": f"the Dask worker failed ({type(exc).__name__})"}
                seconds = float(result.pop("seconds", 0.0))
                yield job, result, seconds
                nxt = next(it, None)
                if nxt is not None:
                    submit(nxt)
        finally:
            for fut in list(futures):
                fut.cancel()
            self.client.close()


__all__ = ["DaskPool", "assess_on_worker", "identity"]
