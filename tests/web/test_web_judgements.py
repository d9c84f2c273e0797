"""Human judgements: separate, append-only records that point at the engine's suggestion."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from qmark.web.reviews import state
from qmark.web.reviews.models import AppendOnlyError, AuditEvent, AuditKind, Judgement, JudgementKind


def _rate(c, world, q, rating, comment=""):
    return c.post(reverse("question-rate", args=[world.review.pk, q]), {"rating": rating, "comment": comment})


def test_rating_that_differs_needs_a_comment(world, client_for):
    c = client_for("assessor_a", world)
    suggested = world.run.assessment.result("q1").rating
    other = "not_evidenced" if suggested != "not_evidenced" else "met"
    r = _rate(c, world, "q1", other)
    assert r.status_code == 400
    html = r.content.decode()
    assert "There is a problem" in html and "Explain why" in html
    assert 'aria-invalid="true"' in html
    assert not Judgement.objects.exists()
    r = _rate(c, world, "q1", other, "Nothing in the report shows the commissioners' understanding.")
    assert r.status_code == 302
    j = Judgement.objects.get()
    assert (j.kind, j.question, j.value, j.user.username) == (JudgementKind.RATING, "q1", other, "assessor_a")


def test_agreeing_with_the_suggestion_needs_no_comment(world, client_for):
    c = client_for("assessor_a", world)
    suggested = world.run.assessment.result("q2").rating
    assert _rate(c, world, "q2", suggested).status_code == 302
    assert Judgement.objects.get().comment == ""


def test_no_rating_is_chosen_for_the_assessor(world, client_for):
    html = client_for("assessor_a", world).get(reverse("question", args=[world.review.pk, "q1"])).content.decode()
    assert "checked" not in html.split('id="your-rating"')[1].split("</form>")[0]


def test_suggestion_is_never_overwritten_and_latest_judgement_counts(world, client_for):
    c = client_for("assessor_a", world)
    stored = world.run.assessment_json
    suggested = world.run.assessment.result("q3").rating
    _rate(c, world, "q3", "met" if suggested != "met" else "partly_met", "First view.")
    _rate(c, world, "q3", "not_met" if suggested != "not_met" else "partly_met", "Second view, after reading 6.4.")
    world.run.refresh_from_db()
    assert world.run.assessment_json == stored
    st = state.build(world.run)
    q = st.question("q3")
    assert q.suggested == suggested
    assert q.rating.comment == "Second view, after reading 6.4."
    assert len(q.history) == 2  # both kept


def test_evidence_accept_reject_and_add(world, client_for):
    c = client_for("assessor_a", world)
    q = world.run.assessment.result("q6")
    url = reverse("question-evidence", args=[world.review.pk, "q6"])
    target = f"for:{q.evidence[0].id}"
    assert c.post(url, {"target": target, "decision": "accept"}).status_code == 302
    assert c.post(url, {"target": target, "decision": "reject"}).status_code == 302
    assert c.post(url, {"target": "for:no-such", "decision": "accept"}).status_code == 404
    para = world.run.paragraphs[10]
    add = reverse("question-add-evidence", args=[world.review.pk, "q6"])
    assert c.post(add, {"paragraph": para["index"]}).status_code == 302
    st = state.build(world.run).question("q6")
    assert st.item(target).status == state.REJECTED
    assert [i.paragraph["index"] for i in st.added] == [para["index"]]
    assert c.post(url, {"target": f"para:{para['index']}", "decision": "withdraw"}).status_code == 302
    assert state.build(world.run).question("q6").added == []
    page = c.get(reverse("question", args=[world.review.pk, "q6"])).content.decode()
    assert "Rejected" in page


def test_add_evidence_search(world, client_for):
    c = client_for("assessor_a", world)
    url = reverse("question-add-evidence", args=[world.review.pk, "q6"])
    html = c.get(url, {"q": "hindsight"}).content.decode()
    assert "hindsight" in html.lower()
    assert "Add as evidence" in html
    assert "No paragraph matches" in c.get(url, {"q": "zzzzqqq"}).content.decode()


def test_question_page_shows_evidence_in_context_and_guidance(world, client_for):
    html = client_for("reader_a", world).get(reverse("question", args=[world.review.pk, "q6"])).content.decode()
    q = world.run.assessment.result("q6")
    assert "<mark>" in html
    assert q.evidence[0].location.label.split(" (")[0] in html
    assert "Guidance for this question" in html and "What good looks like" in html
    assert "Save your rating" not in html  # read-only: no form


def rate_all(c, world, review=None, run=None):
    """Agree with qmark's suggestion on every question (an explicit, recorded agreement)."""
    review, run = review or world.review, run or world.run
    for q in run.assessment.questions:
        assert c.post(reverse("question-rate", args=[review.pk, q.question]), {"rating": q.rating}).status_code == 302


