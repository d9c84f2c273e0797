"""`qmark corpus DIR --html OUT.html`: one self-contained, offline dashboard of a batch's results.

DuckDB reads the batch's Parquet files and reduces them to small cubes of counts by year and
review type (rating mix per question, hindsight judgements per 1,000 words, systemic and
individual explanations, citation ages) plus one compact row per report for the table. The page
draws the plots with plotly.js, inlined from the plotly package, and re-adds the cube cells when
a reader filters by year or type, so it stays quick with tens of thousands of reports.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from qmark.assess.records import RATING_LABELS, RATINGS
from qmark.batch.inputs import BatchError
from qmark.batch.store import need_duckdb, sql_path
from qmark.ingest.errors import one_line
from qmark.outputs import atomic_write_text

HINDSIGHT_BIN = 0.5  # per 1,000 words
HINDSIGHT_MAX = 10.0  # the last bin holds everything above
AGE_MAX = 30  # years; the last bin holds older citations
UNKNOWN_YEAR = "unknown"
NO_TYPE = "not given"


def plotly_js() -> str:
    """plotly.js from the installed plotly package, read as a file (plotly's Python side is not imported)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise BatchError("qmark corpus needs the batch extra: pip install 'qmark[batch]'")
    path = Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise BatchError(f"{path}: plotly.js is missing from the plotly package; reinstall it")
    return path.read_text(encoding="utf-8")


def _tables(folder: Path) -> dict[str, Path]:
    shown = one_line(str(folder))
    if not folder.is_dir():
        raise BatchError(f"{shown}: no such folder")
    paths = {name: folder / f"{name}.parquet" for name in ("reports", "ratings", "citations")}
    missing = [p.name for p in paths.values() if not p.is_file()]
    if missing:
        raise BatchError(
            f"{shown}: not a qmark batch output folder (no {', '.join(missing)}); run qmark batch INPUT... --out {shown} first"
        )
    return paths


def collect(folder: Path, link_base: str = "") -> dict[str, Any]:
    """Everything the page shows, reduced with DuckDB. `link_base` is the batch folder as seen
    from the page (a relative URL), for the links to each assessment."""
    duckdb = need_duckdb()
    paths = _tables(folder)
    con = duckdb.connect(":memory:")
    try:
        return _collect(con, paths, link_base)
    except duckdb.Error as exc:
        raise BatchError(
            f"{one_line(str(folder))}: the batch's tables cannot be read ({type(exc).__name__}: {one_line(str(exc))[:200]})"
        ) from None
    finally:
        con.close()


def _collect(con: Any, paths: dict[str, Path], link_base: str) -> dict[str, Any]:
    for name, p in paths.items():
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({sql_path(p)})")
    # Dimensions: years (unknown last), types, questions in the marker's order.
    con.execute(
        f"""CREATE TEMP TABLE r AS SELECT report, title, file, json, html,
               coalesce(CAST(year AS VARCHAR), '{UNKNOWN_YEAR}') AS y,
               CASE WHEN coalesce(trim(type), '') = '' THEN '{NO_TYPE}' ELSE trim(type) END AS t,
               hindsight_per_1000_words AS h, systemic_explanations AS s, individual_explanations AS i,
               citations AS c, median_research_age AS age, profile
            FROM reports"""
    )
    years = [row[0] for row in con.execute(f"SELECT DISTINCT y FROM r ORDER BY y = '{UNKNOWN_YEAR}', y").fetchall()]
    types = [row[0] for row in con.execute(f"SELECT DISTINCT t FROM r ORDER BY t = '{NO_TYPE}', t").fetchall()]
    questions = con.execute(
        "SELECT question, min(number) AS n, any_value(short), any_value(profile) FROM ratings GROUP BY question ORDER BY any_value(profile), n, question"
    ).fetchall()
    con.execute(
        "CREATE TEMP TABLE dim_y AS SELECT * FROM (SELECT unnest(?::VARCHAR[]) AS y, generate_subscripts(?::VARCHAR[], 1) - 1 AS yi)",
        [years, years],
    )
    con.execute(
        "CREATE TEMP TABLE dim_t AS SELECT * FROM (SELECT unnest(?::VARCHAR[]) AS t, generate_subscripts(?::VARCHAR[], 1) - 1 AS ti)",
        [types, types],
    )
    qids = [q[0] for q in questions]
    con.execute(
        "CREATE TEMP TABLE dim_q AS SELECT * FROM (SELECT unnest(?::VARCHAR[]) AS question, generate_subscripts(?::VARCHAR[], 1) - 1 AS qi)",
        [qids, qids],
    )
    ratings = list(RATINGS)
    con.execute(
        "CREATE TEMP TABLE dim_r AS SELECT * FROM (SELECT unnest(?::VARCHAR[]) AS rating, generate_subscripts(?::VARCHAR[], 1) - 1 AS ri)",
        [ratings, ratings],
    )
    con.execute("CREATE TEMP TABLE rx AS SELECT r.*, yi, ti FROM r JOIN dim_y USING (y) JOIN dim_t USING (t)")

    mix = con.execute(
        """SELECT yi, ti, qi, ri, count(*)::INTEGER FROM ratings g JOIN rx USING (report) JOIN dim_q USING (question)
           JOIN dim_r USING (rating) GROUP BY ALL ORDER BY ALL"""
    ).fetchall()
    hindsight = con.execute(
        f"""SELECT yi, ti, least(floor(h / {HINDSIGHT_BIN}), {int(HINDSIGHT_MAX / HINDSIGHT_BIN)})::INTEGER AS b,
                   count(*)::INTEGER, round(sum(h), 4) FROM rx WHERE h IS NOT NULL GROUP BY ALL ORDER BY ALL"""
    ).fetchall()
    explanations = con.execute(
        "SELECT yi, ti, sum(s)::INTEGER, sum(i)::INTEGER, count(*)::INTEGER FROM rx GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    ages = con.execute(
        f"""SELECT yi, ti, least(age_at_report, {AGE_MAX})::INTEGER AS b, count(*)::INTEGER, sum(age_at_report)::BIGINT
            FROM citations c JOIN rx USING (report) WHERE age_at_report IS NOT NULL AND age_at_report >= 0
            GROUP BY ALL ORDER BY ALL"""
    ).fetchall()
    # One compact row per report: its ratings as one letter per question ('.' where the
    # report's profile does not ask it).
    letters = "".join("MPNE"[i] for i in range(len(ratings)))
    per_report = con.execute(
        f"""SELECT rx.report, rx.title, rx.file, rx.json, rx.html, rx.yi, rx.ti, rx.h, rx.s, rx.i, rx.c,
                   string_agg(coalesce(substr('{letters}', g.ri + 1, 1), '.'), '' ORDER BY q.qi) AS marks
            FROM rx CROSS JOIN dim_q q
            LEFT JOIN (SELECT report, question, ri FROM ratings JOIN dim_r USING (rating)) g
                   ON g.report = rx.report AND g.question = q.question
            GROUP BY ALL ORDER BY rx.yi, rx.report"""
    ).fetchall()
    base = link_base.rstrip("/") + "/" if link_base else ""

    def link(rel: str | None) -> str | None:
        return base + quote(rel) if rel else None

    return {
        "ratings": [{"id": r, "label": RATING_LABELS[r]} for r in ratings],
        "letters": letters,
        "years": years,
        "types": types,
        "questions": [{"id": q[0], "number": q[1], "short": q[2] or q[0], "profile": q[3]} for q in questions],
        "hindsight_bin": HINDSIGHT_BIN,
        "hindsight_max": HINDSIGHT_MAX,
        "age_max": AGE_MAX,
        "mix": mix,
        "hindsight": [list(row) for row in hindsight],
        "explanations": explanations,
        "ages": ages,
        "reports": {
            "id": [r[0] for r in per_report],
            "title": [r[1] or "" for r in per_report],
            "file": [r[2] or "" for r in per_report],
            "json": [link(r[3]) for r in per_report],
            "html": [link(r[4]) for r in per_report],
            "y": [r[5] for r in per_report],
            "t": [r[6] for r in per_report],
            "h": [None if r[7] is None else round(r[7], 2) for r in per_report],
            "s": [r[8] for r in per_report],
            "i": [r[9] for r in per_report],
            "c": [r[10] for r in per_report],
            "marks": [r[11] for r in per_report],
        },
    }


def _script_json(data: object) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' that could end it."""
    return (
        json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    )


def render(folder: Path, out: Path) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    link_base = quote(Path(os.path.relpath(folder.resolve(), out.resolve().parent)).as_posix())
    data = collect(folder, "" if link_base == "." else link_base)
    env = Environment(loader=PackageLoader("qmark.render", "templates"), autoescape=select_autoescape(["html", "j2"]))
    n = len(data["reports"]["id"])
    return env.get_template("corpus.html.j2").render(
        data=_script_json(data), plotly=plotly_js().replace("</script", "<\\/script"), reports=n, folder=folder.name
    )


def main(args: argparse.Namespace) -> int:
    folder, out = Path(args.folder), Path(args.html)
    t0 = time.perf_counter()
    html = render(folder, out)
    try:
        atomic_write_text(out, html)
    except OSError as exc:
        raise BatchError(f"{one_line(str(out))}: cannot write the dashboard ({exc.strerror})") from None
    print(f"Dashboard written to {out} ({time.perf_counter() - t0:.1f} s); open it in a web browser, it works offline.")
    return 0


__all__ = ["collect", "main", "plotly_js", "render"]
