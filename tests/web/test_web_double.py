"""Blind double rating: each assessor sees only their own judgements until both have submitted;
then a comparison, agreed ratings with a reason (append-only, audited), and agreement figures."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest
from django.urls import reverse

from conftest import judge, new_run, rate_everything, sample_assessment, set_double
from qmark.evaluate import metrics
from qmark.web.reviews import agreement, state
from qmark.web.reviews.models import AppendOnlyError, AuditEvent, AuditKind, Judgement, JudgementKind, Review

OTHER = {"met": "partly_met", "partly_met": "not_met", "not_met": "partly_met", "not_evidenced": "not_met"}


def _other(world, qid):
    return OTHER[world.run.assessment.result(qid).rating]


@pytest.fixture
def double(world):
    set_double(world.review, world.users["admin_a"], world.users["assessor_a"])
    return world


def test_only_the_two_named_assessors_rate_and_neither_sees_the_other(double, client_for):
    w = double
    admin, assessor = client_for("admin_a", w), client_for("assessor_a", w)
    q = "q3"
    r = admin.post(reverse("question-rate", args=[w.review.pk, q]), {"rating": _other(w, q), "comment": "ADMIN-SECRET-COMMENT"})
    assert r.status_code == 302
    target = f"for:{w.run.assessment.result(q).evidence[0].id}"
    assert admin.post(reverse("question-evidence", args=[w.review.pk, q]), {"target": target, "decision": "reject"}).status_code == 302
    page = assessor.get(reverse("question", args=[w.review.pk, q])).content.decode()
    assert "ADMIN-SECRET-COMMENT" not in page and "Rejected" not in page and "Rated blind" in page
    assert "Save your rating" in page  # the assessor can rate
    assert "ADMIN-SECRET-COMMENT" in admin.get(reverse("question", args=[w.review.pk, q])).content.decode()
    # the overview and the exports show nobody's blind ratings to anyone else
    for who in ("assessor_a", "reader_a"):
        c = client_for(who, w)
        assert "ADMIN-SECRET-COMMENT" not in c.get(reverse("review", args=[w.review.pk])).content.decode()
        data = json.loads(c.get(reverse("review-export", args=[w.review.pk, "json"])).content)
        assert data["judgements"] == [] and all(x["assessor_rating"] is None for x in data["questions"])
        assert "ADMIN-SECRET-COMMENT" not in c.get(reverse("review-export", args=[w.review.pk, "html"])).content.decode()
    # a read-only member still cannot rate
    reader = client_for("reader_a", w)
    assert reader.post(reverse("question-rate", args=[w.review.pk, q]), {"rating": _other(w, q), "comment": "x"}).status_code == 403


def test_someone_else_with_edit_rights_is_refused_while_blind(world, client_for):
    from django.contrib.auth import get_user_model

    from qmark.web.reviews.models import Membership

    third = get_user_model().objects.create_user("third_a", password="a long test password 1")
    Membership.objects.create(user=third, organisation=world.org_a, role="assessor")
    set_double(world.review, world.users["admin_a"], world.users["assessor_a"])
    c = client_for(None, world)
    c.force_login(third)
    r = c.post(reverse("question-rate", args=[world.review.pk, "q1"]), {"rating": _other(world, "q1"), "comment": "x"})
    assert r.status_code == 409 and "being rated blind by admin_a and assessor_a" in r.content.decode()
    assert not Judgement.objects.exists()


def test_submit_compare_and_moderate(double, client_for):
    w = double
    admin, assessor = client_for("admin_a", w), client_for("assessor_a", w)
    # submitting needs every question rated
    r = admin.post(reverse("submit", args=[w.review.pk]), {"action": "submit"}, follow=True)
    assert "Rate every question before you submit" in r.content.decode()
    rate_everything(w.run, w.users["admin_a"], vary={"q3": _other(w, "q3"), "q9": _other(w, "q9")})
    rate_everything(w.run, w.users["assessor_a"], vary={"q9": _other(w, "q9")})
    assert admin.post(reverse("submit", args=[w.review.pk]), {"action": "submit"}).status_code == 302
    # one submitted: still blind, nothing to compare; the admin can no longer change their ratings
    assert admin.get(reverse("compare", args=[w.review.pk])).status_code == 409
    assert admin.post(reverse("question-rate", args=[w.review.pk, "q1"]), {"rating": _other(w, "q1"), "comment": "x"}).status_code == 409
    # taking it back is allowed while the other has not submitted
    assert admin.post(reverse("submit", args=[w.review.pk]), {"action": "withdraw"}).status_code == 302
    assert admin.post(reverse("submit", args=[w.review.pk]), {"action": "submit"}).status_code == 302
    assert assessor.post(reverse("submit", args=[w.review.pk]), {"action": "submit"}).status_code == 302
    # the reader may not submit anything
    assert client_for("reader_a", w).post(reverse("submit", args=[w.review.pk]), {"action": "submit"}).status_code == 403

    page = client_for("reader_a", w).get(reverse("compare", args=[w.review.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "They gave the same rating to <strong>10 of 11</strong>" in html
    assert "admin_a reads it so" in html  # comments side by side once both have submitted
    assert "Record the agreed rating" not in html  # read-only: no moderation
    st = state.for_viewer(w.review, w.run, w.users["reader_a"])
    assert st.view == "pair" and [q.id for q in st.differing] == ["q3"]
    assert st.question("q9").final == _other(w, "q9")  # both gave the same: that is the agreed rating

    # completion waits for an agreed rating on q3
    r = assessor.post(reverse("review-complete", args=[w.review.pk]), {"action": "complete"}, follow=True)
    assert "Still to agree: question 3" in r.content.decode()
    # moderation needs a reason
    url = reverse("moderate", args=[w.review.pk, "q3"])
    r = assessor.post(url, {"q3-rating": "partly_met", "q3-reason": "  "})
    assert r.status_code == 400 and "Give the reason for the agreed rating" in r.content.decode()
    r = assessor.post(url, {"q3-rating": "partly_met", "q3-reason": "Para 6.4 explains the workload; the rest describes."})
    assert r.status_code == 302 and r["Location"].endswith("#q3")
    mod = Judgement.objects.get(kind=JudgementKind.MODERATE)
    assert (mod.value, mod.user.username) == ("partly_met", "assessor_a")
    with pytest.raises(AppendOnlyError):
        mod.delete()
    ev = AuditEvent.objects.get(kind=AuditKind.MODERATION_RECORDED)
    assert ev.detail == {"value": "partly_met", "differed": True} and ev.object == "question 3"
    assert assessor.post(reverse("review-complete", args=[w.review.pk]), {"action": "complete"}).status_code == 302
    st = state.for_viewer(w.review, w.run, w.users["reader_a"])
    assert st.complete and st.question("q3").final == "partly_met" and st.question("q3").final_source == "moderated"
    data = json.loads(client_for("reader_a", w).get(reverse("review-export", args=[w.review.pk, "json"])).content)
    q3 = next(q for q in data["questions"] if q["question"] == "q3")
    assert q3["final_rating"] == "partly_met" and q3["final_source"] == "moderated"
    assert q3["double_rating"]["moderation"]["reason"].startswith("Para 6.4")
    assert {k for k in AuditEvent.objects.values_list("kind", flat=True)} >= {
        AuditKind.RATINGS_SUBMITTED,
        AuditKind.SUBMISSION_WITHDRAWN,
        AuditKind.COMPARISON_VIEWED,
    }


def test_setting_up_double_rating(world, client_for):
    c = client_for("assessor_a", world)
    url = reverse("double-rating", args=[world.review.pk])
    assert "Blind double rating" in c.get(url).content.decode()
    r = c.post(
        url, {"double_rating": "yes", "first_assessor": world.users["assessor_a"].pk, "second_assessor": world.users["assessor_a"].pk}
    )
    assert r.status_code == 400 and "Choose two different assessors" in r.content.decode()
    # someone from another organisation, or a read-only member, cannot be chosen
    for bad in ("assessor_b", "reader_a"):
        r = c.post(url, {"double_rating": "yes", "first_assessor": world.users["assessor_a"].pk, "second_assessor": world.users[bad].pk})
        assert r.status_code == 400
    r = c.post(url, {"double_rating": "yes", "first_assessor": world.users["assessor_a"].pk, "second_assessor": world.users["admin_a"].pk})
    assert r.status_code == 302
    world.review.refresh_from_db()
    assert world.review.double_rating and world.review.second_assessor == world.users["admin_a"]
    assert AuditEvent.objects.get(kind=AuditKind.DOUBLE_RATING_CHANGED).detail == {
        "double_rating": True,
        "assessors": "assessor_a, admin_a",
    }
    # once one has submitted, double rating cannot be switched off
    rate_everything(world.run, world.users["admin_a"], submit=True)
    r = c.post(url, {"double_rating": "no"})
    assert r.status_code == 400 and "already submitted" in r.content.decode()


def test_blind_ratings_are_hidden_in_the_audit_log_until_both_submit(double, client_for):
    w = double
    assessor = client_for("assessor_a", w)
    assessor.post(reverse("question-rate", args=[w.review.pk, "q2"]), {"rating": _other(w, "q2"), "comment": "mine"})
    log = client_for("admin_a", w).get(reverse("audit")).content.decode()  # the admin is the other assessor
    assert "hidden while the review is rated blind" in log and f"Rating: {agreement.RATING_LABELS[_other(w, 'q2')]}" not in log
    rate_everything(w.run, w.users["admin_a"], submit=True)
    rate_everything(w.run, w.users["assessor_a"], submit=True)
    log = client_for("admin_a", w).get(reverse("audit")).content.decode()
    assert f"Rating: {agreement.RATING_LABELS[_other(w, 'q2')]}" in log


def test_agreement_statistics_match_an_independent_implementation():
    """Reference values from irrCAC 0.4.4 (Gwet's own formulas) on the same 20 pairs."""
    pairs = [
        ("met", "met"), ("met", "partly_met"), ("partly_met", "partly_met"), ("not_met", "not_evidenced"), ("not_evidenced", "not_evidenced"),
        ("met", "met"), ("partly_met", "met"), ("not_met", "not_met"), ("partly_met", "not_met"), ("met", "met"),
        ("not_evidenced", "not_evidenced"), ("partly_met", "partly_met"), ("met", "not_met"), ("partly_met", "partly_met"), ("met", "met"),
        ("not_evidenced", "partly_met"), ("met", "met"), ("partly_met", "partly_met"), ("not_met", "not_met"), ("met", "partly_met"),
    ]  # fmt: skip
    assert metrics.exact_agreement(pairs) == pytest.approx(0.65)
    assert metrics.gwet_ac1(pairs) == pytest.approx(0.53973, abs=1e-5)
    assert metrics.quadratic_kappa(pairs) == pytest.approx(0.66912, abs=1e-5)
    assert metrics.gwet_ac1([("met", "met")] * 5) == pytest.approx(1.0)


def _double_review(world, title, vary_second):
    r = Review.objects.create(organisation=world.org_a, title=title, created_by=world.users["admin_a"])
    run = new_run(r, *sample_assessment())
    set_double(r, world.users["admin_a"], world.users["assessor_a"])
    rate_everything(run, world.users["admin_a"], submit=True)
    rate_everything(run, world.users["assessor_a"], vary=vary_second, submit=True)
    return r


def test_agreement_page_and_csv(world, client_for):
    c = client_for("reader_a", world)
    assert "No double-rated reviews yet" in c.get(reverse("agreement")).content.decode()
    reviews = [
        _double_review(world, f"Child {n}", {f"q{i}": OTHER[world.run.assessment.result(f"q{i}").rating] for i in range(1, n)})
        for n in (1, 3, 5, 7)
    ]
    rb = Review.objects.create(organisation=world.org_b, title="Westmarch child", created_by=world.users["admin_b"])
    set_double(rb, world.users["admin_b"], world.users["assessor_b"])  # another organisation's never counts
    html = c.get(reverse("agreement")).content.decode()
    assert "Across 4 reviews (44 paired ratings)" in html and "Westmarch" not in html
    a = agreement.compute(agreement.pairings(world.org_a))
    assert a.figures[0].value == pytest.approx((11 + 9 + 7 + 5) / 44)
    for f in a.figures:
        assert f.has_interval and f.low <= f.value <= f.high
    assert "bootstrap" in html and "95% confidence interval" in html and "fewer than 5 reviews" in html
    # a chosen set
    html = c.get(reverse("agreement"), {"review": [reviews[0].pk, reviews[1].pk]}).content.decode()
    assert "Across 2 reviews (22 paired ratings)" in html
    r = c.get(reverse("agreement-csv"), {"review": [reviews[0].pk, reviews[1].pk]})
    assert r["Content-Type"].startswith("text/csv") and "attachment" in r["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    figures = {row[1]: row for row in rows if row[0] == "figure"}
    assert float(figures["Percentage agreement"][2]) == pytest.approx(20 / 22, abs=1e-4)
    assert set(figures) == {"Percentage agreement", "Weighted kappa (quadratic)", "Gwet's AC1"}
    assert all(figures[k][3] and figures[k][4] for k in figures)
    assert sum(1 for row in rows if row[0] == "review") == 2
    assert AuditEvent.objects.filter(kind=AuditKind.AGREEMENT_EXPORTED, actor_name="reader_a").exists()
    # one review alone: no interval, and the page says why
    one = agreement.compute(agreement.pairings(world.org_a)[:1])
    assert not one.figures[0].has_interval and not math.isnan(one.figures[0].value)


def test_moderation_is_refused_before_both_submit(double, client_for):
    w = double
    rate_everything(w.run, w.users["admin_a"], submit=True)
    r = client_for("assessor_a", w).post(reverse("moderate", args=[w.review.pk, "q1"]), {"q1-rating": "met", "q1-reason": "x"})
    assert r.status_code == 409
    assert not Judgement.objects.filter(kind=JudgementKind.MODERATE).exists()


def test_double_rating_carries_over_per_assessor(double, client_for):
    w = double
    rate_everything(w.run, w.users["admin_a"], vary={"q2": _other(w, "q2")}, submit=True)
    judge(w.run, w.users["assessor_a"], "q2", JudgementKind.RATING, value=w.run.assessment.result("q2").rating)
    run2 = new_run(w.review, *sample_assessment())
    client_for("reader_a", w).get(reverse("review", args=[w.review.pk]))
    admin_view = state.for_viewer(w.review, run2, w.users["admin_a"])
    mine = state.for_viewer(w.review, run2, w.users["assessor_a"])
    assert admin_view.view == "blind" and w.users["admin_a"].pk in admin_view.submissions
    assert admin_view.question("q2").rating.value == _other(w, "q2")
    assert mine.rated == 1 and mine.question("q2").rating.value == w.run.assessment.result("q2").rating
