"""Django settings for qmark web. Everything that differs between desktop and server mode comes
from qmark.web.config; the CLI picks the mode (QMARK_WEB_MODE) before django.setup()."""

from __future__ import annotations

from pathlib import Path

from qmark.web import config

CFG = config.current()
SERVER = CFG.is_server
WEB_DIR = Path(__file__).resolve().parent

SECRET_KEY = CFG.secret_key
DEBUG = False
ALLOWED_HOSTS = CFG.allowed_hosts
CSRF_TRUSTED_ORIGINS = CFG.csrf_trusted_origins

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "qmark.web.reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "qmark.web.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "qmark.web.urls"
WSGI_APPLICATION = "qmark.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qmark.web.reviews.context.workspace",
            ]
        },
    }
]

DATABASES = {"default": config.database_settings(CFG.database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id (argon2-cffi) hashes new passwords; PBKDF2 stays listed so older hashes still verify
# and are upgraded on the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "signin"
LOGIN_REDIRECT_URL = "reviews"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A desktop session lasts a working fortnight; a shared server's ends with the working day.
SESSION_COOKIE_AGE = 12 * 3600 if SERVER else 14 * 24 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = SERVER
# Names of our own, so qmark's cookies never collide with another local app's on 127.0.0.1.
SESSION_COOKIE_NAME = "qmark_session"
CSRF_COOKIE_NAME = "qmark_csrftoken"
CSRF_FAILURE_VIEW = "qmark.web.reviews.views.errors.csrf_failure"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if SERVER and CFG.https:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False
# TLS and the redirect to it belong to the reverse proxy in front of qmark; HSTS for a council's
# other subdomains, or the preload list, is not qmark's decision to make.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W008", "security.W021"]
if SERVER and CFG.behind_proxy:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j M Y, H:i"

STATIC_URL = "/static/"
STATIC_DIR = WEB_DIR / "static"

# Uploads: stored outside any served folder under random names (qmark.web.reviews.uploads).
QMARK_UPLOAD_DIR = CFG.upload_dir
QMARK_MAX_UPLOAD_MB = CFG.max_upload_mb
# Limits on each assessment's child process (qmark.sandbox): QMARK_JOB_SECONDS, QMARK_JOB_MEMORY_MB.
QMARK_JOB_SECONDS = CFG.job_seconds
QMARK_JOB_MEMORY_MB = CFG.job_memory_mb
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # form fields other than files
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
QMARK_MODE = CFG.mode
QMARK_DATA_DIR = CFG.data_dir

# Sign-in rate limits: failures within the window, per account name and per address.
QMARK_SIGNIN_WINDOW_MINUTES = 15
QMARK_SIGNIN_MAX_PER_ACCOUNT = 5
QMARK_SIGNIN_MAX_PER_ADDRESS = 20
# Proxies whose X-Forwarded-For names the real client (QMARK_TRUSTED_PROXIES, server mode):
# without them every user behind the proxy would share one address and one sign-in limit.
QMARK_TRUSTED_PROXIES = CFG.trusted_proxies
QMARK_SIGNIN_LINK_MINUTES = 10

# Report text never reaches a log: exceptions are logged as type and stack frames only.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"safe": {"()": "qmark.web.logsafe.SafeFormatter", "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"one_line": {"()": "qmark.web.logsafe.OneLineSecurityFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "safe"},
        # refused hosts and path probes: one line each, never a stack trace
        "security": {"class": "logging.StreamHandler", "formatter": "safe", "filters": ["one_line"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # 4xx answers are normal use (a wrong form, a refused page); log only server errors.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["security"], "level": "WARNING", "propagate": False},
        "qmark.web": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "waitress": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
