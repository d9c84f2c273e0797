"""Run one document's work in a child process with a wall-time and a memory limit.

A pathological document (a quadratic regex, a decompression bomb, a parser that crashes) must
never stall or bring down the process that asked for it: the CLI's batch, a Dask worker or the
web app's job runner. A `Sandbox` keeps one child Python process and sends it one call at a
time; the parent waits for the answer with a deadline and kills the child when it passes. In
the child an address-space limit (RLIMIT_AS) turns runaway memory into a MemoryError, and a CPU
limit (RLIMIT_CPU) ends the child even if its parent has gone. Every failure becomes `Failed`,
with a kind ("timeout", "memory", "crash", "error") and a one-line reason.

The child is a fresh interpreter started with subprocess, not a multiprocessing fork: forking a
threaded process (a web server, a Dask worker) is unsafe, and multiprocessing refuses to start
children from Dask's daemonic worker processes. The child is kept between calls, so start-up is
paid once per child, not once per document; it is replaced after a timeout, a crash or a memory
failure. Functions are sent by reference (module and name) and must be importable in the child.

    with Sandbox(Limits(seconds=60, memory_mb=1024)) as box:
        result = box.call(some_module.function, path)   # or raises Failed

This module is a plain library: it imports nothing from the CLI or the web app.
"""

from __future__ import annotations

import importlib
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from qmark.limits import DEFAULT_MEMORY_MB, DEFAULT_SECONDS, Limits

_HEADER = struct.Struct("!Q")
SINGLE_THREADED = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
_CHILD = "from qmark.sandbox import serve; serve()"


class Failed(Exception):
    """A call did not return. `kind` is timeout, memory, crash or error; str() is one line.
    For kind 'error', `error_type` names the exception raised in the child and `message` its text."""

    def __init__(self, kind: str, reason: str, *, error_type: str = "", message: str = "") -> None:
        self.kind = kind
        self.reason = reason
        self.error_type = error_type
        self.message = message
        super().__init__(reason)

    def __reduce__(self):  # pickles whole (Dask sends it from worker to client)
        return (_rebuild_failed, (self.kind, self.reason, self.error_type, self.message))


