from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.static import serve

INSTANCE = {"id": ""}  # set by `qmark serve` so a second `qmark serve` can find this one


@never_cache
def healthz(request):
    return HttpResponse(f"qmark ok {INSTANCE['id']}".strip(), content_type="text/plain")


def static(request, path):
    """The app's own CSS and JS (a handful of small files), served through the WSGI app so
    qmark needs no separate web server or CDN."""
    parts = path.replace("\\", "/").split("/")
    if "\x00" in path or path.startswith("/") or ".." in parts or not path:
        raise Http404("no such file")  # a probe for files outside the folder: a plain 404
    response = serve(request, path, document_root=settings.STATIC_DIR)
    response["Cache-Control"] = "public, max-age=3600"
    return response
