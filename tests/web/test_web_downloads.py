"""Downloads from the web app: the Word assessment, CSV (one review, and every assessed review),
the HTML report, PDF and the Word draft with comments; the same content as the command line,
with the assessors' judgements beside qmark's suggestions."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import docx
import pytest
from django.urls import reverse

from qmark.web.reviews.models import AuditEvent, AuditKind, Judgement, JudgementKind

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from docx_drafts import write_draft  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "dev"


def _rate(world, qid: str, value: str, comment: str = "") -> None:
    Judgement.objects.create(
        run=world.run, question=qid, kind=JudgementKind.RATING, value=value, comment=comment, user=world.users["assessor_a"]
    )


def _other(rating: str) -> str:
    return "not_met" if rating != "not_met" else "met"


def test_word_download_shows_assessor_rating_beside_suggestion(world, client_for):
    a = world.run.assessment
    _rate(world, "q2", _other(a.result("q2").rating), "Para 2.2 frames it as compliance.")
    c = client_for("reader_a", world)
    r = c.get(reverse("review-export", args=[world.review.pk, "docx"]))
    assert r.status_code == 200 and r["Content-Disposition"] == 'attachment; filename="qmark-ref-a.docx"'
    d = docx.Document(io.BytesIO(r.content))
    assert d.paragraphs[0].text == "Child M review (A)"
    rows = d.tables[0].rows
    assert rows[2].cells[3].text.startswith({"met": "Met", "not_met": "Not met"}[_other(a.result("q2").rating)])
    assert rows[1].cells[3].text == "Not yet confirmed"
    body = "\n".join(p.text for p in d.paragraphs)
    assert "1 of 11 ratings have been confirmed by an assessor" in body and "Para 2.2 frames it as compliance." in body
    assert "Ashbourne Vale Safeguarding Children Partnership, reference REF-a." in body
    assert AuditEvent.objects.filter(kind=AuditKind.REVIEW_EXPORTED, object="Word assessment").count() == 1


def test_html_and_csv_downloads_match_the_command_lines_content(world, client_for):
    from qmark.profile import load_profile
    from qmark.render import content, csvout, html

    c = client_for("assessor_a", world)
    page = c.get(reverse("review-export", args=[world.review.pk, "html"])).content.decode()
    cli = html.render(world.run.assessment, load_profile())
    # the same template and the same words: every area for development and strength appears in both
    built = content.build(world.run.assessment, load_profile())
    for p in built.areas + built.strengths:
        assert p.text.replace("'", "&#39;") in page and p.text.replace("'", "&#39;") in cli
    text = c.get(reverse("review-export", args=[world.review.pk, "csv"])).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["question id"] for r in rows] == [q.question for q in world.run.assessment.questions]
    assert rows[0]["review"] == "Child M review (A)" and rows[0]["reference"] == "REF-a"
    assert list(csv.reader(io.StringIO(csvout.to_csv([built]).lstrip("\ufeff"))))[0] == list(rows[0].keys())


def test_ratings_of_every_review_as_csv_one_row_per_review_and_question(world, client_for):
    a = world.run.assessment
    _rate(world, "q6", _other(a.result("q6").rating), "See para 3.8.")
    c = client_for("admin_a", world)
    r = c.get(reverse("reviews-csv"))
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 11  # organisation A's one assessed review; B's is never included
    q6 = next(r for r in rows if r["question id"] == "q6")
    assert q6["rating status"].startswith("Confirmed by the assessor") and q6["assessor's comment"] == "See para 3.8."
    assert {r["rating status"] for r in rows if r["question id"] != "q6"} == {"qmark's suggestion only (not confirmed)"}
    assert (
        client_for("admin_b", world).get(reverse("reviews-csv") + f"?review={world.review.pk}").content.decode("utf-8-sig").count("\n") == 1
    )  # header only: another organisation's review is not found
    assert client_for(None, world).get(reverse("reviews-csv")).status_code in (302, 403)


def test_pdf_download(world, client_for):
    from qmark.render import pdf

    if not pdf.available():
        pytest.skip("no PDF engine on this computer")
    r = client_for("reader_a", world).get(reverse("review-export", args=[world.review.pk, "pdf"]))
    assert r.status_code == 200 and r.content[:5] == b"%PDF-" and r["Content-Type"] == "application/pdf"


def test_commented_draft_for_a_word_report(world, client_for, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qmark.engine import assess
    from qmark.web.reviews import uploads
    from qmark.web.reviews.assessing import paragraph_index
    from qmark.web.reviews.models import AssessmentRun, DocumentRole, Review, RunStatus

    c = client_for("assessor_a", world)
    # a Markdown report has no Word draft to comment
    assert c.get(reverse("review-draft-comments", args=[world.review.pk])).status_code == 404
    draft = write_draft(CORPUS / "r02_systems_2016.md", tmp_path / "Child S draft 3.docx")
    review = Review.objects.create(organisation=world.org_a, title="Child S", reference="CS-3", created_by=world.users["admin_a"])
    doc = uploads.store(review, SimpleUploadedFile("Child S draft 3.docx", draft.read_bytes()), DocumentRole.REPORT, world.users["admin_a"])
    from qmark.ingest import read_report

    report = read_report(doc.path)
    a = assess(report)
    a.report.documents[0].name = "Child S draft 3"
    for q in a.questions:
        for e in q.evidence + q.counter_evidence:
            e.location.document = "Child S draft 3"
    for f in a.flags:
        if f.location:
            f.location.document = "Child S draft 3"
    import json

    run = AssessmentRun.objects.create(
        review=review,
        status=RunStatus.DONE,
        engine_version="test",
        assessment_json=a.model_dump_json(),
        paragraphs_json=json.dumps(paragraph_index(report)),
        documents=[{"id": doc.pk, "name": doc.original_name, "role": "report", "sha256": doc.sha256}],
    )
    Judgement.objects.create(run=run, question="q5", kind=JudgementKind.RATING, value="met", user=world.users["assessor_a"])
    page = c.get(reverse("review", args=[review.pk])).content.decode()
    assert reverse("review-draft-comments", args=[review.pk]) in page
    r = c.get(reverse("review-draft-comments", args=[review.pk]))
    assert r.status_code == 200 and r["Content-Disposition"] == 'attachment; filename="Child S draft 3 - qmark comments.docx"'
    d = docx.Document(io.BytesIO(r.content))
    ours = [x for x in d.comments if x.author == "qmark"]
    assert len(ours) >= 15
    assert any("the assessor rated it Met" in x.text and x.text.startswith("Question 5:") for x in ours)
    assert [p.text for p in d.paragraphs] == [p.text for p in docx.Document(str(draft)).paragraphs]
    assert AuditEvent.objects.filter(kind=AuditKind.REVIEW_EXPORTED, object="draft with comments (Word)").count() == 1
    # another organisation never finds it
    assert client_for("admin_b", world).get(reverse("review-draft-comments", args=[review.pk])).status_code == 404
