"""Who may see and do what: the one place the organisation boundary is checked.

A review of another organisation does not exist as far as a user is concerned (404, never 403);
within their own organisation a user's role decides what they may do (403 when it does not).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from qmark.web.reviews.models import Membership, Review
from qmark.web.reviews.roles import Role


def membership_of(user) -> Membership | None:
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def _allowed(membership: Membership, need: str) -> bool:
    return bool(getattr(membership.privileges, f"can_{need}"))


def reviews_for(user) -> QuerySet[Review]:
    """Every review the user may see: their organisation's, and nobody else's."""
    m = membership_of(user)
    if m is None:
        return Review.objects.none()
    return Review.objects.filter(organisation_id=m.organisation_id)


def get_review_for(user, pk, need: str = "view") -> Review:
    """The review with this id if it belongs to the user's organisation, else Http404.
    PermissionDenied when it does but the user's role does not allow `need`
    (view, edit, delete, admin: see Role)."""
    m = membership_of(user)
    if m is None:
        raise Http404("No such review")
    try:
        review = reviews_for(user).select_related("organisation").get(pk=pk)
    except (Review.DoesNotExist, ValueError, TypeError):
        raise Http404("No such review") from None
    if not _allowed(m, need):
        raise PermissionDenied
    return review


def member_required(need: str = "view"):
    """View decorator: signed in, in an organisation, with a role that allows `need`.
    Sets request.membership and request.role."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            m = membership_of(request.user)
            if m is None or not _allowed(m, need):
                raise PermissionDenied
            request.membership = m
            request.role = m.privileges
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


__all__ = ["Role", "get_review_for", "member_required", "membership_of", "reviews_for"]
