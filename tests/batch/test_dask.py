"""qmark batch --scheduler: the same batch on a Dask cluster gives the same tables as on one
machine. Against a LocalCluster, and against a real `dask scheduler` with two `dask worker`
processes started here (loopback only)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import CORPUS
from qmark.cli import main

pytest.importorskip("distributed")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the sandbox's limits are POSIX")

TABLES = ("ratings.csv", "reports.csv", "citations.csv", "failures.csv")


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """A few reports, a damaged file and a name shared by two folders, run on this machine."""
    root = tmp_path_factory.mktemp("dask")
    inp = root / "in"
    for sub in ("a", "b", "c"):
        (inp / sub).mkdir(parents=True)
    shutil.copy(CORPUS / "r05_rapid_2021.md", inp / "a" / "report.md")
    shutil.copy(CORPUS / "r18_lcspr_2025.md", inp / "b" / "report.md")
    shutil.copy(CORPUS / "r13_lcspr_2020.html", inp / "c" / "r13_lcspr_2020.html")
    shutil.copy(CORPUS / "w01" / "f01b_scr_2008.txt", inp / "c")
    (inp / "c" / "scan.docx").write_bytes(b"PK\x03\x04 not really a zip")
    out = root / "local"
    assert main(["batch", str(inp), "--out", str(out), "--workers", "2"]) == 2
    return inp, out


def same_results(a: Path, b: Path) -> None:
    for name in TABLES:
        assert (a / name).read_text(encoding="utf-8") == (b / name).read_text(encoding="utf-8"), name
    for f in sorted((a / "json").rglob("*.json")):
        x, y = json.loads(f.read_text()), json.loads((b / f.relative_to(a)).read_text())
        x.pop("created"), y.pop("created")
        assert x == y, f


def test_a_local_dask_cluster_gives_the_same_results(local, tmp_path, capsys):
    from distributed import LocalCluster

    inp, out_local = local
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
        out = tmp_path / "out"
        assert main(["batch", str(inp), "--out", str(out), "--scheduler", cluster.scheduler_address]) == 2
    err = capsys.readouterr().err
    assert "on the Dask cluster at tcp://127.0.0.1:" in err and "(2 worker threads)" in err
    same_results(out_local, out)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_dask_scheduler_and_two_workers_started_by_hand_give_the_same_results(local, tmp_path, capsys):
    inp, out_local = local
    bindir = Path(sys.executable).parent
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "True"}  # the default: the sandbox must cope with it
    logs = tmp_path / "logs"
    logs.mkdir()
    procs = []
    try:
        procs.append(
            subprocess.Popen(
                [str(bindir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(logs / "scheduler.log", "wb"),
            )
        )
        for i in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        str(bindir / "dask"),
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--host",
                        "127.0.0.1",
                        "--no-dashboard",
                        "--name",
                        f"w{i}",
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=open(logs / f"worker{i}.log", "wb"),
                )
            )
        from distributed import Client

        with Client(address, timeout="60s") as c:
            c.wait_for_workers(2, timeout=60)
        out = tmp_path / "out"
        assert main(["batch", str(inp), "--out", str(out), "--scheduler", address]) == 2
        assert "(2 worker threads)" in capsys.readouterr().err
        same_results(out_local, out)
        # stopped and run again on the cluster: nothing is redone
        assert main(["batch", str(inp), "--out", str(out), "--scheduler", address]) == 2
        assert "4 already done; assessing 1 " in capsys.readouterr().err
    finally:
        for p in reversed(procs):
            p.terminate()
        deadline = time.monotonic() + 20
        for p in procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def test_an_unreachable_scheduler_is_one_line(local, tmp_path, capsys):
    inp, _ = local
    port = _free_port()
    assert main(["batch", str(inp), "--out", str(tmp_path / "o"), "--scheduler", f"tcp://127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"qmark: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}")
