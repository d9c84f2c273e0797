"""Set-up for the web tests: Django in desktop mode in a throw-away data folder, the database
from QMARK_TEST_DATABASE_URL (PostgreSQL) or SQLite, and shared fixtures."""

from __future__ import annotations

import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
_DATA = tempfile.mkdtemp(prefix="qmark-web-tests-")
os.environ["QMARK_DATA_DIR"] = _DATA
os.environ["QMARK_WEB_MODE"] = "desktop"
os.environ["DJANGO_SETTINGS_MODULE"] = "qmark_web_test_settings"

import django  # noqa: E402

django.setup()

from qmark.cli import sample_path  # noqa: E402

DATABASE = "PostgreSQL" if os.environ.get("QMARK_TEST_DATABASE_URL") else "SQLite"


def pytest_report_header(config):
    return f"qmark web tests: {DATABASE} database"


@lru_cache(maxsize=1)
def sample_assessment() -> tuple[str, str]:
    """The engine's real Assessment (and paragraph index) for the sample report, made once."""
    import json

    from qmark.engine import assess
    from qmark.ingest import read_report
    from qmark.web.reviews.assessing import paragraph_index

    report = read_report(sample_path())
    a = assess(report)
    return a.model_dump_json(), json.dumps(paragraph_index(report))


@pytest.fixture
def upload_dir(settings, tmp_path):
    settings.QMARK_UPLOAD_DIR = tmp_path / "uploads"
    settings.QMARK_UPLOAD_DIR.mkdir()
    return settings.QMARK_UPLOAD_DIR


class World:
    """Two organisations, users in every role, one assessed review in each organisation."""

    def __init__(self, upload_dir: Path):
        from django.contrib.auth import get_user_model
        from django.core.files.uploadedfile import SimpleUploadedFile

        from qmark.web.reviews import uploads
        from qmark.web.reviews.models import AssessmentRun, DocumentRole, Membership, Organisation, Review, RunStatus

        User = get_user_model()
        self.org_a = Organisation.objects.create(name="Ashbourne Vale Safeguarding Children Partnership")
        self.org_b = Organisation.objects.create(name="Westmarch Safeguarding Partnership")
        self.users = {}
        for name, org, role in [
            ("admin_a", self.org_a, "admin"),
            ("assessor_a", self.org_a, "assessor"),
            ("reader_a", self.org_a, "read_only"),
            ("admin_b", self.org_b, "admin"),
            ("assessor_b", self.org_b, "assessor"),
        ]:
            u = User.objects.create_user(name, password="a long test password 1")
            Membership.objects.create(user=u, organisation=org, role=role)
            self.users[name] = u
        self.users["nomember"] = User.objects.create_user("nomember", password="a long test password 1")
        assessment_json, paragraphs_json = sample_assessment()
        self.reviews = {}
        for key, org, creator in [("a", self.org_a, self.users["admin_a"]), ("b", self.org_b, self.users["admin_b"])]:
            r = Review.objects.create(organisation=org, title=f"Child M review ({key.upper()})", reference=f"REF-{key}", created_by=creator)
            text = sample_path().read_bytes()
            report = uploads.store(r, SimpleUploadedFile("child_m.md", text), DocumentRole.REPORT, creator)
            working = uploads.store(
                r, SimpleUploadedFile("terms.md", b"# Terms\n\n1. The terms of reference.\n"), DocumentRole.WORKING, creator
            )
            run = AssessmentRun.objects.create(
                review=r,
                status=RunStatus.DONE,
                progress=100,
                engine_version="test",
                assessment_json=assessment_json,
                paragraphs_json=paragraphs_json,
            )
            self.reviews[key] = (r, run, report, working)

    @property
    def review(self):
        return self.reviews["a"][0]

    @property
    def run(self):
        return self.reviews["a"][1]


@pytest.fixture
def world(db, upload_dir) -> World:
    return World(upload_dir)


@pytest.fixture
def client_for():
    """A test client signed in as the named user (or anonymous for None)."""

    def make(name: str | None, world: World):
        from django.test import Client

        c = Client()
        if name:
            c.force_login(world.users[name])
        return c

    return make


# ---------------------------------------------------------------- helpers for carry-over and double rating


def judge(run, user, question, kind, *, target="", value="", comment=""):
    from qmark.web.reviews.models import Judgement

    return Judgement.objects.create(run=run, question=question, kind=kind, target=target, value=value, comment=comment, user=user)


def rate_everything(run, user, *, vary: dict | None = None, submit: bool = False):
    """`user` rates every question of the run: qmark's suggestion, or vary[qid] (with a comment)."""
    from qmark.web.reviews.models import JudgementKind

    for q in run.assessment.questions:
        value = (vary or {}).get(q.question, q.rating)
        judge(run, user, q.question, JudgementKind.RATING, value=value, comment="" if value == q.rating else f"{user.username} reads it so")
    if submit:
        judge(run, user, "", JudgementKind.SUBMIT)


def set_double(review, first, second):
    review.double_rating = True
    review.first_assessor, review.second_assessor = first, second
    review.save()


def new_run(review, assessment_json: str, paragraphs_json: str, **extra):
    """A finished run of the review, as the worker stores one."""
    from qmark.web.reviews.models import AssessmentRun, RunStatus

    return AssessmentRun.objects.create(
        review=review,
        status=RunStatus.DONE,
        progress=100,
        engine_version="test",
        assessment_json=assessment_json,
        paragraphs_json=paragraphs_json,
        profile_id="analysis",
        **extra,
    )


def draft_targets() -> tuple[str, str]:
    """(the printed number of q6's strongest evidence paragraph, that of a different paragraph of q2's)."""
    from qmark.assess.records import Assessment

    a = Assessment.model_validate_json(sample_assessment()[0])
    rewrite = a.result("q6").evidence[0].id
    touch = next(e.id for e in a.result("q2").evidence if e.id != rewrite)
    return rewrite, touch


@lru_cache(maxsize=1)
def edited_assessment() -> tuple[str, str]:
    """The sample report as a second draft (see draft_two), assessed by the real engine."""
    import json
    import tempfile

    from qmark.engine import assess
    from qmark.ingest import read_report
    from qmark.web.reviews.assessing import paragraph_index

    text = sample_path().read_text(encoding="utf-8")
    out = Path(tempfile.mkdtemp(prefix="qmark-draft-")) / "child_m_draft2.md"
    out.write_text(draft_two(text, *draft_targets()), encoding="utf-8")
    report = read_report(out)
    a = assess(report)
    return a.model_dump_json(), json.dumps(paragraph_index(report))


RESOLVED = "The GP consultation on 19 August 2021 was a missed opportunity to protect Child M."
NEW_HINDSIGHT = "With hindsight, the nursery should have reported the bruise at once."


def draft_two(text: str, rewrite: str, touch: str) -> str:
    """A later draft: paragraph `rewrite` replaced by new words, a few words added to paragraph
    `touch`, one hindsight judgement taken out and a new one written into paragraph 6.3."""
    assert RESOLVED in text
    text = text.replace(RESOLVED, "The GP could not have known on 19 August 2021 what later came to light.")
    paras = text.split("\n\n")
    for i, p in enumerate(paras):
        head = p.strip().split(" ", 1)
        if head[0] == rewrite:
            paras[i] = f"{rewrite} The panel met twice in the spring and agreed the timetable for the practitioner event and the report."
        elif head[0] == touch:
            paras[i] = p.rstrip() + " The panel checked this with the practitioners."
        elif head[0] == "6.3":
            paras[i] = p.rstrip() + " " + NEW_HINDSIGHT
    return "\n\n".join(paras)