def _rebuild_failed(kind: str, reason: str, error_type: str, message: str) -> Failed:
    return Failed(kind, reason, error_type=error_type, message=message)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class Sandbox:
    """One child process, one call at a time (calls from several threads are serialised)."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        preload: Sequence[str] = ("qmark.engine",),
        recycle_after: int = 0,
        stderr: int | IO[Any] | None = subprocess.DEVNULL,
    ) -> None:
        self.limits = limits or Limits()
        self.preload = tuple(preload)
        self.recycle_after = recycle_after  # replace the child after this many calls (0: never)
        self.stderr = stderr
        self.calls = 0
        self.children = 0  # children started so far (more than one after timeouts, crashes or recycling)
        self.peak_rss_mb = 0.0  # the highest peak resident memory any of this sandbox's children reported
        self._proc: subprocess.Popen[bytes] | None = None
        self._calls_in_child = 0
        self._lock = threading.Lock()

    # -- the child's life
    def start(self) -> None:
        """Start the child now (it also starts on the first call): lets a caller warm up several at once."""
        with self._lock:
            self._ensure()

    def _ensure(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        if self._proc is not None:
            self._reap()
        env = dict(os.environ)
        # The child must import this very qmark, installed or not.
        root = str(Path(__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
        # A child assesses one document at a time and batch runs start one child per core: thread
        # pools inside it (BLAS, the tokenizer's) would only compete with the other children.
        for name, value in SINGLE_THREADED.items():
            env.setdefault(name, value)
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, *self.preload],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=env,
            # Its own session: Ctrl+C in a terminal stops the parent, which then stops the child,
            # rather than failing every document in progress.
            start_new_session=True,
        )
        self._calls_in_child = 0
        self.children += 1
        return self._proc

    def _reap(self) -> int | None:
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.kill()
        for f in (proc.stdin, proc.stdout):
            try:
                if f:
                    f.close()
            except OSError:
                pass
        return proc.wait()

    def close(self) -> None:
        """Stop the child (killing it if it is busy)."""
        proc = self._proc
        if proc is not None and proc.poll() is None and proc.stdin:
            try:
                proc.stdin.close()  # an idle child exits on end of input
                proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._reap()

    def kill(self) -> None:
        """Stop the child at once, from any thread (a call in progress then fails as a crash)."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()

    def __del__(self) -> None:
        proc = getattr(self, "_proc", None)
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- calls
    def call(self, fn: Callable[..., Any], *args: Any, limits: Limits | None = None, **kwargs: Any) -> Any:
        """fn(*args, **kwargs) in the child, within the limits; its return value, or Failed."""
        limits = limits or self.limits
        module, name = fn.__module__, fn.__qualname__
        if "<" in name or module == "__main__":
            raise ValueError(f"{module}.{name} cannot be called in a sandbox: use a module-level function")
        message = pickle.dumps((module, name, args, kwargs, limits.seconds, limits.memory_mb), protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self.calls += 1
            proc = self._ensure()
            try:
                _send(proc.stdin, message)
            except (BrokenPipeError, OSError):  # the idle child had died: one fresh start
                proc = self._ensure()
                _send(proc.stdin, message)
            reply = self._wait(proc, limits.seconds)
            self._calls_in_child += 1
            if self.recycle_after and self._calls_in_child >= self.recycle_after:
                self.close()
        status, rss_mb, *rest = reply
        self.peak_rss_mb = max(self.peak_rss_mb, rss_mb)
        if status == "ok":
            return rest[0]
        if status == "memory":
            self._reap()  # what a MemoryError leaves behind is not worth keeping
            limit = f"the {limits.memory_mb:,} MB memory limit" if limits.memory_mb else "the memory available"
            raise Failed("memory", f"needed more than {limit}")
        error_type, text = rest
        raise Failed("error", f"stopped with an unexpected error ({error_type})", error_type=error_type, message=text)

    def _wait(self, proc: subprocess.Popen[bytes], seconds: float) -> tuple:
        box: queue.Queue[bytes | None] = queue.Queue(maxsize=1)

        def read() -> None:
            try:
                box.put(_recv(proc.stdout))
            except (OSError, ValueError):
                box.put(None)

        reader = threading.Thread(target=read, name="qmark-sandbox-reader", daemon=True)
        reader.start()
        try:
            data = box.get(timeout=seconds or None)
        except queue.Empty:
            self._reap()
            reader.join(timeout=5)
            raise Failed("timeout", f"took longer than the {seconds:g}-second limit") from None
        if data is None:
            code = self._reap()
            reader.join(timeout=5)
            if code is not None and code < 0:
                sig = -code
                if sig == getattr(signal, "SIGXCPU", None):
                    raise Failed("timeout", "used more processor time than its limit allows")
                if sig == signal.SIGKILL:
                    raise Failed("crash", "was stopped by the system (SIGKILL), perhaps for lack of memory")
                raise Failed("crash", f"crashed the process reading it ({_signal_name(sig)})")
            raise Failed("crash", f"stopped the process reading it (exit status {code})")
        return pickle.loads(data)


def _send(stream: IO[bytes] | None, payload: bytes) -> None:
    assert stream is not None
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def _read_exact(stream: IO[bytes], n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _recv(stream: IO[bytes] | None) -> bytes | None:
    assert stream is not None
    head = _read_exact(stream, _HEADER.size)
    if head is None:
        return None
    return _read_exact(stream, _HEADER.unpack(head)[0])


# -- the child side ---------------------------------------------------------------------------


def _rss_mb() -> float:
    # Linux keeps ru_maxrss across exec, so a child started by a large parent would report the
    # parent's peak; VmHWM belongs to this process's own memory map.
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError):
        pass
    try:
        import resource
    except ImportError:  # Windows: no resource module
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _set_limits(seconds: float, memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: the parent's wall-time limit still holds
        return
    inf = resource.RLIM_INFINITY
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024 if memory_mb else inf, inf))
    if seconds:
        # A backstop the kernel enforces even when the parent has gone: this call's share of
        # processor time, generously more than its wall-time limit.
        used = resource.getrusage(resource.RUSAGE_SELF)
        cpu = int(used.ru_utime + used.ru_stime + 2 * seconds + 10)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, inf))
    else:
        resource.setrlimit(resource.RLIMIT_CPU, (inf, inf))


def _clear_limits() -> None:
    try:
        import resource
    except ImportError:
        return
    inf = resource.RLIM_INFINITY
    resource.setrlimit(resource.RLIMIT_AS, (inf, inf))
    resource.setrlimit(resource.RLIMIT_CPU, (inf, inf))


def serve() -> None:
    """The child's loop: read a call, run it within its limits, answer; stop at end of input."""
    inp = sys.stdin.buffer
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything the work prints goes to stderr, never into the answers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for module in sys.argv[1:]:
        importlib.import_module(module)
    while True:
        data = _recv(inp)
        if data is None:
            return
        module, name, args, kwargs, seconds, memory_mb = pickle.loads(data)
        reply: tuple
        try:
            fn: Any = importlib.import_module(module)
            for part in name.split("."):
                fn = getattr(fn, part)
            _set_limits(seconds, memory_mb)
            try:
                value = fn(*args, **kwargs)
            finally:
                _clear_limits()
            reply = ("ok", _rss_mb(), value)
        except MemoryError:
            _clear_limits()
            reply = ("memory", _rss_mb())
        except Exception as exc:
            _clear_limits()
            from qmark.ingest.errors import one_line

            reply = ("error", _rss_mb(), type(exc).__name__, one_line(str(exc))[:300])
        try:
            payload = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # a result that cannot be sent back is the call's failure
            payload = pickle.dumps(("error", _rss_mb(), type(exc).__name__, "the result could not be sent back"))
        try:
            _send(out, payload)
        except (BrokenPipeError, OSError):
            return  # the parent has gone
        if reply[0] == "memory":
            return


__all__ = ["DEFAULT_MEMORY_MB", "DEFAULT_SECONDS", "Failed", "Limits", "Sandbox"]
