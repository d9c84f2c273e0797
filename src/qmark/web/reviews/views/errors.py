from __future__ import annotations

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string


def forbidden(request, exception=None):
    from qmark.web.reviews.access import membership_of

    if request.user.is_authenticated and membership_of(request.user) is None:
        message = (
            "Your account is not part of an organisation yet, so there is nothing to show. Ask your qmark administrator to add you to one."
        )
    else:
        message = "Your role in this organisation does not allow it. If you need to, ask your administrator."
    return render(request, "qmark/error.html", {"title": "You cannot do that", "message": message}, status=403)


def not_found(request, exception=None):
    return render(
        request,
        "qmark/error.html",
        {
            "title": "Page not found",
            "message": "There is nothing here, or nothing you can see. Check the address, or go back to your reviews.",
        },
        status=404,
    )


def server_error(request):
    # No request context: the database may be the thing that failed.
    body = render_to_string(
        "qmark/error.html",
        {
            "title": "Sorry, something went wrong",
            "bare": True,
            "message": "qmark could not finish that request. Try again; if it keeps happening, tell whoever looks after qmark.",
        },
    )
    return HttpResponseServerError(body)


def csrf_failure(request, reason=""):
    return render(
        request,
        "qmark/error.html",
        {
            "title": "This form has expired",
            "message": "qmark could not accept the form: the page was open too long, or it came from somewhere else. "
            "Go back, reload the page and try again.",
        },
        status=403,
    )
