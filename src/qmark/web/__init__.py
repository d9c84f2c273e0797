"""qmark web: the assessors' workspace, a Django project inside the package.

Two ways to run it (see qmark.web.cli): desktop (SQLite in the user's data folder, 127.0.0.1
only, one-time sign-in link) and server (settings from the environment or a config file,
PostgreSQL). The mode is chosen by the CLI through QMARK_WEB_MODE before django.setup().
"""
