"""The marker's guidance for one question, from qmark.knowledge (shown beside the evidence)."""

from __future__ import annotations

from dataclasses import dataclass

from qmark.data import DataFileError


@dataclass
class QuestionGuide:
    title: str
    good: list[str]
    weak: list[str]
    obstacles: list  # Obstacle(obstacle, tackle)
    statutory: list[tuple[str, str]]  # (editions, point)
    inspection: str
    reading: list[tuple[str, str]]  # (label, gist)


def for_question(qid: str, profile_id: str) -> QuestionGuide | None:
    from qmark.profile import load_profile

    try:
        profile = load_profile(profile_id)
    except DataFileError:
        return None
    g, kb = profile.guidance.question(qid), profile.knowledge_base
    if g is None:
        return None
    statutory = []
    for link in g.statutory:
        names = [ed.label if (ed := kb.edition(e)) else e for e in link.editions]
        statutory.append((", ".join(names), link.point))
    reading = []
    for ref in g.reading:
        e = kb.entry(ref)
        if e is not None:
            reading.append((e.label, getattr(e, "gist", None) or getattr(e, "summary", None) or e.title))
    return QuestionGuide(g.title, list(g.good), list(g.weak), list(g.obstacles), statutory, g.inspection, reading)
