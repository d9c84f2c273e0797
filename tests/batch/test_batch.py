"""qmark batch on realistic inputs from the development corpus: reports in every format, a
damaged file, two reports with the same name in two folders, a manifest with working
documents, a run killed half way and carried on, and per-document limits."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from helpers import CORPUS
from qmark.assess.records import Assessment
from qmark.batch.store import JOURNAL
from qmark.cli import main, sample_path
from qmark.engine import Engine

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the sandbox's limits are POSIX")


def run(*argv: str) -> int:
    return main(["batch", *argv])


def one(sql: str):
    return duckdb.sql(sql).fetchall()[0][0]


def rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_a_folder_becomes_tables_one_json_each_and_a_list_of_failures(batch, capsys):
    inp, out, code = batch
    assert code == 2  # one document failed
    failures = rows(out / "failures.csv")
    assert [(Path(f["file"]).name, f["kind"]) for f in failures] == [("damaged.pdf", "unreadable")]
    assert "\n" not in failures[0]["reason"] and "damaged.pdf" in failures[0]["reason"]
    reports = duckdb.sql(f"SELECT * FROM '{out / 'reports.parquet'}' ORDER BY report").fetchall()
    ids = [r[0] for r in reports]
    assert ids == [
        "a/child_report",
        "b/child_report",
        "docx/r09_systems_2024",
        "pdf/r11_lcspr_2022",
        "team/r02_systems_2016",
        "team/r04_wales_cpr_2017",
        "team/r13_lcspr_2020",
        "w01/f01a_scr_2008",
    ]
    ratings = rows(out / "ratings.csv")
    assert len(ratings) == 8 * 11
    assert one(f"SELECT count(*) FROM '{out / 'ratings.parquet'}'") == 88
    assert {r["rating"] for r in ratings} <= {"met", "partly_met", "not_met", "not_evidenced"}
    # every row of the tables agrees with the report's own JSON
    for rid in ids:
        a = Assessment.model_validate_json((out / "json" / f"{rid}.json").read_text(encoding="utf-8"))
        mine = [r for r in ratings if r["report"] == rid]
        assert [(r["question"], r["rating"], float(r["confidence"])) for r in mine] == [
            (q.question, q.rating, round(q.confidence, 4)) for q in a.questions
        ]
        assert all(r["config_hash"] == a.config_hash and r["engine_version"] == a.engine_version for r in mine)
        assert (out / "html" / f"{rid}.html").read_text(encoding="utf-8").lower().startswith("<!doctype html>")
    # the two reports named child_report.md are different reports, kept apart
    a1 = json.loads((out / "json" / "a" / "child_report.json").read_text())
    b1 = json.loads((out / "json" / "b" / "child_report.json").read_text())
    assert a1["fingerprint"] != b1["fingerprint"]
    cit = one(f"SELECT count(*) FROM '{out / 'citations.parquet'}'")
    assert cit == one(f"SELECT sum(citations) FROM '{out / 'reports.parquet'}'") > 0


def test_batch_gives_the_same_ratings_as_assessing_one_report(batch):
    inp, out, _ = batch
    a = Engine.from_profile(None).assess(inp / "pdf" / "r11_lcspr_2022.pdf")
    mine = [r for r in rows(out / "ratings.csv") if r["report"] == "pdf/r11_lcspr_2022"]
    assert [(r["rating"], r["top_evidence"] or None) for r in mine] == [
        (q.rating, q.evidence[0].location.label if q.evidence else None) for q in a.questions
    ]


def test_a_second_run_skips_what_is_done_and_redoes_what_changed(batch, tmp_path, capsys):
    inp, out0, _ = batch
    inp2, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(inp, inp2)
    shutil.copytree(out0, out)
    # the journal names the files as given: rewrite it for the copied inputs
    journal = (out / JOURNAL).read_text(encoding="utf-8").replace(str(inp), str(inp2))
    (out / JOURNAL).write_text(journal, encoding="utf-8")
    before = len(journal.splitlines())
    capsys.readouterr()
    assert run(str(inp2), "--out", str(out), "--workers", "1", "--html") == 2
    err = capsys.readouterr().err
    assert "8 already done; assessing 1 " in err  # only the damaged file is tried again
    assert len((out / JOURNAL).read_text().splitlines()) == before + 1
    changed = inp2 / "team" / "r02_systems_2016.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n9.9 A paragraph added after the first run.\n", encoding="utf-8")
    assert run(str(inp2), "--out", str(out), "--workers", "1", "--html") == 2
    assert "7 already done; assessing 2 " in capsys.readouterr().err
    assert rows(out / "ratings.csv") != [] and len(rows(out / "reports.csv")) == 8


def test_a_killed_batch_carries_on_where_it_stopped(batch, tmp_path, capsys):
    inp, out0, _ = batch
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "qmark.cli", "batch", str(inp), "--out", str(out), "--workers", "1", "--html"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            j = out / JOURNAL
            if j.exists() and len(j.read_bytes().splitlines()) >= 3:
                break
            if proc.poll() is not None:
                pytest.fail("the batch finished before it could be stopped")
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)  # as hard as a stop can be
    finally:
        proc.wait()
    done_before = sum(1 for line in (out / JOURNAL).read_bytes().splitlines() if b'"ok":true' in line)
    assert 2 <= done_before < 8
    capsys.readouterr()
    assert run(str(inp), "--out", str(out), "--workers", "2", "--html") == 2
    assert f"{done_before} already done" in capsys.readouterr().err
    # the same tables as the run that was never stopped
    for name in ("ratings.csv", "reports.csv", "citations.csv", "failures.csv"):
        assert (out / name).read_text(encoding="utf-8") == (out0 / name).read_text(encoding="utf-8"), name
    lines = [json.loads(x) for x in (out / JOURNAL).read_text().splitlines() if x.strip()]
    ok_ids = [e["id"] for e in lines if e["ok"]]
    assert len(ok_ids) == len(set(ok_ids)) == 8  # nothing assessed twice


def test_a_manifest_gives_ids_dates_types_and_working_documents(tmp_path):
    shutil.copy(sample_path(), tmp_path / "child_m.md")
    shutil.copy(sample_path("child_m_terms_of_reference.md"), tmp_path / "tor.md")
    shutil.copy(CORPUS / "r03_silp_2020.md", tmp_path / "silp.md")
    (tmp_path / "m.csv").write_text(
        "Report,Working documents,Review ID,Date,Type\n"
        "child_m.md,tor.md,ASH-2022-01,2022-03-04,LCSPR\n"
        "silp.md,,ASH-2020-07,,scr\n"
        "missing.pdf,,ASH-2019-02,2019-01-01,scr\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert run(str(tmp_path / "m.csv"), "--out", str(out), "--workers", "2") == 2
    r = {x["report"]: x for x in rows(out / "reports.csv")}
    assert set(r) == {"ASH-2022-01", "ASH-2020-07"}
    m = r["ASH-2022-01"]
    assert (m["review_id"], m["type"], m["date"], m["year"], m["documents"]) == ("ASH-2022-01", "lcspr", "2022-03-04", "2022", "2")
    assert m["working"].endswith("tor.md")
    assert [(Path(f["file"]).name, f["reason"].endswith("file not found")) for f in rows(out / "failures.csv")] == [("missing.pdf", True)]
    a = json.loads((out / "json" / "ASH-2022-01.json").read_text(encoding="utf-8"))
    assert [(d["name"], d["role"]) for d in a["report"]["documents"]] == [("child_m", "report"), ("tor", "working_document")]


@pytest.mark.parametrize(
    "content, message",
    [
        ("report,date\nx.md,12/03/2020\n", "m.csv, line 2: '12/03/2020' is not a date in the form YYYY-MM-DD"),
        ("file,id\nx.md,A\ny.md,A\n", "m.csv, line 3: review id 'A' is already used on line 2"),
        ("name,date\nx.md,2020-01-01\n", "m.csv: the manifest has no 'report' column (its columns: name, date)"),
    ],
)
def test_a_broken_manifest_is_refused_in_one_line(tmp_path, capsys, content, message):
    (tmp_path / "m.csv").write_text(content, encoding="utf-8")
    assert run(str(tmp_path / "m.csv"), "--out", str(tmp_path / "out")) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("qmark: ") and err.endswith(message) and "\n" not in err


def test_each_document_has_a_time_limit_and_the_others_carry_on(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    body = (CORPUS / "r02_systems_2016.md").read_text(encoding="utf-8")
    # a very long report: 60 copies of a real one, far beyond what a fraction of a second reads
    (inp / "long.md").write_text("\n\n".join([body] * 60), encoding="utf-8")
    out = tmp_path / "out"
    assert run(str(inp), "--out", str(out), "--workers", "1", "--timeout", "0.5") == 2
    (f,) = rows(out / "failures.csv")
    assert (Path(f["file"]).name, f["kind"], f["reason"]) == ("long.md", "timeout", "took longer than the 0.5-second limit")
    assert rows(out / "reports.csv") == []


def test_each_document_has_a_memory_limit(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    line = "4.1 The health visitor recorded that the family had moved again and that nobody had asked why. "
    (inp / "huge.txt").write_text(line * 300_000, encoding="utf-8")  # 29 MB of text
    shutil.copy(CORPUS / "r03_silp_2020.md", inp / "ordinary.md")
    out = tmp_path / "out"
    assert run(str(inp), "--out", str(out), "--workers", "1", "--memory-mb", "400", "--timeout", "300") == 2
    (f,) = rows(out / "failures.csv")
    assert Path(f["file"]).name == "huge.txt" and "memory" in f["reason"]
    assert [r["report"] for r in rows(out / "reports.csv")] == ["ordinary"]


def test_inputs_that_name_nothing_are_refused(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert run(str(tmp_path / "empty"), "--out", str(tmp_path / "o")) == 2
    assert "no reports found in" in capsys.readouterr().err
    assert run(str(tmp_path / "nope" / "*.pdf"), "--out", str(tmp_path / "o")) == 2
    assert "no report files match" in capsys.readouterr().err
