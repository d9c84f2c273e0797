from __future__ import annotations

from django import template
from django.utils.html import format_html

from qmark.assess.records import RATING_LABELS

register = template.Library()


@register.filter
def field_attrs(field):
    """Render a bound field's widget with its hint and error tied to it for screen readers."""
    describedby = []
    if field.help_text:
        describedby.append(f"{field.auto_id}-hint")
    if field.errors:
        describedby.append(f"{field.auto_id}-error")
    attrs = {}
    if describedby:
        attrs["aria-describedby"] = " ".join(describedby)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def rating_badge(rating: str | None, extra: str = ""):
    if not rating:
        return format_html('<span class="muted">None yet</span>')
    return format_html('<strong class="badge badge-{}">{}</strong>{}', rating, RATING_LABELS.get(rating, rating), extra)


@register.filter
def rating_label(rating: str | None) -> str:
    return RATING_LABELS.get(rating or "", "")


@register.filter
def percent(value) -> str:
    try:
        return f"{float(value) * 100:.0f}%"
    except (TypeError, ValueError):
        return ""


@register.filter
def confidence_words(value) -> str:
    v = float(value or 0)
    return "high" if v >= 0.8 else "medium" if v >= 0.6 else "low"


@register.filter
def audit_detail(event) -> str:
    from qmark.web.reviews.audit import describe

    return describe(event)


@register.filter
def profile_title(profile_id: str) -> str:
    """The title of the profile (quality marker) a review is assessed against."""
    from qmark.data import DataFileError
    from qmark.profile import load_profile

    try:
        return load_profile(profile_id).title
    except DataFileError:
        return profile_id


@register.filter
def ev_anchor(target: str) -> str:
    """The id of an evidence item on the question page (the same one views redirect to)."""
    from qmark.web.reviews.state import anchor_for

    return anchor_for(target)


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key) if mapping else None
    except AttributeError:
        return None


@register.filter
def date_parts(field) -> list[str]:
    """[day, month, year] as typed (after an error) or from the stored date."""
    value = field.value()
    if isinstance(value, (list, tuple)):
        return [str(v or "") for v in (list(value) + ["", "", ""])[:3]]
    return field.field.widget.decompress(value)
