"""qmark assess with several files: distinct output names, folders for --json/--html, --with
refused, --jobs giving the same answers, and outputs written atomically."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import CORPUS
from qmark.cli import main, sample_path


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qmark.cli", *args], capture_output=True, text=True, timeout=300)


def two_reports_named_alike(tmp_path: Path) -> list[Path]:
    (tmp_path / "north").mkdir()
    (tmp_path / "south").mkdir()
    a, b = tmp_path / "north" / "final report.md", tmp_path / "south" / "final report.md"
    shutil.copy(CORPUS / "r02_systems_2016.md", a)
    shutil.copy(CORPUS / "r03_silp_2020.md", b)
    return [a, b]


def test_reports_sharing_a_name_get_distinct_outputs(tmp_path):
    a, b = two_reports_named_alike(tmp_path)
    out = tmp_path / "out"
    r = run("assess", str(a), str(b), "--json", str(out), "--html", str(out), "-q")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "north-final report.html",
        "north-final report.json",
        "south-final report.html",
        "south-final report.json",
    ]
    fa = json.loads((out / "north-final report.json").read_text())["fingerprint"]
    fb = json.loads((out / "south-final report.json").read_text())["fingerprint"]
    assert fa != fb  # neither overwrote the other


def test_several_reports_need_a_folder_for_json_and_html(tmp_path):
    a, b = two_reports_named_alike(tmp_path)
    r = run("assess", str(a), str(b), "--json", str(tmp_path / "x.json"))
    assert r.returncode == 2 and not (tmp_path / "x.json").exists()
    assert (
        r.stderr.strip()
        == f"qmark: --json {tmp_path / 'x.json'}: with several reports --json needs a folder, not a file name (for example --json out/)"
    )
    (tmp_path / "existing.html").write_text("keep me", encoding="utf-8")
    r = run("assess", str(a), str(b), "--html", str(tmp_path / "existing.html"))
    assert r.returncode == 2 and "needs a folder" in r.stderr and "\n" not in r.stderr.strip()
    assert (tmp_path / "existing.html").read_text() == "keep me"


def test_working_documents_with_several_reports_are_refused(tmp_path, capsys):
    a, b = two_reports_named_alike(tmp_path)
    code = main(["assess", str(a), str(b), "--with", str(sample_path("child_m_terms_of_reference.md"))])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err
    assert err.startswith("qmark: --with attaches working documents to one report") and "qmark batch MANIFEST.csv" in err


def test_jobs_gives_the_same_answers_in_the_same_order(tmp_path):
    files = [CORPUS / n for n in ("r02_systems_2016.md", "r04_wales_cpr_2017.txt", "r13_lcspr_2020.html")]
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip at all")
    one, two = tmp_path / "one", tmp_path / "two"
    r1 = run("assess", *map(str, files), str(bad), "--json", str(one), "-q")
    r2 = run("assess", *map(str, files), str(bad), "--json", str(two), "-q", "--jobs", "2")
    assert r1.returncode == r2.returncode == 2
    assert r1.stderr == r2.stderr  # the same one-line failure, the same summary
    for f in files:
        x, y = (json.loads((d / f"{f.stem}.json").read_text()) for d in (one, two))
        x.pop("created"), y.pop("created")
        assert x == y


def test_outputs_are_written_atomically_with_ordinary_permissions(tmp_path):
    out = tmp_path / "r.json"
    old = os.umask(0o022)
    try:
        assert main(["assess", str(sample_path()), "--json", str(out), "-q"]) == 0
    finally:
        os.umask(old)
    assert oct(out.stat().st_mode & 0o777) == oct(0o644)
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temporary file left beside it
