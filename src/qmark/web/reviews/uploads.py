"""Uploaded documents: checked for size and type, stored outside any served folder under a
random name, and removed from disk when their record is deleted (on its own or with a review)."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import zipfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from qmark.ingest import SUPPORTED
from qmark.web.reviews.models import Document, DocumentRole, Review

log = logging.getLogger("qmark.web")

ACCEPT = ",".join(SUPPORTED)  # for <input type=file accept=...>
_TEXT = {".html", ".htm", ".md", ".markdown", ".txt", ".text"}


class UploadError(Exception):
    """The file cannot be accepted; str() is a sentence to show the user."""


def max_bytes() -> int:
    return int(settings.QMARK_MAX_UPLOAD_MB) * 1024 * 1024


def _suffix(name: str) -> str:
    return Path(name).suffix.lower()


def check(upload) -> None:
    """Raise UploadError unless the file is a document qmark can read, within the size limit."""
    name = os.path.basename(upload.name or "")
    suffix = _suffix(name)
    if suffix == ".doc":
        raise UploadError(f"{name} is an old Word .doc file: save it as .docx or PDF and upload that")
    if suffix not in SUPPORTED:
        raise UploadError(f"{name} is not a type qmark reads: upload PDF, Word (.docx), HTML, Markdown or text")
    if upload.size == 0:
        raise UploadError(f"{name} is empty")
    if upload.size > max_bytes():
        raise UploadError(f"{name} is {upload.size / 1048576:.0f} MB: the largest file qmark accepts is {settings.QMARK_MAX_UPLOAD_MB} MB")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if suffix == ".pdf" and b"%PDF-" not in head[:1024]:
        raise UploadError(f"{name} does not look like a PDF: it may be damaged or have the wrong name")
    if suffix == ".docx":
        try:
            with zipfile.ZipFile(upload) as z:
                ok = "word/document.xml" in z.namelist()
        except zipfile.BadZipFile:
            ok = False
        upload.seek(0)
        if not ok:
            raise UploadError(f"{name} does not look like a Word .docx file: it may be damaged or have the wrong name")
    if suffix in _TEXT and b"\x00" in head:
        raise UploadError(f"{name} does not look like a text file")


@contextmanager
def removed_on_error():
    """Collects the paths store() writes; removes them if the block (a transaction) fails."""
    written: list[Path] = []
    try:
        yield written
    except BaseException:
        for p in written:
            p.unlink(missing_ok=True)
        raise


def store(review: Review, upload, role: DocumentRole, user, written: list[Path] | None = None) -> Document:
    """Write the upload to the upload folder and record it. check() must have passed.
    Pass removed_on_error()'s list as `written` when inside a transaction."""
    folder = Path(settings.QMARK_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored = secrets.token_hex(16) + _suffix(upload.name)
    path = folder / stored
    digest = hashlib.sha256()
    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        doc = Document.objects.create(
            review=review,
            role=role,
            original_name=os.path.basename(upload.name)[:255],
            stored_name=stored,
            sha256=digest.hexdigest(),
            size=size,
            uploaded_by=user,
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if written is not None:
        written.append(path)
    return doc


def add(request, review: Review, files: list[tuple[object, DocumentRole]], written: list[Path]) -> list[Document]:
    """Store each (upload, role) for the review and record it in the audit log."""
    from qmark.web.reviews import audit
    from qmark.web.reviews.models import AuditKind

    docs = []
    for upload, role in files:
        doc = store(review, upload, role, request.user, written)
        audit.record(
            request,
            AuditKind.DOCUMENT_UPLOADED,
            review=review,
            object=f"{doc.get_role_display().lower()} ‘{doc.original_name}’",
            detail={"sha256": doc.sha256, "size": doc.size},
        )
        docs.append(doc)
    return docs


@receiver(post_delete, sender=Document)
def _remove_file(sender, instance: Document, **kwargs) -> None:
    path = instance.path

    def unlink() -> None:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove an uploaded file (%s)", exc.strerror)

    transaction.on_commit(unlink)
