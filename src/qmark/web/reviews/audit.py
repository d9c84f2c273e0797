"""Writing the audit log. Callers name what happened and to what; never pass report text."""

from __future__ import annotations

import csv
import io
import ipaddress
from typing import Any

from django.conf import settings

from qmark.web.reviews.models import AuditEvent, AuditKind, Review


def _trusted(address: str, networks: list) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def _networks(entries) -> list:
    out = []
    for entry in entries or ():
        try:
            out.append(ipaddress.ip_network(str(entry), strict=False))
        except ValueError:
            pass  # checked when the settings were read
    return out


def client_ip(request) -> str | None:
    """The client's address. Behind proxies listed in QMARK_TRUSTED_PROXIES it is the last
    address in X-Forwarded-For that is not one of them (the entries before it are whatever the
    client chose to send); otherwise the peer's address, which nobody can forge."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(getattr(settings, "QMARK_TRUSTED_PROXIES", []))
    if not remote or not networks or not _trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # garbage: believe no further
        remote = hop
        if not _trusted(hop, networks):
            break
    return remote[:45]


def record(
    request,
    kind: Any,  # an AuditKind (mypy without django-stubs sees the choice tuple)
    *,
    review: Review | None = None,
    object: str = "",
    detail: dict | None = None,
    actor=None,
    actor_name: str | None = None,
    organisation=None,
) -> AuditEvent:
    user = actor if actor is not None else (getattr(request, "user", None) if request is not None else None)
    if user is not None and not user.is_authenticated:
        user = None
    if organisation is None:
        if review is not None:
            organisation = review.organisation
        elif user is not None:
            m = getattr(user, "membership", None)
            organisation = m.organisation if m is not None else None
    return AuditEvent.objects.create(
        kind=kind,
        actor=user,
        actor_name=(actor_name if actor_name is not None else (user.get_username() if user else ""))[:150],
        organisation=organisation,
        review_id=review.pk if review is not None else None,
        review_title=review.title[:200] if review is not None else "",
        object=object[:200],
        detail=detail or {},
        ip=client_ip(request),
    )


def mark_blind(events, viewer) -> list:
    """Mark the judgements of reviews still rated blind, by anyone but the viewer, so the log does
    not show one assessor's ratings to the other (or to anyone) before both have submitted."""
    from qmark.web.reviews import state
    from qmark.web.reviews.models import AssessmentRun, Judgement, JudgementKind

    events = list(events)
    ids = {e.review_id for e in events if e.kind == AuditKind.JUDGEMENT_RECORDED and e.review_id}
    blind = set()
    for review in Review.objects.filter(pk__in=ids, double_rating=True):
        run = AssessmentRun.objects.filter(review=review, status="done").order_by("-created", "-id").first()
        people = {review.first_assessor_id, review.second_assessor_id} - {None}
        js = list(Judgement.objects.filter(run=run, kind__in=[JudgementKind.SUBMIT, JudgementKind.UNSUBMIT]).order_by("created", "id"))
        if run is None or len(people) < 2 or not people <= set(state.submissions_of(js)):
            blind.add(review.pk)
    for e in events:
        e.blind = e.review_id in blind and e.kind == AuditKind.JUDGEMENT_RECORDED and e.actor_id != getattr(viewer, "pk", None)
    return events


def _target(target: str, detail: dict) -> str:
    side, _, ident = target.partition(":")
    if side == "for":
        return f"supporting evidence at {ident}"
    if side == "against":
        return f"counter-evidence at {ident}"
    if side == "para":
        return f"paragraph {detail.get('paragraph') or '#' + str(int(ident) + 1)}"
    return target


def describe(event: AuditEvent) -> str:
    """The event's detail in words (for the audit page and its CSV)."""
    from django.template.defaultfilters import filesizeformat

    from qmark.assess.records import RATING_LABELS
    from qmark.web.reviews.models import JudgementKind

    d = dict(event.detail or {})
    parts = []
    if event.kind == AuditKind.JUDGEMENT_RECORDED and "kind" in d:
        kind, target, value = d.pop("kind"), d.pop("target", ""), d.pop("value", "")
        text = JudgementKind(kind).label if kind in JudgementKind.values else kind
        if value and getattr(event, "blind", False):
            text += ": (hidden while the review is rated blind)"
        elif value:
            text += f": {RATING_LABELS.get(value, value)}"
        if target:
            text += f" ({_target(target, d)})"
        if d.pop("commented", False):
            text += ", with a comment"
        d.pop("paragraph", None)
        parts.append(text)
    if "sha256" in d:
        parts.append(f"SHA-256 {str(d.pop('sha256'))[:12]}…")
    if "size" in d:
        parts.append(str(filesizeformat(d.pop("size"))))
    parts += [f"{str(k).replace('_', ' ')}: {v}" for k, v in d.items() if v not in ("", None)]
    return "; ".join(parts)


_FIELDS = ["time (UTC)", "who", "what", "review id", "review", "object", "detail", "address"]


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(events) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(_FIELDS)
    for e in events:
        detail = describe(e)
        w.writerow(
            [
                _cell(x)
                for x in (
                    e.created.strftime("%Y-%m-%d %H:%M:%S"),
                    e.actor_name,
                    e.get_kind_display(),
                    e.review_id or "",
                    e.review_title,
                    e.object,
                    detail,
                    e.ip or "",
                )
            ]
        )
    return out.getvalue()
