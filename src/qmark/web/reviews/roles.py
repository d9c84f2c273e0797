"""What each role may do, in one place: privileges as methods on the Role enum."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    ASSESSOR = "assessor", "Assessor"
    READ_ONLY = "read_only", "Read-only"

    @property
    def can_view(self) -> bool:
        return True

    @property
    def can_edit(self) -> bool:
        """Create reviews, upload documents, run assessments, record judgements, export."""
        return self in (Role.ADMIN, Role.ASSESSOR)

    @property
    def can_delete(self) -> bool:
        return self is Role.ADMIN

    @property
    def can_admin(self) -> bool:
        """See and export the organisation's audit log."""
        return self is Role.ADMIN

    @classmethod
    def parse(cls, text: str) -> Role:
        """A role from what someone typed: 'admin', 'assessor', 'read-only' or 'read_only'."""
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        try:
            return cls(key)
        except ValueError:
            raise ValueError(f"unknown role '{text}'; choose admin, assessor or read-only") from None
