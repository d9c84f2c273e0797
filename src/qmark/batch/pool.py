"""Running a batch's reviews on this machine: one sandboxed child process per worker, each
driven by a thread of this process that only waits on it."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from qmark.batch.inputs import Item
from qmark.sandbox import Failed, Limits, Sandbox


@dataclass
class Job:
    """One review to run, with what the runner needs to know about it."""

    item: Item
    fingerprint: str | None


@dataclass(frozen=True)
class Settings:
    """How each review is assessed: the engine's configuration and the per-document limits."""

    profile: str | None
    thresholds: str | None
    max_mb: float
    html: bool
    limits: Limits

    def call_args(self, files: list[str], shown: list[str], item: Item) -> tuple:
        return (
            files,
            shown,
            item.report_date.isoformat() if item.report_date else None,
            self.profile,
            self.thresholds,
            self.max_mb,
            self.html,
        )


def failure(exc: Failed) -> dict[str, Any]:
    reason = exc.reason
    if exc.kind == "error" and exc.message:
        reason = f"{reason}: {exc.message[:200]}"
    return {"ok": False, "kind": exc.kind, "reason": reason}


class LocalPool:
    """Runs jobs on `workers` sandboxes; yields (job, result, seconds) as each finishes."""

    def __init__(self, workers: int, settings: Settings, *, recycle_after: int = 0) -> None:
        self.settings = settings
        self.boxes = [Sandbox(settings.limits, preload=("qmark.batch.task",), recycle_after=recycle_after) for _ in range(max(1, workers))]

    @property
    def peak_rss_mb(self) -> list[float]:
        return [b.peak_rss_mb for b in self.boxes]

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, dict[str, Any], float]]:
        from qmark.batch.task import assess_review

        todo: queue.Queue[Job | None] = queue.Queue()
        done: queue.Queue[tuple[Job, dict[str, Any], float]] = queue.Queue()
        stop = threading.Event()

        def work(box: Sandbox) -> None:
            box.start()
            while not stop.is_set():
                job = todo.get()
                if job is None:
                    return
                t0 = time.perf_counter()
                files = job.item.files
                try:
                    result = box.call(assess_review, *self.settings.call_args(files, files, job.item))
                except Failed as exc:
                    result = failure(exc)
                done.put((job, result, time.perf_counter() - t0))

        threads = [threading.Thread(target=work, args=(b,), name=f"qmark-batch-{i}", daemon=True) for i, b in enumerate(self.boxes)]
        for t in threads:
            t.start()
        pending = 0
        it = iter(jobs)
        try:
            # Keep each worker busy with one job in hand and one waiting: memory stays flat
            # however many reports there are.
            for job in it:
                todo.put(job)
                pending += 1
                if pending >= 2 * len(self.boxes):
                    break
            while pending:
                got = _get(done)
                pending -= 1
                yield got
                nxt = next(it, None)
                if nxt is not None:
                    todo.put(nxt)
                    pending += 1
        finally:
            stop.set()
            while not todo.empty():
                with suppress(queue.Empty):
                    todo.get_nowait()
            for _ in threads:
                todo.put(None)
            if pending:  # stopped early (Ctrl+C): do not wait for reports in progress
                for b in self.boxes:
                    b.kill()
            for t in threads:
                t.join(timeout=10)
            for b in self.boxes:
                b.close()


def _get(q: queue.Queue) -> Any:
    # A timeout keeps the main thread responsive to Ctrl+C while it waits.
    while True:
        try:
            return q.get(timeout=0.5)
        except queue.Empty:
            continue


__all__ = ["Job", "LocalPool", "Settings", "failure"]
