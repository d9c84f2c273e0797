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
    page.wait_for_load_state("load")  # a click just before may still be loading the page
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
        out, _ = proc.communicate(timeout=60)  # a loaded machine can take a while to shut down cleanly
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
        _qmark(
            "users",
            "add",
            "sam",
            "--org",
            "Ashbourne Vale Safeguarding Children Partnership",
            "--role",
            "assessor",
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
    page.click("button:has-text('Mark the review complete')")  # ten questions have no assessor's rating yet
    page.wait_for_selector(".notice.error:has-text('cannot be marked complete')")
    _rate_all(page, server, url, skip={"q6"})
    page.goto(url)
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


# ---------------------------------------------------------------- carry-over, drafts, double rating, the keyboard


def _new_context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    ctx.add_init_script(path=str(AXE))
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    return ctx, pg


def _wait_assessed(page) -> None:
    """Until the review page shows results and no assessment is under way (it reloads itself)."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            page.wait_for_load_state("load")
            if page.locator("h2#questions").count() and not page.locator(".progress-panel").count():
                return
        except Error:
            pass  # the page is reloading itself
        page.wait_for_timeout(500)
    raise AssertionError("the assessment did not finish")


def _focused(page) -> str:
    """The focused element's id and its nearest ancestor's with one, once the page's script has run."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(100)  # the script focuses just after load
    return page.evaluate("(() => { const el = document.activeElement; return (el.id || '') + '|' + (el.closest('[id]') || {}).id; })()")


def test_carry_over_after_a_new_draft_and_comparing_drafts(page, server, tmp_path):
    """Judgements survive a new draft of the report; what cannot be matched is listed; the drafts
    can be compared; every page in it is axe-clean."""
    from web_pdfs import report_pdf

    from conftest import draft_two

    first = report_pdf(sample_path(), tmp_path / "Child M draft 1.pdf")
    sign_in(page, server)
    url = create_review(page, server, first, "Child M (drafts)")
    page.click("a:has-text('6. Techniques to limit hindsight')")
    item = page.locator(".evidence-item").first
    rewrite = re.search(r"para (\d+\.\d+)", item.locator("h3").inner_text()).group(1)
    touch = "3.5" if rewrite != "3.5" else "3.6"
    md2 = tmp_path / "draft2.md"
    md2.write_text(draft_two(sample_path().read_text(encoding="utf-8"), rewrite, touch), encoding="utf-8")
    second = report_pdf(md2, tmp_path / "Child M draft 2.pdf")
    item.locator("button:has-text('Accept')").click()
    page.wait_for_selector(".evidence-item .tag:has-text('Accepted')")
    page.click("button:has-text('Agree with qmark')")
    page.wait_for_selector("text=Your rating for question 6 is saved")

    page.goto(url)
    page.click("text=Upload documents")
    page.set_input_files("#id_report", str(second))
    page.fill("#id_note", "Second draft from the lead reviewer")
    page.click("button:has-text('Upload and assess')")
    _wait_assessed(page)
    notice = page.locator("#carried-over")
    assert notice.is_visible() and "Some earlier judgements need your attention" in notice.inner_text()
    assert "not in the documents as they are now" in notice.inner_text()
    axe_check(page, "20-carry-over-notice")
    assert page.locator("tr:has-text('6. Techniques') >> text=carried over").count() == 1

    page.click("text=What changed since the earlier assessment")
    page.wait_for_selector("h1:has-text('What changed between two versions')")
    assert page.is_visible("text=Resolved in the later version") and page.is_visible("text=New in the later version")
    axe_check(page, "21-draft-comparison")

    page.goto(url)
    page.click("text=Set aside")
    page.wait_for_selector("text=is set aside")
    assert not page.is_visible("text=Some earlier judgements need your attention")

    page.click("a:has-text('Assessment history')")
    assert page.is_visible("text=Second draft from the lead reviewer") and page.is_visible("text=not matched")
    axe_check(page, "22-run-history")
    page.locator("table a").last.click()
    page.wait_for_selector("text=An earlier assessment, kept as it was")
    axe_check(page, "23-earlier-assessment")

    page.goto(url)
    page.click("a:has-text('Assess again')")
    page.wait_for_selector("h1:has-text('Assess the review again?')")
    assert page.is_visible("text=Nothing is lost")
    axe_check(page, "24-assess-again-confirmation")
    page.click("button:has-text('Assess the review again')")
    _wait_assessed(page)
    assert page.is_visible("#carried-over") and "Your judgements were carried over" in page.inner_text("#carried-over")


def _rate_all(page, base: str, url: str, differ: dict | None = None, skip: set | None = None) -> None:
    """Agree with qmark on every question, or give the rating in `differ` with a comment."""
    review = url.rstrip("/").rsplit("/", 1)[-1]
    for n in range(1, 12):
        if skip and f"q{n}" in skip:
            continue
        page.goto(f"{base}/reviews/{review}/questions/q{n}/")
        if differ and f"q{n}" in differ:
            page.check(f"#your-rating input[value={differ[f'q{n}'][0]}]")
            page.fill("#id_comment", differ[f"q{n}"][1])
            page.click("button:has-text('Save your rating')")
        else:
            page.click("button:has-text('Agree with qmark')")
        page.wait_for_selector(f"text=Your rating for question {n} is saved")


def test_blind_double_rating_and_moderation(browser, server, report):
    """Two assessors in two browsers rate blind; neither sees the other's work until both have
    submitted; the comparison shows where they differ; a moderator records the agreed rating."""
    alex_ctx, alex = _new_context(browser)
    sam_ctx, sam = _new_context(browser)
    try:
        sign_in(alex, server, "alex")
        url = create_review(alex, server, report, "Child M (double)")
        alex.click("text=Set up blind double rating")
        alex.check("text=Blind, by two assessors, then agreed")
        alex.select_option("#id_first_assessor", label="alex")
        alex.select_option("#id_second_assessor", label="sam")
        axe_check(alex, "25-double-rating-setup")
        alex.click("button:has-text('Save')")
        alex.wait_for_selector("text=rated blind by alex and sam")

        sign_in(sam, server, "sam")
        _rate_all(alex, server, url, differ={"q3": ("not_met", "ALEX: the analysis describes and does not explain.")})
        # sam sees none of alex's work
        sam.goto(url.rstrip("/") + "/questions/q3/")
        assert "ALEX:" not in sam.inner_text("#main") and sam.is_visible("text=Rated blind")
        _rate_all(sam, server, url)
        sam.goto(url)
        sam.click("button:has-text('Submit your ratings')")
        sam.wait_for_selector("text=They stay hidden until the other assessor has submitted")
        sam.goto(url.rstrip("/") + "/compare/")
        assert sam.is_visible("text=once both assessors have submitted")
        alex.goto(url)
        alex.click("button:has-text('Submit your ratings')")
        alex.wait_for_selector("text=Both assessors have now submitted")

        alex.click("a:has-text('Compare the ratings')")
        alex.wait_for_selector("h1:has-text('Compare the two assessors')")
        assert "same rating to 10 of 11" in alex.inner_text(".lead")
        assert alex.is_visible("text=ALEX: the analysis describes")
        axe_check(alex, "26-comparison")
        section = alex.locator("section#q3")
        section.locator("input[value=partly_met]").check()
        section.locator("textarea").fill("Agreed at moderation: 6.4 explains, the rest describes.")
        section.locator("button:has-text('Record the agreed rating')").click()
        alex.wait_for_selector("text=The agreed rating for question 3 is recorded")
        assert "q3" in _focused(alex)  # focus is back on the question acted on
        axe_check(alex, "27-moderation-recorded")
        # sam now sees both, side by side
        sam.goto(url)
        assert sam.locator("tr:has-text('3. ') .small:has-text('moderated')").count() == 1
        alex.goto(url)
        alex.click("button:has-text('Mark the review complete')")
        alex.wait_for_selector("text=Marked complete by alex")

        alex.click("nav >> text=Agreement")
        alex.wait_for_selector("h1:has-text('Agreement between assessors')")
        assert alex.is_visible("text=Gwet's AC1") and alex.is_visible("text=fewer than 5 reviews")
        axe_check(alex, "28-agreement")
        with alex.expect_download() as d:
            alex.click("text=Download these figures (CSV)")
        assert "Percentage agreement" in Path(d.value.path()).read_text(encoding="utf-8")
    finally:
        alex_ctx.close()
        sam_ctx.close()


def test_keyboard_only_whole_flow(page, server, report):
    """Sign in, add a review (the date typed into day, month and year), open a question, reach the
    rating before the evidence, accept a passage and keep one's place, rate every question, mark
    the review complete and download the summary: keys only."""
    page.goto(f"{server}/")
    _tab_to(page, "el.id === 'id_username'")
    page.keyboard.type("alex")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Reviews')")
    _tab_to(page, "el.textContent.trim() === 'Add a review'")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Add a review')")
    _tab_to(page, "el.id === 'id_title'")
    page.keyboard.type("Child M (keyboard)")
    _tab_to(page, "el.id === 'id_report_date_0'")
    page.keyboard.type("18")
    page.keyboard.press("Tab")
    page.keyboard.type("13")  # not a month
    page.keyboard.press("Tab")
    page.keyboard.type("2022")
    page.set_input_files("#id_report", str(report))  # the file chooser is the system's own dialog
    _tab_to(page, "el.textContent.trim() === 'Add review and start the assessment'")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary:has-text('Date of the report must be a real date')")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    axe_check(page, "29-date-input-error")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the error's link goes to the day box
    assert page.evaluate("document.activeElement.id") == "id_report_date_0"
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("10")
    page.set_input_files("#id_report", str(report))
    _tab_to(page, "el.textContent.trim() === 'Add review and start the assessment'")
    page.keyboard.press("Enter")
    _wait_assessed(page)
    assert page.is_visible("text=18 October 2022")

    _tab_to(page, "el.textContent.includes('1. Approach understood')")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1")
    # the rating is a few key presses away, before any evidence
    stops = 0
    while stops < 40 and not page.evaluate("document.activeElement.textContent.startsWith('Agree with qmark')"):
        page.keyboard.press("Tab")
        stops += 1
    evidence_before = page.evaluate(
        "document.activeElement.compareDocumentPosition(document.querySelector('.evidence-item button')) & Node.DOCUMENT_POSITION_PRECEDING"
    )
    assert stops < 20 and not evidence_before, f"the rating took {stops} tab stops"

    # accept a passage: focus comes back to it, and Tab goes on to its next button
    _tab_to(page, "el.textContent.trim().startsWith('Accept')")
    item = page.evaluate("document.activeElement.closest('.evidence-item').id")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#{item} .tag:has-text('Accepted')")
    assert item in _focused(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim().startsWith('Reject')")

    for n in range(1, 12):
        page.wait_for_load_state("load")  # keys pressed while a page is still loading can be lost
        _tab_to(page, "el.getAttribute('href') === '#your-rating'")  # 'On this page' link
        page.keyboard.press("Enter")
        _tab_to(page, "el.textContent.startsWith('Agree with qmark')")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"text=Your rating for question {n} is saved", timeout=45000)
        assert _focused(page).startswith("rating-title")  # focus back at the rating
        if n < 11:
            _tab_to(page, "el.getAttribute('rel') === 'next'", limit=200)
            page.keyboard.press("Enter")
            page.wait_for_selector(f"text=Question {n + 1} of 11", timeout=45000)
    _tab_to(page, "el.textContent.trim() === 'All questions'", limit=200)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/reviews/\d+/#questions$"))
    page.wait_for_load_state("load")
    _tab_to(page, "el.textContent.trim() === 'Mark the review complete'", limit=200)
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Marked complete by alex")
    _tab_to(page, "el.textContent.trim() === 'Download summary (JSON)'", limit=200)
    with page.expect_download() as d:
        page.keyboard.press("Enter")
    data = json.loads(Path(d.value.path()).read_text(encoding="utf-8"))
    assert data["status"] == "complete" and all(q["confirmed"] for q in data["questions"])
