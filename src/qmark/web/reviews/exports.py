"""A review's summary for people outside qmark: JSON (machine-readable, with the engine's
Assessment exactly as stored and every human judgement), and the same outputs as the command line
(HTML report, Word assessment, PDF, CSV, the draft with Word comments) made by qmark.render from
the same records, with the assessors' judgements beside qmark's suggestions."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from django.utils import timezone
from django.utils.text import slugify

from qmark.profile import load_profile
from qmark.render import comments, csvout, html, pdf, word
from qmark.render.assessor import AddedEvidence, AssessorJudgements, AssessorRating
from qmark.render.content import Content
from qmark.render.content import build as build_content
from qmark.web.reviews.findings import at_a_glance
from qmark.web.reviews.state import ReviewState

EXPORT_VERSION = "1.1"  # 1.1: final_rating null until confirmed, confirmed and final_source; findings; double rating


def _who(j) -> dict | None:
    return {"by": j.user.get_username(), "at": j.created.isoformat()} if j else None


def _double(q) -> dict | None:
    """Both assessors' ratings and the agreed one, for a double-rated review once both submitted."""
    if not q.pair:
        return None
    mod = q.moderation
    return {
        "ratings": [{"by": j.user.get_username(), "rating": j.value, "comment": j.comment} for j in q.pair if j],
        "agreed": q.agreed,
        "moderation": {"rating": mod.value, "reason": mod.comment, **(_who(mod) or {})} if mod else None,
    }


def summary(review, st: ReviewState, exported_by) -> dict:
    glance = at_a_glance(st.assessment, review.profile)
    questions = []
    for q in st.questions:
        r = q.result

        def item(i):
            return {"id": i.evidence.id, "location": i.label, "quote": i.evidence.quote, "decision": i.status, "decided": _who(i.decision)}

        questions.append(
            {
                "question": r.question,
                "number": r.number,
                "short": r.short,
                "text": r.text,
                "suggested_rating": r.rating,
                "confidence": r.confidence,
                "needs_human_read": r.needs_human_read,
                "assessor_rating": q.rating.value if q.rating else None,
                "final_rating": q.final,  # None until an assessor (or, double-rated, the agreement) confirms it
                "confirmed": q.confirmed,
                "final_source": q.final_source,  # assessor, agreed, moderated, or None: only qmark's suggestion
                "comment": q.rating.comment if q.rating else "",
                "rated": _who(q.rating),
                "double_rating": _double(q),
                "evidence": [item(i) for i in q.evidence],
                "counter_evidence": [item(i) for i in q.counter],
                "added_evidence": [
                    {
                        "id": (i.paragraph or {}).get("id"),
                        "location": i.label,
                        "text": (i.paragraph or {}).get("text", ""),
                        "added": _who(i.decision),
                        "comment": i.decision.comment if i.decision else "",
                    }
                    for i in q.added
                ],
            }
        )
    return {
        "qmark_export": EXPORT_VERSION,
        "exported": timezone.now().replace(microsecond=0).isoformat(),
        "exported_by": exported_by.get_username(),
        "review": {
            "id": review.pk,
            "title": review.title,
            "reference": review.reference,
            "type": review.review_type,
            "type_label": review.get_review_type_display(),
            "report_date": review.report_date.isoformat() if review.report_date else None,
            "organisation": review.organisation.name,
        },
        "status": "complete" if st.complete else "in_review",
        "confirmed_questions": st.confirmed,
        "rating": (
            {"mode": "double_blind", "assessors": [u.get_username() for u in review.assessors], "both_submitted": st.view == "pair"}
            if review.double_rating
            else {"mode": "single"}
        ),
        "analysis_at_a_glance": glance.as_dict() if glance else None,
        "completed": _who(st.completion) if st.complete else None,
        "assessment_run": {
            "id": st.run.pk,
            "engine_version": st.run.engine_version,
            "config_hash": st.run.config_hash,
            "finished": st.run.finished.isoformat() if st.run.finished else None,
            "documents": st.run.documents,
        },
        "questions": questions,
        "judgements": [
            {
                "question": j.question,
                "kind": j.kind,
                "target": j.target,
                "value": j.value,
                "comment": j.comment,
                "by": j.user.get_username(),
                "at": j.created.isoformat(),
            }
            for q in st.questions
            for j in q.history
        ]
        + (
            [
                {
                    "question": "",
                    "kind": st.completion.kind,
                    "target": "",
                    "value": "",
                    "comment": st.completion.comment,
                    "by": st.completion.user.get_username(),
                    "at": st.completion.created.isoformat(),
                }
            ]
            if st.completion
            else []
        ),
        "assessment": json.loads(st.run.assessment_json),
    }


