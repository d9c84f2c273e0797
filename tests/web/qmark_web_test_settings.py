"""Django settings for the web tests: qmark's own (desktop mode, in a temporary data folder),
with the database chosen by QMARK_TEST_DATABASE_URL (PostgreSQL) or a SQLite file."""

import os
from pathlib import Path

from qmark.web import config
from qmark.web.settings import *  # noqa: F401,F403
from qmark.web.settings import CFG, DATABASES

_url = os.environ.get("QMARK_TEST_DATABASE_URL", "").strip()
if _url:
    DATABASES = {"default": config.database_settings(_url)}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # A file, not :memory:, so the worker and heartbeat threads see the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(CFG.data_dir) / "test.sqlite3")}

# Argon2 is deliberately slow; the tests create many accounts.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
