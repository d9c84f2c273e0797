"""Settings for the two ways qmark web runs, read and checked before Django starts.

Desktop: everything lives in the user's data folder (platformdirs, or QMARK_DATA_DIR): the
SQLite database, the uploads and a generated secret key.

Server: settings come from the environment, or from a TOML file named by --config or
QMARK_CONFIG (the environment wins over the file). A missing or unsafe required setting raises
ConfigError with one line saying what to set.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DESKTOP, SERVER = "desktop", "server"
DEFAULT_MAX_UPLOAD_MB = 50

# setting name -> (environment variable, config-file key)
_KEYS = {
    "database_url": ("DATABASE_URL", "database_url"),
    "secret_key": ("QMARK_SECRET_KEY", "secret_key"),
    "secret_key_file": ("QMARK_SECRET_KEY_FILE", "secret_key_file"),
    "allowed_hosts": ("QMARK_ALLOWED_HOSTS", "allowed_hosts"),
    "upload_dir": ("QMARK_UPLOAD_DIR", "upload_dir"),
    "max_upload_mb": ("QMARK_MAX_UPLOAD_MB", "max_upload_mb"),
    "csrf_trusted_origins": ("QMARK_CSRF_TRUSTED_ORIGINS", "csrf_trusted_origins"),
    "behind_proxy": ("QMARK_BEHIND_PROXY", "behind_proxy"),
    "https": ("QMARK_HTTPS", "https"),
    "trusted_proxies": ("QMARK_TRUSTED_PROXIES", "trusted_proxies"),
    "job_seconds": ("QMARK_JOB_SECONDS", "job_seconds"),
    "job_memory_mb": ("QMARK_JOB_MEMORY_MB", "job_memory_mb"),
}
# Each assessment runs in a child process with these limits (qmark.sandbox): long enough for a
# 1,000-page report, short and small enough that a hostile upload cannot hold a worker for long.
DEFAULT_JOB_SECONDS = 300
DEFAULT_JOB_MEMORY_MB = 2048


class ConfigError(Exception):
    """A setting is missing or unusable. str() is one line naming it and what to do."""


@dataclass(frozen=True)
class WebConfig:
    mode: str
    secret_key: str
    database_url: str
    allowed_hosts: list[str]
    upload_dir: Path
    data_dir: Path | None = None  # desktop only
    max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB
    csrf_trusted_origins: list[str] = field(default_factory=list)
    behind_proxy: bool = False
    https: bool = True  # secure cookies and HSTS (server mode)
    trusted_proxies: list[str] = field(default_factory=list)  # addresses/networks whose X-Forwarded-For is believed
    job_seconds: int = DEFAULT_JOB_SECONDS  # wall-time limit for one assessment
    job_memory_mb: int = DEFAULT_JOB_MEMORY_MB  # memory limit for one assessment's process

    def with_limits(self, limits: dict[str, int]) -> WebConfig:
        from dataclasses import replace

        return replace(self, job_seconds=limits["job_seconds"], job_memory_mb=limits["job_memory_mb"])

    @property
    def is_server(self) -> bool:
        return self.mode == SERVER

    def describe_database(self) -> str:
        """Where the data is, without any password."""
        if self.database_url.startswith("sqlite:///"):
            return f"SQLite database {self.database_url[len('sqlite:///') :]}"
        db = database_settings(self.database_url)
        return f"PostgreSQL database '{db.get('NAME')}' on {db.get('HOST') or 'localhost'}"


def database_settings(url: str) -> dict:
    """Django's DATABASES['default'] for a URL."""
    if url.startswith("sqlite:///"):
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": url[len("sqlite:///") :],  # sqlite:////abs/path or sqlite:///relative/path
            # WAL lets the page read while the worker writes; IMMEDIATE avoids lock upgrades.
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    try:
        import dj_database_url
    except ImportError:
        raise ConfigError("a PostgreSQL database needs the postgres extra: pip install 'qmark[postgres]'") from None
    try:
        db = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url's own message names the problem
        raise ConfigError(f"DATABASE_URL cannot be used: {exc}") from None
    if "postgresql" in db.get("ENGINE", ""):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise ConfigError("a PostgreSQL database needs psycopg: pip install 'qmark[postgres]'") from None
    return dict(db)


def data_dir() -> Path:
    """The desktop data folder: QMARK_DATA_DIR, or the platform's user data folder."""
    override = os.environ.get("QMARK_DATA_DIR")
    if override:
        return Path(override).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir("qmark", appauthor=False))


def _desktop_secret(folder: Path) -> str:
    path = folder / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key)
    return key


def _private(path: Path, mode: int) -> None:
    """Make a file or folder of ours readable by its owner only (no-op where chmod means nothing)."""
    try:
        if path.exists() and path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except OSError:
        pass  # not ours to change (a shared folder given in QMARK_DATA_DIR): leave it


