"""Assessing again keeps every human judgement: matched by paragraph to the new run and shown as
carried over, or listed for the assessor; never dropped. Stored work survives the migration."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import draft_targets, edited_assessment, judge, new_run, sample_assessment
from qmark.web.reviews import carryover, state
from qmark.web.reviews.models import AssessmentRun, AuditEvent, AuditKind, CarryOver, Judgement, JudgementKind


def _para(world, number):
    return next(p for p in world.run.paragraphs if p["id"] == number)


def test_matcher_by_text_number_and_similarity():
    paras = [
        {"index": 0, "id": "4.1", "location": {"paragraph": "4.1"}, "text": "The health visitor saw the family twice in March."},
        {"index": 1, "id": "4.2", "location": {"paragraph": "4.2"}, "text": "Nobody asked the father about his work or his drinking."},
        {
            "index": 2,
            "id": "4.3",
            "location": {"paragraph": "4.3"},
            "text": "The strategy discussion was held by telephone and lasted ten minutes only.",
        },
    ]
    m = carryover.Matcher(paras)
    same = {"index": 7, "id": "5.1", "location": {"paragraph": "5.1"}, "text": "the health visitor saw the family TWICE in March"}
    assert m.find(same) == (0, "text")  # renumbered but the same words
    edited = {
        "index": 1,
        "id": "4.2",
        "location": {"paragraph": "4.2"},
        "text": "Nobody asked the father about his work, his debts or his drinking.",
    }
    assert m.find(edited) == (1, "number")
    moved = {
        "index": 9,
        "id": "6.2",
        "location": {"paragraph": "6.2"},
        "text": "The strategy discussion was held by telephone and it lasted ten minutes only.",
    }
    assert m.find(moved) == (2, "similar")
    gone = {"index": 1, "id": "4.2", "location": {"paragraph": "4.2"}, "text": "The panel agreed its timetable in the spring."}
    assert m.find(gone) is None


def test_assess_again_asks_first_and_says_what_happens(world, client_for, django_capture_on_commit_callbacks):
    c = client_for("assessor_a", world)
    q6 = world.run.assessment.result("q6")
    judge(world.run, world.users["assessor_a"], "q6", JudgementKind.RATING, value=q6.rating)
    judge(world.run, world.users["assessor_a"], "q6", JudgementKind.EVIDENCE_ACCEPT, target=f"for:{q6.evidence[0].id}")
    runs = AssessmentRun.objects.filter(review=world.review).count()
    page = c.get(reverse("review-assess", args=[world.review.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Assess the review again?" in html and "1 rating" in html and "1 passage accepted or rejected" in html
    assert "Nothing is lost" in html
    assert AssessmentRun.objects.filter(review=world.review).count() == runs  # asking is not doing
    assert AuditEvent.objects.filter(kind=AuditKind.REASSESS_CONFIRMING).exists()
    overview = c.get(reverse("review", args=[world.review.pk])).content.decode()
    assert f'href="{reverse("review-assess", args=[world.review.pk])}"' in overview  # a link to the page, not a one-click form
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post(reverse("review-assess", args=[world.review.pk])).status_code == 302
    assert AssessmentRun.objects.filter(review=world.review).count() == runs + 1


def test_every_judgement_is_carried_over_or_listed(world, client_for):
    """A second draft: one evidence paragraph rewritten, one lightly edited, the rest unchanged."""
    c = client_for("assessor_a", world)
    me = world.users["assessor_a"]
    a = world.run.assessment
    rewrite, touch = draft_targets()
    q6 = a.result("q6")
    kept = next(e for e in q6.evidence if e.id not in (rewrite, touch))
    judge(
        world.run,
        me,
        "q6",
        JudgementKind.RATING,
        value="partly_met" if q6.rating != "partly_met" else "met",
        comment="Hindsight named, not managed.",
    )
    judge(world.run, me, "q6", JudgementKind.EVIDENCE_ACCEPT, target=f"for:{rewrite}")  # its paragraph is rewritten
    judge(world.run, me, "q6", JudgementKind.EVIDENCE_ACCEPT, target=f"for:{kept.id}")
    judge(world.run, me, "q2", JudgementKind.EVIDENCE_REJECT, target=f"for:{touch}")  # lightly edited
    added = world.run.paragraphs[12]
    judge(world.run, me, "q3", JudgementKind.EVIDENCE_ADD, target=f"para:{added['index']}", comment="Explains the workload.")
    judge(world.run, me, "q1", JudgementKind.RATING, value=a.result("q1").rating)
    before = list(Judgement.objects.filter(run=world.run).values_list("pk", "kind", "target", "value", "comment"))

    run2 = new_run(world.review, *edited_assessment(), note="Second draft")
    html = c.get(reverse("review", args=[world.review.pk])).content.decode()

    # the earlier run and its judgements are untouched
    assert list(Judgement.objects.filter(run=world.run).values_list("pk", "kind", "target", "value", "comment")) == before
    co = CarryOver.objects.get(run=run2)
    assert co.source_id == world.run.pk
    st = state.build(run2)
    q6n = st.question("q6")
    assert q6n.rating.comment == "Hindsight named, not managed." and q6n.rating.carried_from_id
    assert q6n.rating.user == me
    assert q6n.item(f"for:{kept.id}").status == "accepted"
    assert st.question("q2").item(f"for:{touch}").status == "rejected"
    assert carryover.carried_how(run2)[st.question("q2").item(f"for:{touch}").decision.pk] == "number"
    new_index = next(p["index"] for p in run2.paragraphs if carryover.normalise(p["text"]) == carryover.normalise(added["text"]))
    assert [i.paragraph["index"] for i in st.question("q3").added] == [new_index]
    assert st.question("q1").rating is not None
    # the rewritten paragraph cannot be matched: listed, with what it was, never dropped
    waiting = carryover.pending(run2)
    assert [(w.judgement.kind, w.judgement.target) for w in waiting] == [(JudgementKind.EVIDENCE_ACCEPT, f"for:{rewrite}")]
    assert "Some earlier judgements need your attention" in html and "not in the documents as they are now" in html
    assert _para(world, rewrite)["text"][:60] in html
    assert "Carried over" in c.get(reverse("question", args=[world.review.pk, "q6"])).content.decode()
    event = AuditEvent.objects.get(kind=AuditKind.JUDGEMENTS_CARRIED)
    assert event.detail["carried"] == 5 and event.detail["not_carried"] == 1 and event.actor_name == "qmark"

    # the assessor sets it aside; it stays in the history
    r = c.post(reverse("set-aside", args=[world.review.pk]), {"judgement": waiting[0].judgement.pk})
    assert r.status_code == 302 and r["Location"].endswith("#carried-over")
    assert carryover.pending(run2) == []
    assert Judgement.objects.filter(pk=waiting[0].judgement.pk).exists()
    assert AuditEvent.objects.filter(kind=AuditKind.JUDGEMENT_SET_ASIDE).count() == 1
    assert c.post(reverse("set-aside", args=[world.review.pk]), {"judgement": waiting[0].judgement.pk}).status_code == 404


def test_what_waits_is_tried_again_at_the_next_assessment(world, client_for):
    """A judgement not matched in draft 2 is carried into draft 3 if its paragraph is back."""
    me = world.users["assessor_a"]
    rewrite, _ = draft_targets()
    j = judge(world.run, me, "q6", JudgementKind.EVIDENCE_ACCEPT, target=f"for:{rewrite}")
    run2 = new_run(world.review, *edited_assessment())
    carryover.ensure(world.review)
    assert [w.judgement.pk for w in carryover.pending(run2)] == [j.pk]
    run3 = new_run(world.review, *sample_assessment())  # the paragraph is back as it was
    carryover.ensure(world.review)
    assert carryover.pending(run3) == []
    carried = state.build(run3).question("q6").item(f"for:{rewrite}")
    assert carried.status == "accepted" and carried.decision.carried_from_id == j.pk


def test_judgements_kept_by_earlier_versions_are_recovered(world, client_for):
    """Runs made before carry-over existed: on first view, judgements move forward run by run."""
    me = world.users["assessor_a"]
    judge(world.run, me, "q4", JudgementKind.RATING, value="met", comment="Strong.")
    run2 = new_run(world.review, *sample_assessment())
    judge(run2, me, "q5", JudgementKind.RATING, value="not_met", comment="Weak.")
    run3 = new_run(world.review, *sample_assessment())
    CarryOver.objects.all()._raw_delete(CarryOver.objects.db)  # as if stored by the previous version
    client_for("reader_a", world).get(reverse("reviews"))
    st = state.build(run3)
    assert st.question("q4").rating.comment == "Strong." and st.question("q5").rating.comment == "Weak."


def test_a_choice_made_on_a_page_from_before_the_new_assessment_is_not_misapplied(world, client_for):
    c = client_for("assessor_a", world)
    old_run = world.run
    target = f"for:{old_run.assessment.result('q6').evidence[0].id}"
    new_run(world.review, *edited_assessment())
    r = c.post(
        reverse("question-evidence", args=[world.review.pk, "q6"]), {"target": target, "decision": "accept", "run": old_run.pk}, follow=True
    )
    assert "qmark finished a new assessment of this review while you were working" in r.content.decode()
    assert not Judgement.objects.filter(kind=JudgementKind.EVIDENCE_ACCEPT).exists()


def test_history_of_runs_can_be_opened(world, client_for):
    me = world.users["assessor_a"]
    judge(world.run, me, "q4", JudgementKind.RATING, value="met", comment="Strong.")
    run2 = new_run(world.review, *edited_assessment(), note="Second draft")
    c = client_for("reader_a", world)
    html = c.get(reverse("runs", args=[world.review.pk])).content.decode()
    assert "Second draft" in html and "Current" in html and "1 carried" in html
    old = c.get(reverse("run", args=[world.review.pk, world.run.pk])).content.decode()
    assert "An earlier assessment, kept as it was" in old and "Strong." in old
    assert c.get(reverse("run", args=[world.review.pk, run2.pk])).status_code == 200
    assert c.get(reverse("run", args=[world.review.pk, 999999])).status_code == 404
    kinds = set(AuditEvent.objects.filter(actor_name="reader_a").values_list("kind", flat=True))
    assert {AuditKind.RUNS_VIEWED, AuditKind.RUN_VIEWED} <= kinds


@pytest.mark.django_db(transaction=True)
def test_stored_work_survives_the_migration(upload_dir):
    """A database at 0004 (before this change) with two runs and judgements on both; migrated, nothing is lost, and the
    judgements of the earlier run (which the old 'Assess again' left behind) are carried forward."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("reviews", "0004_run_failures")])
    old = executor.loader.project_state([("reviews", "0004_run_failures")]).apps
    User = old.get_model("auth", "User")
    Org, Review, Run, J = (old.get_model("reviews", n) for n in ("Organisation", "Review", "AssessmentRun", "Judgement"))
    user = User.objects.create(username="sam")
    org = Org.objects.create(name="Ashbourne Vale Safeguarding Children Partnership")
    review = Review.objects.create(organisation=org, title="Child M (stored)", profile="analysis")
    aj, pj = sample_assessment()
    run1 = Run.objects.create(review=review, status="done", assessment_json=aj, paragraphs_json=pj, profile_id="analysis")
    J.objects.create(run=run1, question="q3", kind="rating", value="not_met", comment="Describes, does not explain.", user=user)
    run2 = Run.objects.create(review=review, status="done", assessment_json=aj, paragraphs_json=pj, profile_id="analysis")
    J.objects.create(run=run2, question="q9", kind="rating", value="met", user=user)
    rows_before = sorted(J.objects.values_list("run_id", "question", "kind", "value", "comment"))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from qmark.web.reviews.models import Judgement as NewJ
    from qmark.web.reviews.models import Review as NewReview

    assert (
        sorted(NewJ.objects.filter(carried_from__isnull=True).values_list("run_id", "question", "kind", "value", "comment")) == rows_before
    )
    r = NewReview.objects.get(pk=review.pk)
    assert r.double_rating is False and r.first_assessor is None
    _, done = state.runs_of(r)
    assert done.pk == run2.pk
    st = state.build(done)
    assert st.question("q3").rating.comment == "Describes, does not explain."  # recovered from the first run
    assert st.question("q9").rating.value == "met"
