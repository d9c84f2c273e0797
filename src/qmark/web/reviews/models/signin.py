from __future__ import annotations

from django.conf import settings
from django.db import models


class SignInLink(models.Model):
    """A one-time sign-in link (desktop mode). Only the token's SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    used = models.DateTimeField(null=True, blank=True)
