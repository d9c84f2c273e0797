"""Helpers shared by the web tests (a unique module name: tests/ has its own helpers)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SECRET = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz"


def clean_env(**extra) -> dict:
    """The environment without any qmark or Django settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QMARK_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(extra)
    return env


def qmark(*args, env=None, stdin=None, timeout=60) -> subprocess.CompletedProcess:
    """Run the qmark command line in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "qmark.cli", *args], env=env or clean_env(), input=stdin, capture_output=True, text=True, timeout=timeout
    )


def server_env(tmp_path: Path, **over) -> dict:
    """Complete server-mode settings on a SQLite file; pass NAME=None to leave one out."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'server.sqlite3'}",
        "QMARK_SECRET_KEY": SECRET,
        "QMARK_ALLOWED_HOSTS": "qmark.example.gov.uk",
        "QMARK_UPLOAD_DIR": str(tmp_path / "uploads"),
    }
    env.update(over)
    return {k: v for k, v in env.items() if v is not None}
