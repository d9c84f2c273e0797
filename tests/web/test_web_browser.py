"""End to end in a real browser (Playwright driving Debian's Chromium), against `qmark serve`
started as a user would start it, on SQLite or on PostgreSQL (QMARK_TEST_DATABASE_URL).

Every main page is checked with axe-core: no serious or critical accessibility violations.
Skipped when /usr/bin/chromium is missing, unless QMARK_REQUIRE_BROWSER=1 (then it fails).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from pprint import pformat

import pytest
from web_helpers import SECRET, clean_env

from qmark.cli import sample_path

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PASSWORD = "correct horse battery staple"
SHOTS = os.environ.get("QMARK_SHOTS")  # a folder: save a screenshot of each main page there


def _need_browser():
    problem = None
    if not Path(CHROMIUM).exists():
        problem = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is not installed (pip install 'qmark[test]')"
    if problem:
        if os.environ.get("QMARK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{problem}; QMARK_REQUIRE_BROWSER=1 makes this a failure")
        pytest.skip(f"{problem}; set QMARK_REQUIRE_BROWSER=1 to make this a failure")


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    ctx.add_init_script(path=str(AXE))  # injected by the browser, so the page's strict CSP still applies to the app
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    pg.console_errors = []
    pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))
    yield pg
    ctx.close()
    assert not [e for e in pg.console_errors if "Content Security Policy" in e], pg.console_errors


def axe_check(page, name: str) -> list:
    """Run axe-core on the page; fail on serious or critical violations (on any with QMARK_AXE_STRICT=1)."""
    violations = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    failing = ("minor", "moderate", "serious", "critical") if os.environ.get("QMARK_AXE_STRICT") == "1" else ("serious", "critical")
    bad = [v for v in violations if v["impact"] in failing]
    assert not bad, f"axe on {name}:\n{pformat(bad)}"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
    return violations


# ---------------------------------------------------------------- a server, as an administrator starts one


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database(tmp: Path):
    """A fresh database for the server process: a SQLite file, or a new PostgreSQL database."""
    url = os.environ.get("QMARK_TEST_DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{tmp / 'e2e.sqlite3'}", lambda: None
    import psycopg

    base = url.rsplit("/", 1)[0]
    name = f"qmark_e2e_{secrets.token_hex(4)}"
    with psycopg.connect(base + "/postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(base + "/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


def _wait_for(url: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"qmark serve stopped: {proc.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"qmark serve did not answer at {url}")


def _qmark(*args, env, stdin=None):
    r = subprocess.run([sys.executable, "-m", "qmark.cli", *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r


def _stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _need_browser()
    tmp = tmp_path_factory.mktemp("server")
    db_url, drop = _database(tmp)
    env = clean_env(
        QMARK_MODE="server",
        DATABASE_URL=db_url,
        QMARK_SECRET_KEY=SECRET,
        QMARK_ALLOWED_HOSTS="127.0.0.1,localhost",
        QMARK_UPLOAD_DIR=str(tmp / "uploads"),
    )
    try:
        _qmark("migrate", env=env)
        _qmark(
            "users",
            "add",
            "alex",
            "--org",
            "Ashbourne Vale Safeguarding Children Partnership",
            "--role",
            "admin",
            "--password-stdin",
            env=env,
            stdin=PASSWORD + "\n",
        )
        _qmark(
            "users",
            "add",
            "robin",
            "--org",
            "Ashbourne Vale Safeguarding Children Partnership",
            "--role",
            "read-only",
            "--password-stdin",
            env=env,
            stdin=PASSWORD + "\n",
        )
        port = _free_port()
        # the shape of a shared deployment: the web server, and assessments in a separate worker
        proc = subprocess.Popen(
            [sys.executable, "-m", "qmark.cli", "serve", "--port", str(port), "--no-worker"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        worker = subprocess.Popen(
            [sys.executable, "-m", "qmark.cli", "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(f"{base}/healthz", proc)
            yield base
        finally:
            output = _stop(proc) + _stop(worker)
            assert "Traceback" not in output, output
            assert "qmark worker stopped" in output
    finally:
        drop()


def sign_in(page, base: str, user: str = "alex") -> None:
    page.goto(f"{base}/")
    assert "/signin/" in page.url
    page.fill("#id_username", user)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("h1:has-text('Reviews')")


def create_review(page, base: str, pdf: Path, title: str) -> str:
    page.goto(f"{base}/")
    page.click("text=Add a review")
    page.fill("#id_title", title)
    page.fill("#id_reference", "AV-LCSPR-2022-03")
    page.select_option("#id_review_type", "lcspr")
    page.set_input_files("#id_report", str(pdf))
    page.click("button:has-text('Add review and start the assessment')")
    page.wait_for_selector("h2#questions", timeout=90000)  # the page polls, then shows the results
    return page.url


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    from web_pdfs import report_pdf

    return report_pdf(sample_path(), tmp_path_factory.mktemp("pdf") / "Child M final report.pdf")


# ---------------------------------------------------------------- the journeys


def test_assessor_journey(page, server, report, tmp_path):
    page.goto(f"{server}/")
    axe_check(page, "01-sign-in")
    page.fill("#id_username", "alex")
    page.fill("#id_password", "not the password")
    page.click("button:has-text('Sign in')")
    assert page.is_visible(".error-summary")
    axe_check(page, "01b-sign-in-error")
    sign_in(page, server)
    axe_check(page, "02-reviews-empty")

    page.click("text=Add a review")
    page.click("button:has-text('Add review and start the assessment')")  # nothing filled in
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    axe_check(page, "03-create-review-errors")

    url = create_review(page, server, report, "Child M: Local Child Safeguarding Practice Review")
    assert page.is_visible("text=Ready to review")
    axe_check(page, "04-review-overview")

    # open question 6, rate it differently from the suggestion: first without a comment
    page.click("a:has-text('6. Techniques to limit hindsight')")
    page.wait_for_selector("h1:has-text('hindsight')")
    assert page.is_visible("mark") and page.is_visible("text=Guidance for this question")
    assert re.search(r"para \d+\.\d+, p\. \d+", page.inner_text("#main")), "evidence shows paragraph and page"
    axe_check(page, "05-question")
    suggested = page.get_attribute('#your-rating input[type=radio] + label:has-text("qmark\'s suggestion")', "for")
    choice = next(i for i in ("id_rating_2", "id_rating_0") if i != suggested)  # not met, or met
    page.check(f"#{choice}")
    page.click("button:has-text('Save your rating')")
    assert page.is_visible(".error-summary:has-text('Explain why')")
    axe_check(page, "05b-question-error")
    page.check(f"#{choice}")
    page.fill("#id_comment", "Para 3.8 names the techniques but the analysis does not visibly apply them.")
    page.click("button:has-text('Save your rating')")
    page.wait_for_selector("text=Your rating for question 6 is saved")

    # accept the first piece of evidence, add a paragraph of our own
    page.locator(".evidence-item").first.locator("button:has-text('Accept')").click()
    page.wait_for_selector(".evidence-item .tag:has-text('Accepted')")
    page.click("text=Add evidence from the documents")
    page.fill("#q", "hindsight")
    page.click("button:has-text('Search')")
    axe_check(page, "06-add-evidence")
    page.locator("button:has-text('Add as evidence')").first.click()
    page.wait_for_selector("#added + ul .evidence-item")

    # back to the review: complete it and export
    page.goto(url)
    assert page.locator("tr:has-text('6. Techniques') .badge").count() == 2  # suggestion and the assessor's rating
    page.click("button:has-text('Mark the review complete')")
    page.wait_for_selector("text=Marked complete by alex")
    with page.expect_download() as d:
        page.click("text=Download summary (JSON)")
    data = json.loads(Path(d.value.path()).read_text(encoding="utf-8"))
    q6 = next(q for q in data["questions"] if q["question"] == "q6")
    assert q6["assessor_rating"] != q6["suggested_rating"] and q6["comment"].startswith("Para 3.8")
    assert q6["evidence"][0]["decision"] == "accepted" and len(q6["added_evidence"]) == 1
    assert data["status"] == "complete"
    assert data["assessment"]["questions"][5]["rating"] == q6["suggested_rating"]  # the suggestion, as made
    with page.expect_download() as d:
        page.click("text=Download summary (HTML)")
    html = Path(d.value.path()).read_text(encoding="utf-8")
    assert "Para 3.8 names the techniques" in html

    page.click("nav >> text=Reviews")
    assert page.is_visible("td:has-text('Child M: Local Child') >> xpath=.. >> text=Complete")
    axe_check(page, "08-reviews-list")

    # the audit log saw all of it
    page.click("nav >> text=Audit log")
    axe_check(page, "09-audit-log")
    text = page.inner_text("table")
    for what in ("Review created", "Document uploaded", "Judgement recorded", "Review marked complete", "Review exported"):
        assert what in text
    with page.expect_download() as d:
        page.click("text=Download as CSV")
    assert "Review exported" in Path(d.value.path()).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def shared_review(browser, server, report) -> str:
    """A review assessed once for the tests below (created through the browser by the admin)."""
    ctx = browser.new_context()
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    sign_in(pg, server)
    url = create_review(pg, server, report, "Child M (shared)")
    ctx.close()
    return url


def test_read_only_user_sees_but_cannot_change(page, server, shared_review):
    sign_in(page, server, "robin")
    assert not page.is_visible("text=Add a review")
    page.goto(shared_review)
    assert page.is_visible("h2#questions") and page.is_visible("text=Download summary (JSON)")
    for action in ("Mark the review complete", "Upload documents", "Assess again", "Delete review"):
        assert not page.is_visible(f"text={action}"), action
    page.click("a:has-text('1. Approach understood')")
    assert page.is_visible("text=Guidance for this question")
    assert not page.is_visible("button:has-text('Save your rating')") and not page.is_visible("button:has-text('Accept')")
    axe_check(page, "10-question-read-only")
    page.goto(f"{server}/audit/")
    assert page.is_visible("h1:has-text('You cannot do that')")


def _tab_to(page, test: str, limit: int = 80) -> None:
    """Press Tab until `test` (a JS expression on el) is true for the focused element."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({test}); }})()"):
            outline = page.evaluate(
                "getComputedStyle(document.activeElement).outlineStyle + ' ' + "
                "getComputedStyle(document.activeElement).boxShadow + ' ' + "
                "getComputedStyle(document.activeElement).backgroundColor"
            )
            assert outline != "none none rgba(0, 0, 0, 0)", "focus must be visible"
            return
    raise AssertionError(f"could not reach {test} with the keyboard")


