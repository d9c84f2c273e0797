from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from qmark.web.reviews import audit, signin
from qmark.web.reviews.forms import SignInForm
from qmark.web.reviews.models import AuditKind


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def _organisation_of(username: str):
    user = get_user_model().objects.filter(username=username).select_related("membership__organisation").first()
    m = getattr(user, "membership", None) if user else None
    return m.organisation if m else None


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def signin_view(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST":
        username = request.POST.get("username", "")
        ip = audit.client_ip(request)
        if signin.blocked(username, ip):
            if signin.should_record_block(username, ip):
                audit.record(
                    request, AuditKind.SIGN_IN_BLOCKED, actor_name=signin.account_key(username), organisation=_organisation_of(username)
                )
            return render(
                request,
                "qmark/signin.html",
                {"form": SignInForm(request, initial={"username": username}), "blocked": True, "next": _next_url(request)},
                status=429,
            )
        if form.is_valid():
            user = form.get_user()
            login(request, user)
            audit.record(request, AuditKind.SIGNED_IN, actor=user)
            return redirect(_next_url(request))
        if username and request.POST.get("password"):  # credentials were checked, and were wrong
            audit.record(
                request, AuditKind.SIGN_IN_FAILED, actor_name=signin.account_key(username), organisation=_organisation_of(username)
            )
    return render(request, "qmark/signin.html", {"form": form, "next": _next_url(request)})


@never_cache
def signin_link_view(request, token: str):
    user = signin.use_link(token)
    if user is None:
        return render(request, "qmark/link_expired.html", status=410)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    audit.record(request, AuditKind.SIGNED_IN, actor=user, detail={"method": "one-time link"})
    return redirect("reviews")


@require_POST
def signout_view(request):
    if request.user.is_authenticated:
        audit.record(request, AuditKind.SIGNED_OUT)
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect(settings.LOGIN_URL)
