"""The permission matrix: every view, for every role, for a second organisation, for someone
signed in without an organisation, and for nobody signed in.

A review of another organisation is never found (404, never 403); within the organisation the
role decides (403 when it does not allow the action)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qmark.web.reviews.models import Document, Judgement, Review

ROLES = {"admin_a": "admin", "assessor_a": "assessor", "reader_a": "read_only"}
ALLOWED = {  # what each role may do (see qmark.web.reviews.roles.Role)
    "view": {"admin", "assessor", "read_only"},
    "edit": {"admin", "assessor"},
    "delete": {"admin"},
    "admin": {"admin"},
}


def _ev_target(world):
    q = world.run.assessment.questions[0]
    return f"for:{q.evidence[0].id}"


# name, method, url(world), data(world), need, review-scoped, status on success
ENDPOINTS = [
    ("review list", "get", lambda w: reverse("reviews"), None, "view", False, 200),
    ("new review form", "get", lambda w: reverse("review-create"), None, "edit", False, 200),
    ("create review", "post", lambda w: reverse("review-create"), "new_review", "edit", False, 302),
    ("review overview", "get", lambda w: reverse("review", args=[w.review.pk]), None, "view", True, 200),
    ("progress", "get", lambda w: reverse("review-progress", args=[w.review.pk]), None, "view", True, 200),
    ("edit form", "get", lambda w: reverse("review-edit", args=[w.review.pk]), None, "edit", True, 200),
    (
        "edit details",
        "post",
        lambda w: reverse("review-edit", args=[w.review.pk]),
        lambda w: {"title": "Renamed", "reference": "", "review_type": "scr", "report_date": ""},
        "edit",
        True,
        302,
    ),
    ("delete form", "get", lambda w: reverse("review-delete", args=[w.review.pk]), None, "delete", True, 200),
    ("delete review", "post", lambda w: reverse("review-delete", args=[w.review.pk]), {}, "delete", True, 302),
    ("assess again", "post", lambda w: reverse("review-assess", args=[w.review.pk]), {}, "edit", True, 302),
    ("mark complete", "post", lambda w: reverse("review-complete", args=[w.review.pk]), {"action": "complete"}, "edit", True, 302),
    ("documents page", "get", lambda w: reverse("documents", args=[w.review.pk]), None, "edit", True, 200),
    ("upload documents", "post", lambda w: reverse("documents", args=[w.review.pk]), "upload", "edit", True, 302),
    ("delete document", "post", lambda w: reverse("document-delete", args=[w.review.pk, w.reviews["a"][3].pk]), {}, "edit", True, 302),
    ("question page", "get", lambda w: reverse("question", args=[w.review.pk, "q1"]), None, "view", True, 200),
    (
        "rate a question",
        "post",
        lambda w: reverse("question-rate", args=[w.review.pk, "q1"]),
        lambda w: {"rating": "not_met", "comment": "The terms of reference say nothing about analysis."},
        "edit",
        True,
        302,
    ),
    (
        "accept evidence",
        "post",
        lambda w: reverse("question-evidence", args=[w.review.pk, "q1"]),
        lambda w: {"target": _ev_target(w), "decision": "accept"},
        "edit",
        True,
        302,
    ),
    ("add-evidence page", "get", lambda w: reverse("question-add-evidence", args=[w.review.pk, "q1"]), None, "edit", True, 200),
    (
        "add evidence",
        "post",
        lambda w: reverse("question-add-evidence", args=[w.review.pk, "q1"]),
        lambda w: {"paragraph": str(w.run.paragraphs[5]["index"])},
        "edit",
        True,
        302,
    ),
    ("export HTML", "get", lambda w: reverse("review-export", args=[w.review.pk, "html"]), None, "view", True, 200),
    ("export JSON", "get", lambda w: reverse("review-export", args=[w.review.pk, "json"]), None, "view", True, 200),
    ("export Word", "get", lambda w: reverse("review-export", args=[w.review.pk, "docx"]), None, "view", True, 200),
    ("export CSV", "get", lambda w: reverse("review-export", args=[w.review.pk, "csv"]), None, "view", True, 200),
    ("ratings of all reviews (CSV)", "get", lambda w: reverse("reviews-csv"), None, "view", False, 200),
    ("assess-again page", "get", lambda w: reverse("review-assess", args=[w.review.pk]), None, "edit", True, 200),
    ("assessment history", "get", lambda w: reverse("runs", args=[w.review.pk]), None, "view", True, 200),
    ("earlier assessment", "get", lambda w: reverse("run", args=[w.review.pk, w.run.pk]), None, "view", True, 200),
    ("set aside", "post", lambda w: reverse("set-aside", args=[w.review.pk]), lambda w: {"judgement": w.waiting}, "edit", True, 302),
    ("double rating form", "get", lambda w: reverse("double-rating", args=[w.review.pk]), None, "edit", True, 200),
    (
        "set up double rating",
        "post",
        lambda w: reverse("double-rating", args=[w.review.pk]),
        lambda w: {"double_rating": "yes", "first_assessor": w.users["admin_a"].pk, "second_assessor": w.users["assessor_a"].pk},
        "edit",
        True,
        302,
    ),
    ("submit ratings", "post", lambda w: reverse("submit", args=[w.review.pk]), {"action": "submit"}, "edit", True, 302),
    ("compare ratings", "get", lambda w: reverse("compare", args=[w.review.pk]), None, "view", True, 200),
    (
        "record agreed rating",
        "post",
        lambda w: reverse("moderate", args=[w.review.pk, "q1"]),
        {"q1-rating": "met", "q1-reason": "Agreed at the moderation meeting."},
        "edit",
        True,
        302,
    ),
    ("compare versions", "get", lambda w: reverse("drafts", args=[w.review.pk]), None, "view", True, 200),
    ("agreement", "get", lambda w: reverse("agreement"), None, "view", False, 200),
    ("agreement CSV", "get", lambda w: reverse("agreement-csv"), None, "view", False, 200),
    ("audit log", "get", lambda w: reverse("audit"), None, "admin", False, 200),
    ("audit CSV", "get", lambda w: reverse("audit-csv"), None, "admin", False, 200),
]
ACTORS = ["anonymous", "nomember", "admin_a", "assessor_a", "reader_a", "admin_b"]


def _waiting(w):
    """An earlier judgement that could not be carried over: the review was assessed again with a
    different report."""
    from conftest import edited_assessment, judge, new_run
    from qmark.web.reviews import carryover

    target = f"for:{w.run.assessment.result('q6').evidence[0].id}"
    judge(w.run, w.users["assessor_a"], "q6", "evidence_accept", target=target)
    run2 = new_run(w.review, *edited_assessment())
    carryover.ensure(w.review)
    w.waiting = carryover.pending(run2)[0].judgement.pk


def _double(w, submitted: int):
    from conftest import rate_everything, set_double

    set_double(w.review, w.users["admin_a"], w.users["assessor_a"])
    for name in ("admin_a", "assessor_a")[:submitted]:
        rate_everything(w.run, w.users[name], submit=True)
    if submitted == 0:  # each named assessor could submit, if it is them
        for name in ("admin_a", "assessor_a"):
            rate_everything(w.run, w.users[name])


PREPARE = {  # what the world needs for the action to be possible at all
    "set aside": _waiting,
    "submit ratings": lambda w: _double(w, 0),
    "compare ratings": lambda w: _double(w, 2),
    "record agreed rating": lambda w: _double(w, 2),
}
DOUBLE_ONLY = {"submit ratings"}  # only the two named assessors may, whatever their role


def _data(spec, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if spec == "new_review":
        return {
            "title": "Child Q",
            "reference": "",
            "review_type": "lcspr",
            "report_date": "",
            "report": SimpleUploadedFile("child_q.md", b"# Child Q\n\n1.1 A paragraph of the report.\n"),
        }
    if spec == "upload":
        return {"working": SimpleUploadedFile("minutes.txt", b"Panel minutes.\n\nWe discussed hindsight.\n")}
    return spec(world) if callable(spec) else spec


def expected(actor: str, need: str, scoped: bool, ok: int) -> int:
    if actor == "anonymous":
        return 302  # to the sign-in page
    if actor == "nomember":
        return 403
    if scoped and actor.endswith("_b"):
        return 404  # another organisation's review does not exist for them
    role = ROLES.get(actor, "admin")
    return ok if role in ALLOWED[need] else 403


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_permission_matrix(endpoint, actor, world, client_for, django_capture_on_commit_callbacks):
    name, method, url, data, need, scoped, ok = endpoint
    client = client_for(None if actor == "anonymous" else actor, world)
    if name in PREPARE:
        PREPARE[name](world)
    payload = _data(data, world) if method == "post" else None
    before = Review.objects.count(), Judgement.objects.count(), Document.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client, method)(url(world), payload)
    want = expected(actor, need, scoped, ok)
    assert response.status_code == want, f"{name} as {actor}: {response.status_code}, expected {want}"
    if actor == "anonymous":
        assert response["Location"].startswith(reverse("signin"))
    if want in (403, 404) or actor == "anonymous":
        # a refused request changes nothing
        assert (Review.objects.count(), Judgement.objects.count(), Document.objects.count()) == before
        assert Review.objects.filter(pk=world.review.pk, title="Child M review (A)").exists()


@pytest.mark.parametrize("actor", ["admin_a", "assessor_a", "reader_a", "admin_b", "assessor_b"])
def test_lists_show_only_own_organisation(actor, world, client_for):
    html = client_for(actor, world).get(reverse("reviews")).content.decode()
    own, other = ("A", "B") if actor.endswith("_a") else ("B", "A")
    assert f"Child M review ({own})" in html
    assert f"Child M review ({other})" not in html


def test_other_organisation_sees_its_own_review(world, client_for):
    r_b = world.reviews["b"][0]
    assert client_for("admin_b", world).get(reverse("review", args=[r_b.pk])).status_code == 200
    assert client_for("admin_a", world).get(reverse("review", args=[r_b.pk])).status_code == 404


def test_missing_review_is_404_like_another_organisations(world, client_for):
    c = client_for("admin_a", world)
    assert c.get(reverse("review", args=[999999])).status_code == 404
    assert c.get(reverse("question", args=[world.review.pk, "q99"])).status_code == 404


def test_audit_log_shows_only_own_organisation(world, client_for):
    client_for("admin_b", world).get(reverse("review", args=[world.reviews["b"][0].pk]))
    html = client_for("admin_a", world).get(reverse("audit")).content.decode()
    assert "Child M review (B)" not in html
    csv = client_for("admin_a", world).get(reverse("audit-csv")).content.decode()
    assert "Child M review (B)" not in csv


def test_disabled_user_is_signed_out(world, client_for):
    c = client_for("assessor_a", world)
    assert c.get(reverse("reviews")).status_code == 200
    u = world.users["assessor_a"]
    u.is_active = False
    u.save()
    assert c.get(reverse("reviews")).status_code == 302
