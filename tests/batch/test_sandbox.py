"""The sandbox: one document's work in a child process, with a wall-time and a memory limit,
and every way it can go wrong reported in one line while the parent carries on."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from qmark.sandbox import Failed, Limits, Sandbox

SRC = Path(__file__).resolve().parents[2] / "src" / "qmark"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="resource limits are POSIX")


@pytest.fixture
def tasks(tasks_on_path):
    import sandbox_tasks

    return sandbox_tasks


def test_a_call_returns_its_value_and_the_child_is_kept(tasks):
    with Sandbox(Limits(seconds=30, memory_mb=1024), preload=()) as box:
        (v1, pid1), (v2, pid2) = box.call(tasks.echo, [1, "a"]), box.call(tasks.echo, {"b": 2})
    assert (v1, v2) == ([1, "a"], {"b": 2})
    assert pid1 == pid2 and box.children == 1  # start-up paid once
    assert box.peak_rss_mb > 5


def test_a_gil_holding_regex_is_stopped_at_the_time_limit_and_the_next_call_works(tasks):
    with Sandbox(Limits(seconds=1, memory_mb=1024), preload=()) as box:
        with pytest.raises(Failed) as e:
            box.call(tasks.catastrophic_regex, 40)
        assert e.value.kind == "timeout" and str(e.value) == "took longer than the 1-second limit"
        assert box.call(tasks.sleep, 0) == 0  # a fresh child took over
        assert box.children == 2


def test_a_memory_hog_is_stopped_at_the_memory_limit(tasks):
    with Sandbox(Limits(seconds=60, memory_mb=400), preload=()) as box:
        with pytest.raises(Failed) as e:
            box.call(tasks.hog)
        assert e.value.kind == "memory" and "400 MB memory limit" in str(e.value)
        assert box.peak_rss_mb < 450
        assert box.call(tasks.sleep, 0) == 0


def test_a_crash_and_an_exception_are_one_line_failures(tasks):
    with Sandbox(Limits(seconds=30, memory_mb=1024), preload=()) as box:
        with pytest.raises(Failed) as e:
            box.call(tasks.segfault)
        assert e.value.kind == "crash" and "SIGSEGV" in str(e.value)
        with pytest.raises(Failed) as e:
            box.call(tasks.fail)
        assert e.value.kind == "error" and e.value.error_type == "ValueError"
        assert e.value.message == "a message\\nover two lines"  # escaped: one line
        assert box.call(tasks.sleep, 0) == 0


def test_limits_can_change_per_call_and_functions_must_be_importable(tasks):
    with Sandbox(Limits(seconds=0.5), preload=()) as box:
        assert box.call(tasks.sleep, 1, limits=Limits(seconds=10)) == 1
        with pytest.raises(ValueError, match="module-level"):
            box.call(lambda: 1)


def test_a_failed_call_pickles_whole():
    import pickle

    f = pickle.loads(pickle.dumps(Failed("error", "stopped", error_type="KeyError", message="x")))
    assert (f.kind, f.reason, f.error_type, f.message) == ("error", "stopped", "KeyError", "x")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_the_isolation_and_batch_modules_are_plain_library_code():
    files = [SRC / "sandbox.py", SRC / "limits.py", SRC / "dashboard.py", SRC / "outputs.py", *sorted((SRC / "batch").glob("*.py"))]
    for f in files:
        bad = {m for m in _imports(f) if m.startswith(("qmark.cli", "qmark.web", "django"))}
        assert not bad, f"{f.name} imports {bad}"
    # the web app's engine task runs in the child without Django
    assert not {m for m in _imports(SRC / "web" / "reviews" / "assessing.py") if m.startswith("django") or ".models" in m}


def test_a_child_can_be_replaced_after_so_many_calls(tasks):
    with Sandbox(Limits(seconds=30), preload=(), recycle_after=2) as box:
        pids = [box.call(tasks.echo, i)[1] for i in range(3)]
    assert pids[0] == pids[1] != pids[2] and box.children == 2


def test_a_child_runs_its_libraries_single_threaded_unless_told_otherwise(tasks, monkeypatch):
    # Batch runs one child per core; BLAS or tokenizer threads inside each would only compete.
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.delenv("TOKENIZERS_PARALLELISM", raising=False)
    with Sandbox(Limits(seconds=30, memory_mb=1024), preload=()) as box:
        env = box.call(tasks.environment, "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TOKENIZERS_PARALLELISM")
    assert env == {"OMP_NUM_THREADS": "3", "OPENBLAS_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
