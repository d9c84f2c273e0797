"""`qmark serve/migrate/users/worker`: settings checked before start, clear one-line refusals."""

from __future__ import annotations

import subprocess
import sys

import pytest
from web_helpers import SECRET, clean_env, qmark, server_env

from qmark.web import config

# ---------------------------------------------------------------- settings


@pytest.mark.parametrize(
    "missing, words",
    [
        ("DATABASE_URL", "server mode needs a database"),
        ("QMARK_SECRET_KEY", "server mode needs a secret key"),
        ("QMARK_ALLOWED_HOSTS", "server mode needs the host name"),
        ("QMARK_UPLOAD_DIR", "server mode needs a folder for uploaded documents"),
    ],
)
def test_server_settings_name_what_is_missing(tmp_path, missing, words):
    env = server_env(tmp_path, **{missing: None})
    with pytest.raises(config.ConfigError, match=words) as exc:
        config.server_config(environ=env)
    assert missing in str(exc.value) and "\n" not in str(exc.value)


def test_server_settings_refuse_weak_secret_and_bad_values(tmp_path):
    with pytest.raises(config.ConfigError, match="too weak"):
        config.server_config(environ=server_env(tmp_path, QMARK_SECRET_KEY="short"))
    with pytest.raises(config.ConfigError, match="postgres://"):
        config.server_config(environ=server_env(tmp_path, DATABASE_URL="mysql://x/y"))
    with pytest.raises(config.ConfigError, match="whole number"):
        config.server_config(environ=server_env(tmp_path, QMARK_MAX_UPLOAD_MB="lots"))


def test_server_settings_from_a_file_with_environment_winning(tmp_path):
    f = tmp_path / "qmark.toml"
    (tmp_path / "secret").write_text(SECRET)
    f.write_text(
        f'database_url = "postgres://qmark@db.internal/qmark"\nsecret_key_file = "{tmp_path / "secret"}"\n'
        f'allowed_hosts = ["qmark.example.gov.uk"]\nupload_dir = "{tmp_path / "up"}"\nmax_upload_mb = 20\n'
    )
    cfg = config.server_config(f, environ={"QMARK_MAX_UPLOAD_MB": "30"})
    assert (cfg.database_url, cfg.secret_key, cfg.allowed_hosts, cfg.max_upload_mb, cfg.https) == (
        "postgres://qmark@db.internal/qmark",
        SECRET,
        ["qmark.example.gov.uk"],
        30,
        True,
    )
    assert cfg.describe_database() == "PostgreSQL database 'qmark' on db.internal"
    f.write_text(f.read_text() + "colour = 'blue'\n")
    with pytest.raises(config.ConfigError, match="unknown setting 'colour'"):
        config.server_config(f, environ={})


def test_desktop_settings_live_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("QMARK_DATA_DIR", str(tmp_path / "data"))
    cfg = config.desktop_config()
    assert cfg.allowed_hosts == ["127.0.0.1", "localhost"] and cfg.upload_dir == tmp_path / "data" / "uploads"
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0
    assert config.desktop_config().secret_key == cfg.secret_key


def test_server_mode_django_settings_are_strict(tmp_path):
    code = (
        "import django.conf as c, qmark.web.settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.DEBUG, s.ALLOWED_HOSTS)"
    )
    env = clean_env(QMARK_WEB_MODE="server", **server_env(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "True True True False ['qmark.example.gov.uk']", out.stderr
    check = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=dict(env, DJANGO_SETTINGS_MODULE="qmark.web.settings"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stdout + check.stderr


# ---------------------------------------------------------------- commands


def test_serve_server_refuses_without_settings():
    r = qmark("serve", "--server")
    assert r.returncode == 2
    assert r.stderr.startswith("qmark: server mode needs a database") and "Traceback" not in r.stderr


def test_serve_server_refuses_an_unmigrated_database(tmp_path):
    env = clean_env(**server_env(tmp_path))
    r = qmark("serve", "--server", "--port", "0", env=env)
    assert r.returncode == 2 and "the database needs migrating" in r.stderr and "qmark migrate --server" in r.stderr
    r = qmark("worker", "--server", env=env)
    assert r.returncode == 2 and "needs migrating" in r.stderr


def test_host_is_for_server_mode_only(tmp_path):
    r = qmark("serve", "--host", "0.0.0.0", env=clean_env(QMARK_DATA_DIR=str(tmp_path)))
    assert r.returncode == 2 and "--host is for server mode" in r.stderr


def test_migrate_and_users(tmp_path):
    env = clean_env(**server_env(tmp_path))
    r = qmark("migrate", "--server", env=env)
    assert r.returncode == 0 and "applied" in r.stdout, r.stderr
    assert "already up to date" in qmark("migrate", "--server", env=env).stdout
    r = qmark(
        "users",
        "add",
        "sam",
        "--org",
        "Ashbourne Vale SCP",
        "--role",
        "read-only",
        "--password-stdin",
        "--server",
        env=env,
        stdin="short\n",
    )
    assert r.returncode == 2 and "password not accepted" in r.stderr
    r = qmark(
        "users",
        "add",
        "sam",
        "--org",
        "Ashbourne Vale SCP",
        "--role",
        "read-only",
        "--password-stdin",
        "--server",
        env=env,
        stdin="correct horse battery staple\n",
    )
    assert r.returncode == 0 and "Added sam (read-only) to Ashbourne Vale SCP (a new organisation)" in r.stdout, r.stderr
    r = qmark("users", "add", "sam", "--org", "X", "--role", "admin", "--password-stdin", "--server", env=env, stdin="x\n")
    assert r.returncode == 2 and "already an account called 'sam'" in r.stderr
    r = qmark("users", "add", "kim", "--org", "X", "--role", "boss", "--server", env=env)
    assert r.returncode == 2 and "unknown role 'boss'" in r.stderr
    r = qmark("users", "disable", "sam", "--server", env=env)
    assert r.returncode == 0 and "disabled" in r.stdout
    r = qmark("users", "list", "--server", env=env)
    assert "sam" in r.stdout and "Read-only" in r.stdout and "disabled" in r.stdout
    r = qmark("users", "disable", "nobody", "--server", env=env)
    assert r.returncode == 2 and "no account called 'nobody'" in r.stderr


def test_models_and_migrations_agree(db):
    from django.core.management import call_command

    call_command("makemigrations", "reviews", "--check", "--dry-run", verbosity=0)