def test_complete_needs_every_question_confirmed(world, client_for):
    c = client_for("assessor_a", world)
    _rate(c, world, "q2", world.run.assessment.result("q2").rating)
    r = c.post(reverse("review-complete", args=[world.review.pk]), {"action": "complete"}, follow=True)
    assert not state.build(world.run).complete
    page = r.content.decode()
    assert "cannot be marked complete" in page and "Still to rate: questions 1, 3, 4" in page
    rate_all(c, world)
    assert c.post(reverse("review-complete", args=[world.review.pk]), {"action": "complete"}).status_code == 302
    assert state.build(world.run).complete


def test_complete_locks_and_reopen_unlocks(world, client_for):
    c = client_for("assessor_a", world)
    rate_all(c, world)
    assert c.post(reverse("review-complete", args=[world.review.pk]), {"action": "complete"}).status_code == 302
    assert state.build(world.run).complete
    suggested = world.run.assessment.result("q1").rating
    assert _rate(c, world, "q1", suggested).status_code == 409
    assert c.post(reverse("review-complete", args=[world.review.pk]), {"action": "reopen"}).status_code == 302
    assert _rate(c, world, "q1", suggested).status_code == 302
    kinds = list(Judgement.objects.values_list("kind", flat=True))
    assert kinds == ["rating"] * 11 + ["complete", "reopen", "rating"]


def test_judgements_are_append_only(world):
    j = Judgement.objects.create(run=world.run, question="q1", kind=JudgementKind.RATING, value="met", user=world.users["assessor_a"])
    j.value = "not_met"
    with pytest.raises(AppendOnlyError):
        j.save()
    with pytest.raises(AppendOnlyError):
        j.delete()
    with pytest.raises(AppendOnlyError):
        Judgement.objects.filter(pk=j.pk).update(value="not_met")
    with pytest.raises(AppendOnlyError):
        Judgement.objects.all().delete()
    assert Judgement.objects.get(pk=j.pk).value == "met"


def test_export_json_keeps_suggestion_and_judgement_apart(world, client_for):
    c = client_for("assessor_a", world)
    suggested = world.run.assessment.result("q1").rating
    other = "not_met" if suggested != "not_met" else "met"
    _rate(c, world, "q1", other, "Differs: see para 2.2.")
    r = c.get(reverse("review-export", args=[world.review.pk, "json"]))
    assert r["Content-Disposition"].startswith("attachment;")
    data = json.loads(r.content)
    q1 = data["questions"][0]
    assert (q1["suggested_rating"], q1["assessor_rating"], q1["final_rating"], q1["comment"]) == (
        suggested,
        other,
        other,
        "Differs: see para 2.2.",
    )
    assert data["assessment"]["questions"][0]["rating"] == suggested
    assert data["assessment_run"]["engine_version"] == "test"
    assert data["judgements"][0]["by"] == "assessor_a"
    html = c.get(reverse("review-export", args=[world.review.pk, "html"])).content.decode()
    assert "Differs: see para 2.2." in html and "<style>" in html
    assert 'src="http' not in html and 'href="http' not in html  # self-contained
    assert AuditEvent.objects.filter(kind=AuditKind.REVIEW_EXPORTED).count() == 2
