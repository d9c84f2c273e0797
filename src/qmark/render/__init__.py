"""Outputs: a terminal summary, JSON in a versioned schema, one self-contained HTML file."""

from __future__ import annotations

from datetime import date


def nice_date(iso: str) -> str:
    """'2022-10-18' as '18 October 2022', the way reports write dates."""
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {d.strftime('%B %Y')}"
