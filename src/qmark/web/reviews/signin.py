"""Signing in: one-time links for the desktop, and limits on failed password attempts.

Failed attempts are counted from the audit log itself (sign_in_failed events) over a sliding
window; no second store to keep in step. An account is limited per address, never as a whole:
someone guessing from elsewhere cannot lock its owner out. An address is also limited over all
accounts. Blocked attempts are not each written to the log: a blocked attempt on an account
that exists is recorded once per window and address, one on an unknown name not at all.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from qmark.web.reviews.models import AuditEvent, AuditKind, Membership, Organisation, SignInLink
from qmark.web.reviews.roles import Role

DESKTOP_ORGANISATION = "My partnership"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def create_link(user, minutes: int | None = None) -> str:
    """A new one-time token for the user (returned once; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    minutes = minutes or settings.QMARK_SIGNIN_LINK_MINUTES
    SignInLink.objects.create(user=user, token_hash=_hash(token), expires=timezone.now() + timedelta(minutes=minutes))
    return token


def use_link(token: str):
    """The user a valid, unused, unexpired token belongs to (the token is then spent), or None."""
    h = _hash(token)
    now = timezone.now()
    with transaction.atomic():
        spent = SignInLink.objects.filter(token_hash=h, used__isnull=True, expires__gt=now).update(used=now)
        if not spent:
            return None
        link = SignInLink.objects.select_related("user").get(token_hash=h)
    SignInLink.objects.filter(expires__lt=now - timedelta(days=1)).delete()  # tidy old links
    user = link.user
    return user if user.is_active else None


def _login_name() -> str:
    import getpass

    try:
        name = getpass.getuser()
    except Exception:  # no login name in this environment
        name = ""
    return (name or "assessor")[:150]


def desktop_user():
    """The person using qmark on this computer, named after their login: created on first run
    as the administrator of 'My partnership'. Signs in with one-time links; has no password."""
    User = get_user_model()
    name = _login_name()
    with transaction.atomic():
        user = User.objects.filter(username=name).first()
        if user is None:
            user = User(username=name)
            user.set_unusable_password()
            user.save()
        if not Membership.objects.filter(user=user).exists():
            org, _ = Organisation.objects.get_or_create(name=DESKTOP_ORGANISATION)
            Membership.objects.create(user=user, organisation=org, role=Role.ADMIN)
    return user


def _window_start():
    return timezone.now() - timedelta(minutes=settings.QMARK_SIGNIN_WINDOW_MINUTES)


def account_key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def blocked(username: str, ip: str | None) -> bool:
    """True when too many recent failures for this account name from this address, or from
    this address over all accounts."""
    since = _window_start()
    failures = AuditEvent.objects.filter(kind=AuditKind.SIGN_IN_FAILED, created__gte=since, ip=ip)
    if failures.filter(actor_name=account_key(username)).count() >= settings.QMARK_SIGNIN_MAX_PER_ACCOUNT:
        return True
    return bool(ip) and failures.count() >= settings.QMARK_SIGNIN_MAX_PER_ADDRESS


def should_record_block(username: str, ip: str | None) -> bool:
    """Record a blocked attempt only for a real account, and only once per window and address."""
    key = account_key(username)
    if not get_user_model().objects.filter(username__iexact=key).exists():
        return False
    return not AuditEvent.objects.filter(kind=AuditKind.SIGN_IN_BLOCKED, actor_name=key, ip=ip, created__gte=_window_start()).exists()
