from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReviewType(models.TextChoices):
    SCR = "scr", "Serious case review (SCR)"
    LCSPR = "lcspr", "Local child safeguarding practice review (LCSPR)"
    WELSH_CPR = "welsh_cpr", "Child practice review (Wales)"
    LEARNING_REVIEW = "learning_review", "Learning review (Scotland)"
    SAR = "sar", "Safeguarding adults review (SAR)"
    DHR = "dhr", "Domestic homicide review (DHR)"
    OTHER = "other", "Other review"


class Review(models.Model):
    organisation = models.ForeignKey("reviews.Organisation", on_delete=models.PROTECT, related_name="reviews")
    title = models.CharField(max_length=200)
    reference = models.CharField(max_length=100, blank=True)
    review_type = models.CharField("type of review", max_length=20, choices=ReviewType.choices, default=ReviewType.LCSPR)
    report_date = models.DateField("date of the report", null=True, blank=True)
    profile = models.CharField(
        "quality marker",
        max_length=60,
        default="analysis",
        help_text="The id of the qmark profile (quality marker) the review is assessed against.",
    )
    double_rating = models.BooleanField(
        "rated blind by two assessors",
        default=False,
        help_text="Two assessors rate independently; neither sees the other's ratings until both have submitted.",
    )
    first_assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    second_assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated", "-id"]
        indexes = [models.Index(fields=["organisation", "-updated"])]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def lock(pk: int) -> None:
        """Hold the review until the transaction ends, so judgements and carry-over never interleave
        (a row lock on PostgreSQL; on SQLite any write takes the database's write lock)."""
        from django.db import connection

        rows = Review.objects.filter(pk=pk)
        if connection.features.has_select_for_update:
            list(rows.select_for_update().values_list("pk", flat=True))
        else:
            rows.update(id=models.F("id"))

    def touch(self) -> None:
        """Mark the review as worked on now (the list shows the most recent first)."""
        Review.objects.filter(pk=self.pk).update(updated=timezone.now())

    @property
    def assessors(self) -> list:
        """The two assessors of a double-rated review (those named), else []."""
        if not self.double_rating:
            return []
        return [u for u in (self.first_assessor, self.second_assessor) if u is not None]

    @property
    def report(self) -> Document | None:
        return next((d for d in self.documents.all() if d.role == DocumentRole.REPORT), None)

    @property
    def working_documents(self) -> list[Document]:
        return [d for d in self.documents.all() if d.role == DocumentRole.WORKING]


class DocumentRole(models.TextChoices):
    REPORT = "report", "Report"
    WORKING = "working", "Working document"


class Document(models.Model):
    """An uploaded file. The bytes live in the upload folder under stored_name (random); the
    name the user gave it is kept only to show it back to them."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="documents")
    role = models.CharField(max_length=10, choices=DocumentRole.choices)
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=80, unique=True)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "uploaded", "id"]  # the report ("report" < "working") first

    def __str__(self) -> str:
        return self.original_name

    @property
    def path(self) -> Path:
        return Path(settings.QMARK_UPLOAD_DIR) / self.stored_name
