"""The audit log: who created, viewed, changed, exported or deleted what; append-only; no text."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection, transaction
from django.urls import reverse

from qmark.cli import sample_path
from qmark.web.reviews.audit import to_csv
from qmark.web.reviews.models import AppendOnlyError, AuditEvent, AuditKind


def test_actions_are_recorded(world, client_for):
    c = client_for("assessor_a", world)
    pk = world.review.pk
    c.get(reverse("review", args=[pk]))
    c.get(reverse("question", args=[pk, "q2"]))
    c.post(reverse("review-edit", args=[pk]), {"title": "New title", "reference": "R", "review_type": "scr", "report_date": ""})
    c.post(reverse("question-rate", args=[pk, "q2"]), {"rating": world.run.assessment.result("q2").rating})
    c.get(reverse("review-export", args=[pk, "json"]))
    kinds = list(AuditEvent.objects.filter(actor_name="assessor_a").order_by("created", "id").values_list("kind", flat=True))
    assert kinds == ["review_viewed", "question_viewed", "review_changed", "judgement_recorded", "review_exported"]
    changed = AuditEvent.objects.get(kind=AuditKind.REVIEW_CHANGED)
    assert changed.detail == {"fields": "title, reference, review_type"} and changed.organisation == world.org_a


def test_no_report_text_in_the_audit_log(world, client_for):
    c = client_for("assessor_a", world)
    pk = world.review.pk
    for q in ("q1", "q6"):
        c.get(reverse("question", args=[pk, q]))
        target = f"for:{world.run.assessment.result(q).evidence[0].id}"
        c.post(reverse("question-evidence", args=[pk, q]), {"target": target, "decision": "accept"})
        c.post(reverse("question-add-evidence", args=[pk, q]), {"paragraph": world.run.paragraphs[3]["index"]})
    c.get(reverse("review-export", args=[pk, "html"]))
    everything = " ".join(f"{e.object} {e.detail} {e.review_title}" for e in AuditEvent.objects.all())
    sentences = [s.strip() for s in sample_path().read_text().split(".") if len(s.strip()) > 40]
    assert sentences and not any(s[:40] in everything for s in sentences)


def test_admin_exports_csv(world, client_for):
    c = client_for("admin_a", world)
    c.get(reverse("review", args=[world.review.pk]))
    r = c.get(reverse("audit-csv"))
    assert r["Content-Type"].startswith("text/csv") and "attachment" in r["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0][:3] == ["time (UTC)", "who", "what"]
    assert any(row[2] == "Review viewed" and row[1] == "admin_a" for row in rows[1:])
    assert AuditEvent.objects.filter(kind=AuditKind.AUDIT_EXPORTED, actor_name="admin_a").exists()
    page = c.get(reverse("audit"), {"kind": "review_viewed"}).content.decode()
    assert "Review viewed" in page


def test_csv_cells_cannot_be_formulas(world):
    e = AuditEvent.objects.create(kind=AuditKind.SIGN_IN_FAILED, actor_name='=HYPERLINK("http://x")')
    text = to_csv([e])
    assert "'=HYPERLINK" in text


def test_audit_events_are_append_only(world):
    e = AuditEvent.objects.create(kind=AuditKind.REVIEW_VIEWED, actor=world.users["admin_a"], actor_name="admin_a")
    e.actor_name = "someone else"
    with pytest.raises(AppendOnlyError):
        e.save()
    with pytest.raises(AppendOnlyError):
        e.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(actor_name="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger is PostgreSQL's (set QMARK_TEST_DATABASE_URL)")
def test_postgresql_refuses_changes_to_the_audit_table(world):
    e = AuditEvent.objects.create(kind=AuditKind.REVIEW_VIEWED, actor_name="admin_a")
    from django.db import DatabaseError

    for sql in ("UPDATE reviews_auditevent SET actor_name = 'x' WHERE id = %s", "DELETE FROM reviews_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [e.pk])
