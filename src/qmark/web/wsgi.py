"""WSGI entry point (waitress serves it; see qmark.web.serve)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qmark.web.settings")
application = get_wsgi_application()
