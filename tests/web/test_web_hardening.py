"""Hardening (issue 11): a private desktop database, sign-in limits that cannot lock a real user
out from outside nor flood the audit log, client addresses behind trusted proxies, one log line
for refused hosts and probes, and no temporary files named after uploads."""

from __future__ import annotations

import io
import logging
import os
import sqlite3
import stat
import sys
import tempfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from qmark.cli import sample_path
from qmark.web import config
from qmark.web.reviews import audit, jobs, uploads
from qmark.web.reviews.models import AuditEvent, AuditKind, DocumentRole, Review, RunStatus

PASSWORD = "a long test password 1"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


def _signin(username, password=PASSWORD, ip="10.0.0.1", **extra):
    return Client().post(reverse("signin"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


# --- the desktop database ---------------------------------------------------------------------


@posix_only
def test_desktop_data_folder_and_database_are_private(tmp_path, monkeypatch):
    folder = tmp_path / "qmark-data"
    monkeypatch.setenv("QMARK_DATA_DIR", str(folder))
    old = os.umask(0o022)
    try:
        cfg = config.desktop_config()
    finally:
        os.umask(old)
    db = folder / "qmark.sqlite3"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "uploads").stat().st_mode) == 0o700
    assert cfg.database_url.endswith("qmark.sqlite3")
    # SQLite gives its journals the database's permissions
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t (x)")
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()
    for journal in ("qmark.sqlite3-wal", "qmark.sqlite3-shm"):
        assert stat.S_IMODE((folder / journal).stat().st_mode) == 0o600
    con.close()


@posix_only
def test_an_old_readable_database_is_made_private(tmp_path, monkeypatch):
    folder = tmp_path / "old"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    db = folder / "qmark.sqlite3"
    db.write_bytes(b"")
    db.chmod(0o644)
    monkeypatch.setenv("QMARK_DATA_DIR", str(folder))
    config.desktop_config()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


# --- sign-in limits -----------------------------------------------------------------------


def test_guessing_from_elsewhere_cannot_lock_the_owner_out(world):
    for _ in range(settings.QMARK_SIGNIN_MAX_PER_ACCOUNT + 3):
        _signin("assessor_a", "guess", ip="198.51.100.7")
    assert _signin("assessor_a", ip="198.51.100.7").status_code == 429  # the guesser is stopped
    assert _signin("assessor_a", ip="10.0.0.3").status_code == 302  # the owner is not


def test_blocked_attempts_do_not_flood_the_audit_log(world, settings):
    settings.QMARK_SIGNIN_MAX_PER_ADDRESS = 3
    for i in range(3):
        _signin(f"nobody{i}", "guess", ip="198.51.100.9")
    before = AuditEvent.objects.count()
    for i in range(50):  # unknown accounts: no row at all
        assert _signin(f"nobody{i}", "guess", ip="198.51.100.9").status_code == 429
    assert AuditEvent.objects.count() == before
    for _ in range(10):  # a real account: one row per window and address
        assert _signin("assessor_a", "guess", ip="198.51.100.9").status_code == 429
    assert AuditEvent.objects.filter(kind=AuditKind.SIGN_IN_BLOCKED).count() == 1
    assert AuditEvent.objects.count() == before + 1


def test_client_address_behind_trusted_proxies(settings):
    rf = RequestFactory()
    settings.QMARK_TRUSTED_PROXIES = ["10.1.0.0/24", "127.0.0.1"]
    via_proxy = rf.get("/", REMOTE_ADDR="10.1.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 127.0.0.1")
    assert audit.client_ip(via_proxy) == "203.0.113.7"  # the last hop no trusted proxy added
    direct = rf.get("/", REMOTE_ADDR="203.0.113.8", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert audit.client_ip(direct) == "203.0.113.8"  # a client cannot choose its address
    garbage = rf.get("/", REMOTE_ADDR="10.1.0.5", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert audit.client_ip(garbage) == "10.1.0.5"
    settings.QMARK_TRUSTED_PROXIES = []
    assert audit.client_ip(via_proxy) == "10.1.0.5"


def test_failures_behind_a_proxy_do_not_lock_out_everyone(world, settings):
    settings.QMARK_TRUSTED_PROXIES = ["10.1.0.5"]
    settings.QMARK_SIGNIN_MAX_PER_ADDRESS = 3
    for i in range(5):
        _signin(f"nobody{i}", "guess", ip="10.1.0.5", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert _signin("assessor_a", ip="10.1.0.5", HTTP_X_FORWARDED_FOR="198.51.100.20").status_code == 429
    assert _signin("assessor_a", ip="10.1.0.5", HTTP_X_FORWARDED_FOR="203.0.113.30").status_code == 302


def test_trusted_proxies_setting_is_checked(tmp_path):
    from web_helpers import server_env

    env = server_env(tmp_path, QMARK_TRUSTED_PROXIES="10.0.0.0/8, 192.168.1.10")
    assert config.server_config(environ=env).trusted_proxies == ["10.0.0.0/8", "192.168.1.10"]
    with pytest.raises(config.ConfigError, match="QMARK_TRUSTED_PROXIES: 'proxy.example' is not an IP"):
        config.server_config(environ=server_env(tmp_path, QMARK_TRUSTED_PROXIES="proxy.example"))


# --- logs --------------------------------------------------------------------------------------


@pytest.fixture
def security_log():
    """What Django's security loggers write, through qmark's own logging set-up."""
    handlers = [h for h in logging.getLogger("django.security").handlers if type(h) is logging.StreamHandler and h.filters]
    assert handlers, "django.security has its own filtered handler"
    out = io.StringIO()
    saved = [h.setStream(out) for h in handlers]
    yield out
    for h, stream in zip(handlers, saved):
        h.setStream(stream)


def test_bad_host_is_one_log_line(db, security_log):
    r = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")
    assert r.status_code == 400
    text = security_log.getvalue()
    assert "evil.example" in text and "Traceback" not in text and text.count("\n") == 1


@pytest.mark.parametrize(
    "probe", ["/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/qmark.css/..%2f..%2fsettings.py", "/static/nope.css"]
)
def test_static_probes_are_plain_not_found(db, security_log, probe):
    r = Client(raise_request_exception=False).get(probe)
    assert r.status_code == 404
    assert security_log.getvalue() == ""


# --- temporary files ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_assessment_writes_no_temporary_files(world, monkeypatch, tmp_path):
    r = Review.objects.create(organisation=world.org_a, title="Child M", created_by=world.users["assessor_a"])
    uploads.store(r, SimpleUploadedFile("Child M\nfinal.md", sample_path().read_bytes()), DocumentRole.REPORT, world.users["assessor_a"])

    def refuse(*args, **kwargs):
        raise AssertionError("an assessment must not make temporary files")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    monkeypatch.setattr(tempfile, "TemporaryDirectory", refuse)
    monkeypatch.setattr(os, "symlink", refuse)
    run = jobs.enqueue(r, world.users["assessor_a"])
    assert jobs.Worker().run_once()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert [d.name for d in run.assessment.report.documents] == ["Child M_final"]