def test_keyboard_only(page, server, shared_review):
    """Sign in, open a review and a question, rate it and save: keys only."""
    url = shared_review
    page.goto(f"{server}/")
    _tab_to(page, "el.classList.contains('skip-link')")
    _tab_to(page, "el.id === 'id_username'")
    page.keyboard.type("alex")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Reviews')")
    _tab_to(page, "el.textContent.trim() === 'Child M (shared)'")
    page.keyboard.press("Enter")
    page.wait_for_url(url)
    _tab_to(page, "el.textContent.includes('11. Supervision')")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1")
    _tab_to(page, "el.type === 'radio'")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # move to the next rating
    _tab_to(page, "el.id === 'id_comment'")
    page.keyboard.type("The report does not say whether the reviewer had supervision.")
    _tab_to(page, "el.textContent.trim() === 'Save your rating'")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Your rating for question 11 is saved")


def _start_desktop(env) -> tuple[subprocess.Popen, str, str]:
    """Start `qmark serve --no-browser`; return the process, its sign-in link and what it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "qmark.cli", "serve", "--no-browser"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        m = re.search(r"(http://127\.0\.0\.1:\d+/signin/link/\S+/)", line)
        if m:
            return proc, m.group(1), "".join(lines)
    proc.kill()
    raise AssertionError("qmark serve printed no sign-in link:\n" + "".join(lines))


def test_assessment_survives_a_crash(browser, report, tmp_path):
    """Kill the desktop workspace in the middle of an assessment; started again, it finishes it."""
    import sqlite3

    env = clean_env(QMARK_DATA_DIR=str(tmp_path / "data"))
    proc, link, _ = _start_desktop(env)
    ctx = browser.new_context()
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    pg.goto(link)
    pg.click("text=Add a review")
    pg.fill("#id_title", "Child M (crash)")
    pg.set_input_files("#id_report", str(report))
    pg.click("button:has-text('Add review and start the assessment')")
    review_url = pg.url
    proc.kill()  # no chance to tidy up
    proc.wait(10)
    with sqlite3.connect(tmp_path / "data" / "qmark.sqlite3") as db:  # as if it died half way through
        db.execute(
            "UPDATE reviews_assessmentrun SET status='running', stage='Finding evidence', progress=35, "
            "assessment_json='', heartbeat=CURRENT_TIMESTAMP, attempts=1"
        )
    proc, link, _ = _start_desktop(env)
    try:
        pg.goto(link)
        pg.goto(review_url.replace(review_url.split("/reviews/")[0], link.split("/signin/")[0]))
        pg.wait_for_selector("h2#questions", timeout=60000)
        assert pg.is_visible("text=Ready to review")
    finally:
        ctx.close()
        _stop(proc)


def test_desktop_serve(browser, tmp_path):
    """`qmark serve` on a desktop: its own SQLite database, a one-time link, and a second
    `qmark serve` finds the first instead of starting another."""
    env = clean_env(QMARK_DATA_DIR=str(tmp_path / "data"))
    proc, link, text = _start_desktop(env)
    try:
        assert f"Data folder: {tmp_path / 'data'}" in text and "qmark.sqlite3" in text
        ctx = browser.new_context()
        pg = ctx.new_page()
        pg.goto(link)
        assert pg.is_visible("h1:has-text('Reviews')") and pg.is_visible("text=My partnership")
        pg2 = browser.new_context().new_page()
        pg2.goto(link)  # the link works once
        assert pg2.is_visible("text=This sign-in link no longer works")
        again = subprocess.run(
            [sys.executable, "-m", "qmark.cli", "serve", "--no-browser"], env=env, capture_output=True, text=True, timeout=60
        )
        assert again.returncode == 0 and "already running" in again.stdout
        second = re.search(r"(http://127\.0\.0\.1:\d+/signin/link/\S+/)", again.stdout).group(1)
        pg2.goto(second)
        assert pg2.is_visible("h1:has-text('Reviews')")
        ctx.close()
    finally:
        out = _stop(proc)
    assert "Traceback" not in out and "qmark stopped" in out
    assert not (tmp_path / "data" / "server.json").exists()


def test_without_chromium_the_suite_skips_unless_required(monkeypatch):
    import test_web_browser as tb

    monkeypatch.setattr(tb, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.delenv("QMARK_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium not found"):
        tb._need_browser()
    monkeypatch.setenv("QMARK_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="QMARK_REQUIRE_BROWSER=1"):
        tb._need_browser()
