"""Hits: everything a question's evidence can draw on, in one shape, whichever detector found it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    label: str
    paragraph: int
    sentence: int | None
    start: int
    end: int
    reason: str
    score: float
