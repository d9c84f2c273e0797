from __future__ import annotations

from django.conf import settings

from qmark import __version__
from qmark.web.reviews.access import membership_of


def workspace(request) -> dict:
    m = membership_of(request.user) if hasattr(request, "user") else None
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else ""
    return {
        "nav": "audit" if name in ("audit", "audit-csv") else "agreement" if name in ("agreement", "agreement-csv") else "reviews",
        "nav_exact": name in ("audit", "reviews", "agreement"),
        "membership": m,
        "role": m.privileges if m else None,
        "desktop": settings.QMARK_MODE == "desktop",
        "qmark_version": __version__,
        "max_mb": settings.QMARK_MAX_UPLOAD_MB,
    }
