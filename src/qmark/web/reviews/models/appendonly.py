"""Records that are written once and never changed or deleted one by one: human judgements and
the audit log. save() refuses updates, delete() refuses, and so do the bulk QuerySet methods.
(Deleting a review still removes its judgements through the database cascade; the audit log
keeps no foreign key to a review, so it outlives it. On PostgreSQL a trigger also refuses
UPDATE and DELETE on the audit table.)"""

from __future__ import annotations

from django.db import models


class AppendOnlyError(Exception):
    """Someone tried to change or delete an append-only record."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} records are append-only")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} records are append-only")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} records are append-only")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} records are append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} records are append-only; add a new one instead")
        kwargs["force_insert"] = True
        kwargs.pop("force_update", None)
        kwargs.pop("update_fields", None)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} records are append-only")
