"""Sign-in, one-time links, rate limiting, CSRF, security headers, uploads, deletion, logs."""

from __future__ import annotations

import logging
import os
import stat
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qmark.web.reviews import signin
from qmark.web.reviews.models import AuditEvent, AuditKind, Document, Review, SignInLink

PASSWORD = "a long test password 1"


def _signin(c, username, password=PASSWORD, ip="10.0.0.1"):
    return c.post(reverse("signin"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_sign_in_and_out(world):
    c = Client()
    assert c.get("/").status_code == 302
    r = _signin(c, "assessor_a")
    assert r.status_code == 302 and r["Location"] == "/"
    assert c.get("/").status_code == 200
    assert AuditEvent.objects.filter(kind=AuditKind.SIGNED_IN, actor_name="assessor_a").exists()
    c.post(reverse("signout"))
    assert c.get("/").status_code == 302


def test_sign_in_next_must_be_local(world):
    c = Client()
    r = c.post(reverse("signin") + "?next=https://evil.example/", {"username": "assessor_a", "password": PASSWORD})
    assert r["Location"] == "/"


def test_failed_sign_in_is_audited_without_the_password(world):
    r = _signin(Client(), "assessor_a", "wrong password")
    assert r.status_code == 200 and "Enter a correct username and password" in r.content.decode()
    e = AuditEvent.objects.get(kind=AuditKind.SIGN_IN_FAILED)
    assert e.actor_name == "assessor_a" and e.organisation == world.org_a
    assert "wrong password" not in str(e.detail) + e.object


def test_sign_in_is_rate_limited_per_account(world):
    c = Client()
    for _ in range(settings.QMARK_SIGNIN_MAX_PER_ACCOUNT):
        assert _signin(c, "assessor_a", "nope", ip="10.0.0.2").status_code == 200
    r = _signin(c, "assessor_a", ip="10.0.0.2")  # even the right password, from that address
    assert r.status_code == 429 and "Too many failed attempts" in r.content.decode()
    assert c.get("/").status_code == 302
    assert _signin(Client(), "reader_a", ip="10.0.0.2").status_code == 302  # other accounts unaffected
    # limited per address: guesses from elsewhere cannot lock the owner out (issue 11)
    assert _signin(Client(), "assessor_a", ip="10.0.0.3").status_code == 302


def test_sign_in_is_rate_limited_per_address(world, settings):
    settings.QMARK_SIGNIN_MAX_PER_ADDRESS = 3
    for name in ("x1", "x2", "x3"):
        _signin(Client(), name, "nope", ip="10.0.0.9")
    assert _signin(Client(), "assessor_a", ip="10.0.0.9").status_code == 429
    assert _signin(Client(), "assessor_a", ip="10.0.0.10").status_code == 302


def test_rate_limit_window_passes(world):
    old = timezone.now() - timedelta(minutes=settings.QMARK_SIGNIN_WINDOW_MINUTES + 1)
    for _ in range(10):
        AuditEvent.objects.create(kind=AuditKind.SIGN_IN_FAILED, actor_name="assessor_a", created=old)
    assert _signin(Client(), "assessor_a").status_code == 302


def test_one_time_link_works_once(world):
    token = signin.create_link(world.users["admin_a"])
    assert len(token) >= 40
    assert not SignInLink.objects.filter(token_hash=token).exists()  # only the hash is stored
    c = Client()
    r = c.get(reverse("signin-link", args=[token]))
    assert r.status_code == 302 and c.get("/").status_code == 200
    assert Client().get(reverse("signin-link", args=[token])).status_code == 410


def test_expired_link_and_disabled_user(world):
    token = signin.create_link(world.users["admin_a"])
    SignInLink.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert Client().get(reverse("signin-link", args=[token])).status_code == 410
    assert Client().get(reverse("signin-link", args=["made-up"])).status_code == 410
    u = world.users["reader_a"]
    token = signin.create_link(u)
    u.is_active = False
    u.save()
    assert Client().get(reverse("signin-link", args=[token])).status_code == 410


def test_account_without_organisation_is_told_so(world, client_for):
    r = client_for("nomember", world).get("/")
    assert r.status_code == 403 and "not part of an organisation" in r.content.decode()


def test_empty_sign_in_form_is_not_counted_as_an_attempt(world):
    Client().post(reverse("signin"), {"username": "assessor_a", "password": ""})
    assert not AuditEvent.objects.filter(kind=AuditKind.SIGN_IN_FAILED).exists()


def test_desktop_user_is_admin_of_my_partnership(db):
    u = signin.desktop_user()
    assert u.membership.role == "admin" and u.membership.organisation.name == signin.DESKTOP_ORGANISATION
    assert not u.has_usable_password()
    assert signin.desktop_user() == u


def test_csrf_is_enforced(world):
    c = Client(enforce_csrf_checks=True)
    r = c.post(reverse("signin"), {"username": "assessor_a", "password": PASSWORD})
    assert r.status_code == 403 and "This form has expired" in r.content.decode()
    c.force_login(world.users["assessor_a"])
    r = c.post(reverse("review-complete", args=[world.review.pk]), {"action": "complete"})
    assert r.status_code == 403
    page = c.get(reverse("question", args=[world.review.pk, "q1"])).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= page.count('<form method="post"')


def test_security_headers(world, client_for):
    r = client_for("admin_a", world).get(reverse("review", args=[world.review.pk]))
    csp = r["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert r["Cache-Control"] == "no-store"
    s = Client().get("/static/qmark/qmark.css")
    assert s.status_code == 200 and "max-age" in s["Cache-Control"]
    assert Client().get("/static/../settings.py").status_code in (400, 404)


def test_uploads_refuse_wrong_types_and_sizes(world, client_for, settings):
    c = client_for("assessor_a", world)
    url = reverse("review-create")

    def create(name, content):
        return c.post(url, {"title": "T", "review_type": "scr", "report": SimpleUploadedFile(name, content)})

    for name, content, words in [
        ("virus.exe", b"MZ....", "not a type qmark reads"),
        ("report.doc", b"\xd0\xcf\x11\xe0", "old Word .doc"),
        ("fake.pdf", b"<html>not a pdf</html>", "does not look like a PDF"),
        ("fake.docx", b"plain text", "does not look like a Word"),
        ("empty.md", b"", "empty"),
        ("binary.txt", b"abc\x00def", "does not look like a text file"),
    ]:
        r = create(name, content)
        assert r.status_code == 400, name
        assert words in r.content.decode(), name
    settings.QMARK_MAX_UPLOAD_MB = 1
    r = create("big.md", b"a" * (1024 * 1024 + 1))
    assert r.status_code == 400 and "the largest file qmark accepts is 1 MB" in r.content.decode()
    assert Review.objects.filter(title="T").count() == 0


def test_uploads_are_stored_privately_under_random_names(world, client_for, upload_dir):
    c = client_for("assessor_a", world)
    r = c.post(
        reverse("review-create"),
        {"title": "Child Q", "review_type": "lcspr", "report": SimpleUploadedFile("Child Q final report.md", b"# Child Q\n\n1.1 Text.\n")},
    )
    assert r.status_code == 302
    doc = Document.objects.get(original_name="Child Q final report.md")
    assert doc.path.parent == upload_dir and doc.path.exists()
    assert "Child" not in doc.stored_name and len(doc.stored_name) >= 32
    assert stat.S_IMODE(os.stat(doc.path).st_mode) == 0o600
    static_dir = settings.STATIC_DIR.resolve()
    assert static_dir not in doc.path.resolve().parents


def test_deleting_a_review_removes_its_files(world, client_for, django_capture_on_commit_callbacks):
    review, run, report, working = world.reviews["a"]
    paths = [report.path, working.path]
    assert all(p.exists() for p in paths)
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for("admin_a", world).post(reverse("review-delete", args=[review.pk]))
    assert r.status_code == 302
    assert not Review.objects.filter(pk=review.pk).exists()
    assert not any(p.exists() for p in paths)
    e = AuditEvent.objects.get(kind=AuditKind.REVIEW_DELETED)
    assert e.review_id == review.pk and e.review_title == review.title and e.actor_name == "admin_a"
    assert world.reviews["b"][2].path.exists()  # another review's files are untouched


def test_replacing_the_report_removes_the_old_file(world, client_for, django_capture_on_commit_callbacks):
    review, run, report, working = world.reviews["a"]
    old = report.path
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for("assessor_a", world).post(
            reverse("documents", args=[review.pk]), {"report": SimpleUploadedFile("v2.md", b"# Child M v2\n\n1.1 New text.\n")}
        )
    assert r.status_code == 302
    assert not old.exists()
    assert [d.original_name for d in review.documents.all()] == ["v2.md", "terms.md"]
    assert review.runs.filter(status="queued").exists()


def test_logs_never_carry_exception_messages(caplog):
    from qmark.web.logsafe import SafeFormatter

    quote = "Mother told the health visitor that she was frightened"
    try:
        raise ValueError(quote)
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, exc_info=__import__("sys").exc_info())
    text = SafeFormatter("%(message)s").format(record)
    assert "ValueError" in text and "frightened" not in text
