"""A batch's output folder.

    DIR/json/<id>.json            one assessment per report (and html/<id>.html with --html)
    DIR/ratings.csv, .parquet     one row per report and question
    DIR/reports.csv, .parquet     one row per report: the report-wide figures
    DIR/citations.csv, .parquet   one row per citation found, with its age at the report's date
    DIR/failures.csv              file, kind, reason: every report of this run that could not be assessed
    DIR/batch-journal.jsonl       what has been done, one line per report as it finishes

The journal is what makes a batch resumable: a line is appended (and flushed) as each report
finishes, after its JSON is in place, so a run stopped at any moment, even by kill -9, loses at
most the reports in progress. A report whose fingerprint and configuration hash already have a
successful line is not assessed again. The tables are rebuilt from the journal at the end of
every run (with DuckDB, which writes the Parquet files), each file written atomically.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

from qmark.batch.inputs import BatchError, Item
from qmark.ingest.errors import one_line
from qmark.outputs import atomic_write_bytes, atomic_write_text

JOURNAL = "batch-journal.jsonl"

# Table columns and their types, in order. Nothing that changes from run to run (timings,
# creation times) is in a table, so the same inputs give the same tables, locally or on a cluster.
REPORTS: dict[str, str] = {
    "report": "VARCHAR",
    "file": "VARCHAR",
    "working": "VARCHAR",
    "review_id": "VARCHAR",
    "type": "VARCHAR",
    "title": "VARCHAR",
    "date": "VARCHAR",
    "year": "INTEGER",
    "date_source": "VARCHAR",
    "documents": "INTEGER",
    "pages": "INTEGER",
    "paragraphs": "INTEGER",
    "numbered_paragraphs": "INTEGER",
    "words": "INTEGER",
    "analysis_words": "INTEGER",
    "hindsight_judgements": "INTEGER",
    "hindsight_per_1000_words": "DOUBLE",
    "hindsight_mitigations": "INTEGER",
    "explain_share": "DOUBLE",
    "systemic_explanations": "INTEGER",
    "individual_explanations": "INTEGER",
    "citations": "INTEGER",
    "newest_research_year": "INTEGER",
    "median_research_age": "DOUBLE",
    "met": "INTEGER",
    "partly_met": "INTEGER",
    "not_met": "INTEGER",
    "not_evidenced": "INTEGER",
    "needs_check": "INTEGER",
    "json": "VARCHAR",
    "html": "VARCHAR",
    "fingerprint": "VARCHAR",
    "profile": "VARCHAR",
    "profile_version": "VARCHAR",
    "engine_version": "VARCHAR",
    "config_hash": "VARCHAR",
}
RATINGS: dict[str, str] = {
    "report": "VARCHAR",
    "file": "VARCHAR",
    "question": "VARCHAR",
    "number": "INTEGER",
    "short": "VARCHAR",
    "rating": "VARCHAR",
    "confidence": "DOUBLE",
    "needs_check": "BOOLEAN",
    "top_evidence": "VARCHAR",
    "profile": "VARCHAR",
    "profile_version": "VARCHAR",
    "engine_version": "VARCHAR",
    "config_hash": "VARCHAR",
}
CITATIONS: dict[str, str] = {"report": "VARCHAR", "kind": "VARCHAR", "year": "INTEGER", "age_at_report": "INTEGER", "entry": "VARCHAR"}
TABLES: dict[str, tuple[dict[str, str], str]] = {
    "reports": (REPORTS, "report"),
    "ratings": (RATINGS, "report, number"),
    "citations": (CITATIONS, "report, year, kind, entry"),
}


def need_duckdb() -> Any:
    try:
        import duckdb
    except ImportError:
        raise BatchError("qmark batch and qmark corpus need the batch extra: pip install 'qmark[batch]'") from None
    return duckdb


class Store:
    def __init__(self, out: Path) -> None:
        self.out = out
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BatchError(f"{one_line(str(out))}: cannot create the output folder ({exc.strerror})") from None
        if not out.is_dir():
            raise BatchError(f"{one_line(str(out))}: not a folder")
        self.journal_path = out / JOURNAL
        self._lock: IO[bytes] | None = None
        self._journal: IO[str] | None = None

    # -- one writer at a time
    def __enter__(self) -> Store:
        self._lock = open(self.out / ".batch.lock", "wb")
        try:
            import fcntl

            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # Windows: no advisory locks; one run at a time is then up to the user
            pass
        except OSError:
            self._lock.close()
            raise BatchError(f"{one_line(str(self.out))}: another qmark batch is writing to this folder") from None
        self._journal = open(self.journal_path, "a", encoding="utf-8")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._journal:
            self._journal.close()
        if self._lock:
            self._lock.close()

    # -- the journal
    def entries(self) -> Iterator[dict[str, Any]]:
        """Every complete journal line (a line cut short by a kill is skipped)."""
        if not self.journal_path.exists():
            return
        with open(self.journal_path, encoding="utf-8") as f:
            for line in f:
                with suppress(json.JSONDecodeError):
                    entry = json.loads(line)
                    if isinstance(entry, dict) and "id" in entry:
                        yield entry

    def done(self) -> dict[str, tuple[str, str]]:
        """id -> (fingerprint, config hash) of reports already assessed whose JSON is in place."""
        last: dict[str, tuple[str, str] | None] = {}
        for e in self.entries():
            ok = e.get("ok") and (self.out / e.get("json", "")).is_file()
            last[e["id"]] = (e.get("fingerprint", ""), e.get("config_hash", "")) if ok else None
        return {k: v for k, v in last.items() if v}

    def record(self, item: Item, fingerprint: str | None, config_hash: str, result: dict[str, Any], seconds: float) -> None:
        """Keep one finished report: its files first, then its journal line."""
        entry: dict[str, Any] = {
            "id": item.id,
            "file": item.report,
            "working": item.working,
            "review_id": item.review_id,
            "type": item.type,
            "ok": bool(result.get("ok")),
            "seconds": round(seconds, 3),
        }
        if result.get("ok"):
            rel_json = f"json/{item.stem}.json"
            self._write(rel_json, result["json"])
            rel_html = None
            if result.get("html"):
                rel_html = f"html/{item.stem}.html"
                self._write(rel_html, result["html"])
            report = result["report"]
            entry.update(
                fingerprint=report["fingerprint"],
                config_hash=report["config_hash"],
                json=rel_json,
                html=rel_html,
                report=report,
                ratings=result["ratings"],
                citations=result["citations"],
            )
        else:
            entry.update(
                fingerprint=fingerprint, config_hash=config_hash, kind=result.get("kind", "error"), reason=result.get("reason", "")
            )
        assert self._journal is not None
        self._journal.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._journal.flush()

    def _write(self, rel: str, text: str) -> None:
        p = self.out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(p, text)

    # -- the tables
    def finish(self, items: Iterable[Item]) -> tuple[int, list[dict[str, str]]]:
        """Write the tables and failures.csv for these reports from the journal. Returns how many
        reports the tables hold and the failures (file, kind, reason)."""
        duckdb = need_duckdb()
        wanted = {it.id for it in items}
        with tempfile.TemporaryDirectory(prefix=".tables-", dir=self.out) as tmp:
            # The last line for each wanted report, copied as it is; DuckDB does the rest.
            chosen = Path(tmp) / "chosen.jsonl"
            last: dict[str, bytes] = {}
            if self.journal_path.exists():
                with open(self.journal_path, "rb") as f:
                    for raw in f:
                        with suppress(json.JSONDecodeError, UnicodeDecodeError):
                            e = json.loads(raw)
                            if isinstance(e, dict) and e.get("id") in wanted:
                                last[e["id"]] = raw if raw.endswith(b"\n") else raw + b"\n"
            with open(chosen, "wb") as sink:
                for raw in last.values():
                    sink.write(raw)
            del last
            con = duckdb.connect(":memory:")
            try:
                journal = _journal_schema()
                con.execute(f"CREATE TABLE j ({', '.join(f'{_ident(c)} {t}' for c, t in journal.items())})")
                if chosen.stat().st_size:
                    spec = "{" + ", ".join(f"'{c}': '{t}'" for c, t in journal.items()) + "}"
                    con.execute(f"INSERT INTO j SELECT * FROM read_json({sql_path(chosen)}, format='newline_delimited', columns={spec})")
                selects = {
                    "reports": ", ".join(_report_column(c) for c in REPORTS) + " FROM j WHERE ok",
                    "ratings": ", ".join("id AS report" if c == "report" else "file" if c == "file" else f"r.{_ident(c)}" for c in RATINGS)
                    + " FROM (SELECT id, file, unnest(ratings) AS r FROM j WHERE ok)",
                    "citations": ", ".join("id AS report" if c == "report" else f"c.{_ident(c)}" for c in CITATIONS)
                    + " FROM (SELECT id, unnest(citations) AS c FROM j WHERE ok)",
                }
                for name, (columns, order) in TABLES.items():
                    casts = ", ".join(f"CAST({_ident(c)} AS {t}) AS {_ident(c)}" for c, t in columns.items())
                    con.execute(f"CREATE TABLE {name} AS SELECT {casts} FROM (SELECT {selects[name]})")
                    for fmt, opts in (("parquet", "FORMAT parquet, COMPRESSION zstd"), ("csv", "HEADER, DELIMITER ','")):
                        staged = Path(tmp) / f"{name}.{fmt}"
                        con.execute(f"COPY (SELECT * FROM {name} ORDER BY {order}) TO {sql_path(staged)} ({opts})")
                        os.replace(staged, self.out / f"{name}.{fmt}")
                n_reports = con.execute("SELECT count(*) FROM reports").fetchall()[0][0]
                rows = con.execute("SELECT file, coalesce(kind, ''), coalesce(reason, '') FROM j WHERE NOT ok ORDER BY file").fetchall()
            finally:
                con.close()
        failures = [{"file": f, "kind": k, "reason": r} for f, k, r in rows]
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=["file", "kind", "reason"], lineterminator="\n")
        w.writeheader()
        w.writerows(failures)
        atomic_write_bytes(self.out / "failures.csv", buf.getvalue().encode("utf-8"))
        return n_reports, failures


# Where each table column comes from in a journal line.
_TOP_LEVEL = {"file", "review_id", "type", "json", "html"}


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _report_column(c: str) -> str:
    if c == "report":
        return "id AS report"
    if c == "working":
        return "array_to_string(working, ';') AS working"
    if c in _TOP_LEVEL:
        return _ident(c)
    return f"report.{_ident(c)} AS {_ident(c)}"


def _struct(columns: dict[str, str], skip: set[str]) -> str:
    return "STRUCT(" + ", ".join(f"{_ident(c)} {t}" for c, t in columns.items() if c not in skip) + ")"


def _journal_schema() -> dict[str, str]:
    """The types of a journal line's fields, for DuckDB's JSON reader."""
    return {
        "id": "VARCHAR",
        "file": "VARCHAR",
        "working": "VARCHAR[]",
        "review_id": "VARCHAR",
        "type": "VARCHAR",
        "ok": "BOOLEAN",
        "kind": "VARCHAR",
        "reason": "VARCHAR",
        "json": "VARCHAR",
        "html": "VARCHAR",
        "report": _struct(REPORTS, {"report", "file", "working", "review_id", "type", "json", "html"}),
        "ratings": _struct(RATINGS, {"report", "file"}) + "[]",
        "citations": _struct(CITATIONS, {"report"}) + "[]",
    }


def sql_path(path: Path) -> str:
    """A path as an SQL string literal."""
    return "'" + path.as_posix().replace("'", "''") + "'"


__all__ = ["CITATIONS", "JOURNAL", "RATINGS", "REPORTS", "Store", "TABLES", "need_duckdb", "sql_path"]