def private_database(db: Path) -> None:
    """The desktop database holds every paragraph of every uploaded report: create it 0600
    before SQLite does (SQLite gives its -wal and -shm journals the database's permissions)
    and tighten any left from an older qmark."""
    if not db.exists():
        try:
            os.close(os.open(db, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"), db.with_name(db.name + "-journal")):
        _private(path, 0o600)


def _job_limits(get) -> dict[str, int]:  # keys are WebConfig's field names
    """The per-assessment limits, checked: QMARK_JOB_SECONDS (10-3600), QMARK_JOB_MEMORY_MB (256-65536)."""
    out = {}
    for name, default, low, high, unit in (
        ("job_seconds", DEFAULT_JOB_SECONDS, 10, 3600, "seconds"),
        ("job_memory_mb", DEFAULT_JOB_MEMORY_MB, 256, 65536, "megabytes"),
    ):
        value = get(name)
        env_name = _KEYS[name][0]
        try:
            n = int(value) if value not in (None, "") else default
        except (TypeError, ValueError):
            raise ConfigError(f"{env_name} must be a whole number of {unit}, not '{value}'") from None
        if not low <= n <= high:
            raise ConfigError(f"{env_name} must be between {low} and {high} {unit}")
        out[name] = n
    return out


def desktop_config() -> WebConfig:
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    _private(folder, 0o700)
    uploads = folder / "uploads"
    uploads.mkdir(mode=0o700, exist_ok=True)
    _private(uploads, 0o700)
    db = folder / "qmark.sqlite3"
    private_database(db)
    return WebConfig(
        mode=DESKTOP,
        secret_key=_desktop_secret(folder),
        database_url=f"sqlite:///{db}",
        allowed_hosts=["127.0.0.1", "localhost"],
        upload_dir=uploads,
        data_dir=folder,
        https=False,
    ).with_limits(_job_limits(lambda name: os.environ.get(_KEYS[name][0])))


def _list(value) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def _bool(name: str, value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{name} must be true or false, not '{value}'")


def _read_file(path: str | Path) -> dict:
    p = Path(path).expanduser()
    try:
        with p.open("rb") as f:
            raw = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"config file {p} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {p} is not valid TOML: {exc}") from None
    known = {key for _, key in _KEYS.values()}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"config file {p}: unknown setting '{unknown[0]}'; known settings: {', '.join(sorted(known))}")
    return raw


def server_config(config_file: str | Path | None = None, environ: dict | None = None) -> WebConfig:
    """Server settings from the environment, then the config file; ConfigError if unusable."""
    env = os.environ if environ is None else environ
    config_file = config_file or env.get("QMARK_CONFIG")
    from_file = _read_file(config_file) if config_file else {}
    where = f"set {{env}}{' or ' + repr(str(config_file)) + ' key {key}' if config_file else ' (or put {key} in a config file given with --config)'}"

    def get(name: str):
        env_name, key = _KEYS[name]
        value = env.get(env_name)
        return value if value not in (None, "") else from_file.get(key)

    def missing(name: str, what: str) -> ConfigError:
        env_name, key = _KEYS[name]
        return ConfigError(f"server mode needs {what}: {where.format(env=env_name, key=key)}")

    database_url = get("database_url")
    if not database_url:
        raise missing("database_url", "a database (a PostgreSQL URL such as postgres://qmark@dbhost/qmark)")
    database_url = str(database_url)
    if not database_url.startswith(("postgres://", "postgresql://", "sqlite:///")):
        raise ConfigError("DATABASE_URL must be a postgres:// (or, for a small trial, sqlite://) URL")

    secret = get("secret_key")
    secret_file = get("secret_key_file")
    if not secret and secret_file:
        try:
            secret = Path(str(secret_file)).expanduser().read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"cannot read the secret key file {secret_file}: {exc.strerror}") from None
    if not secret:
        raise missing(
            "secret_key", 'a secret key (at least 50 random characters; python -c "import secrets; print(secrets.token_urlsafe(50))")'
        )
    secret = str(secret)
    if len(secret) < 50 or len(set(secret)) < 5 or secret.startswith("django-insecure"):
        raise ConfigError(
            'the secret key is too weak: use at least 50 random characters (python -c "import secrets; print(secrets.token_urlsafe(50))")'
        )

    hosts = _list(get("allowed_hosts") or "")
    if not hosts:
        raise missing("allowed_hosts", "the host name(s) people use to reach qmark, comma-separated")

    upload = get("upload_dir")
    if not upload:
        raise missing("upload_dir", "a folder for uploaded documents, outside any folder the web server publishes")
    upload_dir = Path(str(upload)).expanduser()
    try:
        upload_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise ConfigError(f"cannot create the upload folder {upload_dir}: {exc.strerror}") from None
    if not os.access(upload_dir, os.W_OK):
        raise ConfigError(f"the upload folder {upload_dir} is not writable by this user")

    max_mb = get("max_upload_mb")
    try:
        max_upload_mb = int(max_mb) if max_mb not in (None, "") else DEFAULT_MAX_UPLOAD_MB
    except (TypeError, ValueError):
        raise ConfigError(f"QMARK_MAX_UPLOAD_MB must be a whole number of megabytes, not '{max_mb}'") from None
    if not 1 <= max_upload_mb <= 500:
        raise ConfigError("QMARK_MAX_UPLOAD_MB must be between 1 and 500")

    https_value = get("https")
    trusted = _list(get("trusted_proxies") or "")
    for entry in trusted:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ConfigError(
                f"QMARK_TRUSTED_PROXIES: '{entry}' is not an IP address or network (such as 10.0.0.5 or 10.0.0.0/24)"
            ) from None
    return WebConfig(
        mode=SERVER,
        secret_key=secret,
        database_url=database_url,
        allowed_hosts=hosts,
        upload_dir=upload_dir.resolve(),
        max_upload_mb=max_upload_mb,
        csrf_trusted_origins=_list(get("csrf_trusted_origins") or ""),
        behind_proxy=_bool("QMARK_BEHIND_PROXY", get("behind_proxy") or False),
        https=True if https_value in (None, "") else _bool("QMARK_HTTPS", https_value),
        trusted_proxies=trusted,
    ).with_limits(_job_limits(get))


def current() -> WebConfig:
    """The configuration for the mode the CLI chose (QMARK_WEB_MODE, desktop by default)."""
    mode = os.environ.get("QMARK_WEB_MODE", DESKTOP)
    if mode == SERVER:
        return server_config()
    if mode != DESKTOP:
        raise ConfigError(f"QMARK_WEB_MODE must be '{DESKTOP}' or '{SERVER}', not '{mode}'")
    return desktop_config()
