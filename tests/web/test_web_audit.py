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


def test_new_pages_and_actions_are_audited_without_report_text(world, client_for):
    """Assess-again, history, double rating, comparison, moderation, agreement and version
    comparison each leave a record; none holds a comment, a reason or report text."""
    from conftest import edited_assessment, new_run, rate_everything

    pk = world.review.pk
    admin = client_for("admin_a", world)
    admin.get(reverse("review-assess", args=[pk]))
    admin.post(
        reverse("double-rating", args=[pk]),
        {"double_rating": "yes", "first_assessor": world.users["admin_a"].pk, "second_assessor": world.users["assessor_a"].pk},
    )
    rate_everything(world.run, world.users["admin_a"], vary={"q2": "not_evidenced"})
    rate_everything(world.run, world.users["assessor_a"])
    admin.post(reverse("submit", args=[pk]), {"action": "submit"})
    client_for("assessor_a", world).post(reverse("submit", args=[pk]), {"action": "submit"})
    admin.get(reverse("compare", args=[pk]))
    reason = "SECRET-REASON the panel's minutes show challenge"
    admin.post(reverse("moderate", args=[pk, "q2"]), {"q2-rating": "partly_met", "q2-reason": reason})
    admin.get(reverse("agreement"))
    admin.get(reverse("agreement-csv"))
    new_run(world.review, *edited_assessment())
    admin.get(reverse("runs", args=[pk]))
    admin.get(reverse("run", args=[pk, world.run.pk]))
    admin.get(reverse("drafts", args=[pk]))
    kinds = set(AuditEvent.objects.values_list("kind", flat=True))
    assert {
        AuditKind.REASSESS_CONFIRMING,
        AuditKind.DOUBLE_RATING_CHANGED,
        AuditKind.RATINGS_SUBMITTED,
        AuditKind.COMPARISON_VIEWED,
        AuditKind.MODERATION_RECORDED,
        AuditKind.AGREEMENT_VIEWED,
        AuditKind.AGREEMENT_EXPORTED,
        AuditKind.JUDGEMENTS_CARRIED,
        AuditKind.RUNS_VIEWED,
        AuditKind.RUN_VIEWED,
        AuditKind.DRAFTS_COMPARED,
    } <= kinds
    everything = " ".join(f"{e.object} {e.detail} {e.review_title}" for e in AuditEvent.objects.all())
    assert "SECRET-REASON" not in everything and "reads it so" not in everything
    sentences = [s.strip() for s in sample_path().read_text().split(".") if len(s.strip()) > 40]
    assert not any(s[:40] in everything for s in sentences)
    page = admin.get(reverse("audit")).content.decode()
    assert "Agreed rating recorded" in page and "Judgements carried over" in page
