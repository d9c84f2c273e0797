"""A review's summary for people outside qmark: JSON (machine-readable, with the engine's
Assessment exactly as stored and every human judgement) and a self-contained HTML page."""

from __future__ import annotations

import json

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from qmark.assess.records import RATING_LABELS
from qmark.web.reviews.state import ReviewState

EXPORT_VERSION = "1.0"


def _who(j) -> dict | None:
    return {"by": j.user.get_username(), "at": j.created.isoformat()} if j else None


def summary(review, st: ReviewState, exported_by) -> dict:
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
                "final_rating": q.final_rating,
                "comment": q.rating.comment if q.rating else "",
                "rated": _who(q.rating),
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


def to_html(review, st: ReviewState, user) -> str:
    return render_to_string(
        "qmark/export.html", {"review": review, "state": st, "labels": RATING_LABELS, "data": summary(review, st, user)}
    )


def filename(review, suffix: str) -> str:
    stem = slugify(review.reference or review.title)[:60] or f"review-{review.pk}"
    return f"qmark-{stem}{suffix}"
