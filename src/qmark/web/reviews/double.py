"""Blind double rating: two named assessors rate a review independently; neither sees the other's
ratings, comments or evidence choices until both have submitted (see state.for_viewer). Then
their ratings are compared and a moderator records an agreed rating, with a reason, where they
differ (or wherever the moderator decides otherwise)."""

from __future__ import annotations

from dataclasses import dataclass

from qmark.web.reviews.state import ReviewState


@dataclass
class Status:
    """Where a double-rated review has got to, as one viewer may know it."""

    on: bool
    assessors: list  # the named users (0-2)
    submitted: list  # those of them who have submitted
    viewer_is_assessor: bool
    viewer_submitted: bool
    unblinded: bool  # both have submitted: ratings can be compared
    to_agree: int = 0  # questions still without an agreed rating (after both submitted)

    @property
    def waiting_for(self) -> list:
        return [u for u in self.assessors if u not in self.submitted]


def status(review, st: ReviewState | None, user, role) -> Status | None:
    if not review.double_rating:
        return None
    people = review.assessors
    submitted = [u for u in people if st is not None and u.pk in st.submissions]
    mine = user is not None and any(u.pk == user.pk for u in people)
    unblinded = len(people) == 2 and len(submitted) == 2
    return Status(
        on=True,
        assessors=people,
        submitted=submitted,
        viewer_is_assessor=mine,
        viewer_submitted=mine and any(u.pk == user.pk for u in submitted),
        unblinded=unblinded,
        to_agree=len(st.unconfirmed) if (st is not None and unblinded) else 0,
    )


def may_judge(review, st: ReviewState, user, role) -> bool:
    """May this user accept, reject or add evidence and rate questions now?"""
    if not role.can_edit or st.complete:
        return False
    if not review.double_rating:
        return True
    return st.view == "blind" and st.viewer_id == user.pk and user.pk not in st.submissions


def may_moderate(review, st: ReviewState, role) -> bool:
    return bool(review.double_rating and role.can_edit and st.view == "pair" and not st.complete)


def refusal(review, st: ReviewState, user) -> str:
    """Why this user cannot judge a double-rated review now, in a sentence."""
    names = " and ".join(u.get_username() for u in review.assessors) or "two assessors (not yet named)"
    if st.view == "pair":
        return "Both assessors have submitted their ratings. Compare them and record the agreed rating instead."
    if user.pk in st.submissions:
        return "You have submitted your ratings. Take back your submission first if you need to change them."
    return f"This review is being rated blind by {names}. Only they can rate it until both have submitted."


@dataclass
class Side:
    """One assessor's judgement on one question, for the comparison page."""

    user: object
    rating: object  # their rating Judgement
    accepted: list[str]
    rejected: list[str]
    added: list[str]


def sides(q, assessors: list) -> list[Side]:
    out = []
    for i, u in enumerate(assessors):
        rating = q.pair[i] if q.pair else None
        accepted, rejected, added = [], [], []
        for item in q.items:
            for j in item.by:
                if j.user_id != u.pk:
                    continue
                status = item.label if item.side != "against" else f"{item.label} (against)"
                if j.kind == "evidence_accept":
                    accepted.append(status)
                elif j.kind == "evidence_reject":
                    rejected.append(status)
                elif j.kind == "evidence_add":
                    added.append(item.label)
        out.append(Side(u, rating, accepted, rejected, added))
    return out