def to_json(review, st: ReviewState, user) -> str:
    return json.dumps(summary(review, st, user), indent=2, ensure_ascii=False)


def judgements_of(review, st: ReviewState, user) -> AssessorJudgements:
    """The assessors' current judgements, as the shared renderers take them."""

    def when(j) -> str:
        return j.created.isoformat() if j else ""

    ratings = {
        q.id: AssessorRating(rating=q.rating.value, by=q.rating.user.get_username(), at=when(q.rating), comment=q.rating.comment)
        for q in st.questions
        if q.rating is not None and not q.double
    }
    for q in st.questions:  # a double-rated review: the agreed rating, once there is one
        if q.double and q.final is not None and q.pair:
            j = q.moderation or q.pair[0]
            names = " and ".join(p.user.get_username() for p in q.pair if p)
            by = f"{names}, moderated by {q.moderation.user.get_username()}" if q.moderation else names
            ratings[q.id] = AssessorRating(
                rating=q.final, by=by, at=when(j), comment=q.moderation.comment if q.moderation else "", kind="agreed"
            )
    decisions = {i.target: i.status for q in st.questions for i in q.evidence + q.counter if i.status in ("accepted", "rejected")}
    added = {
        q.id: [
            AddedEvidence(
                label=i.label,
                text=(i.paragraph or {}).get("text", ""),
                by=i.decision.user.get_username() if i.decision else "",
                comment=i.decision.comment if i.decision else "",
            )
            for i in q.added
        ]
        for q in st.questions
        if q.added
    }
    return AssessorJudgements(
        ratings=ratings,
        decisions=decisions,
        added=added,
        complete=st.complete,
        completed_by=st.completion.user.get_username() if st.complete and st.completion else "",
        completed_at=when(st.completion) if st.complete else "",
        organisation=review.organisation.name,
        reference=review.reference,
        review_title=review.title,
        exported_by=user.get_username(),
    )


def content_of(review, st: ReviewState, user) -> Content:
    return build_content(st.assessment, _profile(st), judgements_of(review, st, user))


def _profile(st: ReviewState):
    """The profile the run was made with (the default one if it is no longer installed)."""
    from qmark.data import DataFileError

    try:
        return load_profile(st.assessment.profile.id)
    except DataFileError:
        return load_profile(None)


def to_html(review, st: ReviewState, user) -> str:
    return html.render_content(content_of(review, st, user))


def to_word(review, st: ReviewState, user) -> bytes:
    return word.to_bytes(content_of(review, st, user))


def to_csv(review, st: ReviewState, user) -> str:
    return csvout.to_csv([content_of(review, st, user)])


def to_pdf(review, st: ReviewState, user) -> bytes:
    """Raises pdf.PdfError when this server has no way to make a PDF."""
    with tempfile.TemporaryDirectory(prefix="qmark-export-") as tmp:
        out = Path(tmp) / "assessment.pdf"
        pdf.write(content_of(review, st, user), out)
        return out.read_bytes()


def commented_draft(review, st: ReviewState, user, report_path: Path, name: str) -> tuple[bytes, int]:
    """The report (a .docx) with qmark's comments; the bytes and how many comments were placed.
    `name` is the file's own name, so the check for a Word file looks at what the user uploaded."""
    with tempfile.TemporaryDirectory(prefix="qmark-export-") as tmp:
        src = Path(tmp) / Path(name).name
        shutil.copyfile(report_path, src)
        out = Path(tmp) / "commented.docx"
        done = comments.annotate(src, st.assessment, _profile(st), out, judgements_of(review, st, user))
        return out.read_bytes(), done.placed


def filename(review, suffix: str) -> str:
    stem = slugify(review.reference or review.title)[:60] or f"review-{review.pk}"
    return f"qmark-{stem}{suffix}"
