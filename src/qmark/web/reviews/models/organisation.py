from __future__ import annotations

from django.conf import settings
from django.db import models

from qmark.web.reviews.roles import Role


class Organisation(models.Model):
    """A safeguarding partnership: it owns reviews, and its members see only its reviews."""

    name = models.CharField(max_length=200, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's organisation and role. One per user: a user works for one partnership."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ASSESSOR)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"

    @property
    def privileges(self) -> Role:
        return Role(self.role)
