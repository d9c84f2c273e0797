"""Comparing two drafts: per question what changed, and which flagged passages were resolved,
remain or are new; the overview and the exports show the report-wide findings."""

from __future__ import annotations

import json

from django.urls import reverse

from conftest import NEW_HINDSIGHT, RESOLVED, draft_targets, edited_assessment, new_run
from qmark.web.reviews.models import AuditEvent, AuditKind


def test_draft_comparison(world, client_for):
    run2 = new_run(world.review, *edited_assessment(), note="Second draft")
    c = client_for("reader_a", world)
    r = c.get(reverse("drafts", args=[world.review.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Second draft" in html
    assert "1</strong> flagged passage resolved" in html and "1</strong> newly flagged" in html
    resolved = html.split("Resolved in the later version")[1].split("</ul>")[0]
    assert RESOLVED[:40] in resolved
    new = html.split("New in the later version")[1].split("</ul>")[0]
    assert NEW_HINDSIGHT[:40] in new
    rewrite, _ = draft_targets()
    gone = html.split('id="change-q6"')[1].split("</section>")[0]
    assert "No longer evidence" in gone and f"para {rewrite}" in gone and "no longer in the documents at all" in gone
    assert AuditEvent.objects.get(kind=AuditKind.DRAFTS_COMPARED).object == f"assessments {world.run.pk} and {run2.pk}"
    # chosen the other way round, the earlier is still the earlier
    html2 = c.get(reverse("drafts", args=[world.review.pk]), {"from": run2.pk, "to": world.run.pk}).content.decode()
    assert "1</strong> flagged passage resolved" in html2


def test_one_assessment_only_says_how_to_get_a_second(world, client_for):
    html = client_for("reader_a", world).get(reverse("drafts", args=[world.review.pk])).content.decode()
    assert "has been assessed only once" in html and "Upload a later draft" in html


def test_overview_and_exports_show_the_analysis_at_a_glance(world, client_for):
    c = client_for("reader_a", world)
    html = c.get(reverse("review", args=[world.review.pk])).content.decode()
    a = world.run.assessment
    assert "The analysis at a glance" in html and "Passages to look at" in html
    assert "hindsight-laden judgements" in html and f"{a.figures.explain_share:.0%}" in html
    flagged = next(f for f in a.flags if f.kind == "hindsight_judgement")
    assert flagged.quote[:50] in html
    data = json.loads(c.get(reverse("review-export", args=[world.review.pk, "json"])).content)
    glance = data["analysis_at_a_glance"]
    assert glance["figures"][0]["value"] == f"{a.figures.explain_share:.0%}"
    kinds = {g["kind"] for g in glance["passages_to_look_at"]}
    assert {"hindsight_judgement", "individual_explanation"} <= kinds
    exported = c.get(reverse("review-export", args=[world.review.pk, "html"])).content.decode()
    assert "The analysis at a glance" in exported and flagged.quote[:50] in exported


def test_exports_say_which_ratings_are_confirmed(world, client_for):
    c = client_for("assessor_a", world)
    q2 = world.run.assessment.result("q2")
    c.post(reverse("question-rate", args=[world.review.pk, "q2"]), {"rating": q2.rating})
    data = json.loads(c.get(reverse("review-export", args=[world.review.pk, "json"])).content)
    by = {q["question"]: q for q in data["questions"]}
    assert by["q2"]["confirmed"] is True and by["q2"]["final_rating"] == q2.rating and by["q2"]["final_source"] == "assessor"
    assert by["q1"]["confirmed"] is False and by["q1"]["final_rating"] is None and by["q1"]["suggested_rating"]
    assert data["confirmed_questions"] == 1 and data["qmark_export"] == "1.1"
    html = c.get(reverse("review-export", args=[world.review.pk, "html"])).content.decode()
    assert "1 of 11 ratings have been confirmed by an assessor" in html and html.count("(not confirmed)") >= 10
