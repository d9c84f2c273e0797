"""qmark corpus: a self-contained dashboard over a batch's Parquet files. Its numbers add up to
the tables', its links reach each assessment, and in a real browser it draws every plot, filters
by year and type, and asks for nothing from outside."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from helpers import CORPUS, synthetic_batch
from qmark.cli import main

CHROMIUM = "/usr/bin/chromium"


def embedded(html: str) -> dict:
    m = re.search(r'<script id="qmark-data" type="application/json">(.*?)</script>', html, re.S)
    assert m, "no data in the page"
    return json.loads(m.group(1))


def ours(html: str) -> str:
    """The page without the inlined plotly.js (whose code mentions URLs it never fetches)."""
    start = html.index("<script>")
    end = html.index("</script>", start)
    return html[:start] + html[end:]


def test_ten_thousand_reports_add_up(tmp_path):
    expected = synthetic_batch(tmp_path / "big", 10_000)
    out = tmp_path / "dash.html"
    assert main(["corpus", str(tmp_path / "big"), "--html", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    d = embedded(html)
    qs = [q["id"] for q in d["questions"]]
    assert qs == [f"q{i}" for i in range(1, 12)]  # in the marker's order, not alphabetical
    ratings = [r["id"] for r in d["ratings"]]
    mix: Counter = Counter()
    for _yi, _ti, qi, ri, n in d["mix"]:
        mix[(qs[qi], ratings[ri])] += n
    assert mix == expected["mix"]
    years = Counter()
    for k, yi in enumerate(d["reports"]["y"]):
        years[d["years"][yi]] += 1
        assert len(d["reports"]["marks"][k]) == 11
    assert years == Counter({("unknown" if y is None else str(y)): n for y, n in expected["by_year"].items()})
    assert d["years"][-1] == "unknown" and d["types"][-1] == "not given"
    assert Counter(d["types"][t] for t in d["reports"]["t"]) == Counter({(t or "not given"): n for t, n in expected["by_type"].items()})
    assert sum(row[3] for row in d["hindsight"]) == 10_000
    assert sum(row[3] for row in d["ages"]) == expected["citations"]
    assert sum(row[4] for row in d["explanations"]) == 10_000
    # report titles are text, never markup; the page needs nothing from outside
    assert "<b>review</b>" not in html and "Child 7 \\u003cb\\u003ereview" in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", ours(html), re.I)
    assert "default-src 'none'" in html


def test_the_dashboard_links_to_each_assessment(batch, tmp_path):
    _, out, _ = batch
    page = tmp_path / "elsewhere" / "dash.html"
    page.parent.mkdir()
    assert main(["corpus", str(out), "--html", str(page)]) == 0
    d = embedded(page.read_text(encoding="utf-8"))
    assert len(d["reports"]["id"]) == 8
    for link in d["reports"]["json"] + d["reports"]["html"]:
        target = Path(unquote(urlparse(urljoin(page.as_uri(), link)).path))
        assert target.is_file(), link


def test_a_folder_that_is_not_a_batch_is_one_line(tmp_path, capsys):
    assert main(["corpus", str(tmp_path), "--html", str(tmp_path / "d.html")]) == 2
    err = capsys.readouterr().err.strip()
    assert (
        err
        == f"qmark: {tmp_path}: not a qmark batch output folder (no reports.parquet, ratings.parquet, citations.parquet); run qmark batch INPUT... --out {tmp_path} first"
    )


@pytest.fixture(scope="module")
def typed_batch(tmp_path_factory):
    """A batch from a manifest that gives each review its type."""
    root = tmp_path_factory.mktemp("typed")
    rows = [
        ("r02_systems_2016.md", "scr"),
        ("r03_silp_2020.md", "lcspr"),
        ("r04_wales_cpr_2017.txt", "welsh_cpr"),
        ("r11_lcspr_2022.md", "lcspr"),
        ("r14_scr_2015.md", "scr"),
        ("r17_scr_2012_blame.txt", "scr"),
    ]
    for name, _ in rows:
        shutil.copy(CORPUS / name, root / name)
    (root / "reviews.csv").write_text("report,type\n" + "".join(f"{n},{t}\n" for n, t in rows), encoding="utf-8")
    assert main(["batch", str(root / "reviews.csv"), "--out", str(root / "out"), "--workers", "2", "--html"]) == 0
    assert main(["corpus", str(root / "out"), "--html", str(root / "dashboard.html")]) == 0
    return root


@pytest.mark.browser
def test_the_dashboard_in_a_real_browser(typed_batch):
    if not Path(CHROMIUM).exists():
        if os.environ.get("QMARK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; QMARK_REQUIRE_BROWSER=1 makes this a failure")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    page_path = typed_batch / "dashboard.html"
    requests: list[str] = []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = b.new_page(viewport={"width": 1400, "height": 1000})
            page.on("request", lambda r: requests.append(r.url))
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_path.as_uri())
            page.wait_for_selector("body[data-ready='1']", timeout=20000)
            assert errors == []
            plots = page.locator(".js-plotly-plot")
            assert plots.count() == 6
            for i in range(6):
                assert plots.nth(i).locator("svg.main-svg").count() >= 1
            assert page.locator("#count").inner_text() == "6 of 6 reports"
            assert page.locator("#reports tbody tr").count() == 6
            # filter by type: only the serious case reviews
            for t in ("lcspr", "welsh_cpr"):
                page.locator(f"input[data-type='{t}']").uncheck()
            assert page.locator("#count").inner_text() == "3 of 6 reports"
            assert page.locator("#reports tbody tr").count() == 3
            bars = page.evaluate("document.getElementById('plot-type').data.map(t => t.x.length)")
            assert bars == [1, 1, 1, 1]  # one bar: scr
            # and by year: from the latest year only
            page.locator("#reset").click()
            last = page.locator("#year-from option").last.get_attribute("value")
            page.locator("#year-from").select_option(last)
            shown = int(page.locator("body").get_attribute("data-reports"))
            assert 1 <= shown < 6
            assert page.locator("#reports tbody tr").count() == shown
            # sorting by a column and following a link to an assessment
            page.locator("#reset").click()
            page.locator("#reports th", has_text="Year").click()
            years = [int(y) for y in page.locator("#reports tbody tr td:nth-child(2)").all_inner_texts()]
            assert years == sorted(years)
            page.locator("#reports th", has_text="Year").click()
            years = [int(y) for y in page.locator("#reports tbody tr td:nth-child(2)").all_inner_texts()]
            assert years == sorted(years, reverse=True)
            href = page.locator("#reports tbody tr a", has_text="HTML").first.get_attribute("href")
            assert (page_path.parent / unquote(href)).is_file()
            if os.environ.get("QMARK_SHOTS"):
                page.screenshot(path=str(Path(os.environ["QMARK_SHOTS"]) / "corpus-dashboard.png"), full_page=True)
        finally:
            b.close()
    assert requests and all(u.startswith("file://") for u in requests), [u for u in requests if not u.startswith("file://")]


def test_the_dashboard_needs_the_batch_extra(monkeypatch, tmp_path, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "plotly" else real(name, *a))
    synthetic_batch(tmp_path / "b", 3)
    assert main(["corpus", str(tmp_path / "b"), "--html", str(tmp_path / "d.html")]) == 2
    assert "pip install 'qmark[batch]'" in capsys.readouterr().err
