"""Plain-text guidance for the terminal: `qmark guide` (the marker) and `qmark guide q6`."""

from __future__ import annotations

import textwrap

from qmark.knowledge.base import Edition, Guidance, KnowledgeBase, Milestone, Obstacle, Research, StatutoryLink


def guide_text(guidance: Guidance, kb: KnowledgeBase, question_id: str | None = None, width: int = 88) -> str:
    """The marker-level guidance (question_id None) or one question's, wrapped to width.

    Accepts an id ("q6", "Q6") or a position ("6"); an unknown one raises ValueError listing
    the known ids.
    """
    width = max(width, 40)
    if question_id is None:
        return _marker(guidance, kb, width)
    ids = [q.id for q in guidance.questions]
    qid = question_id.strip().lower()
    if qid.isdigit() and 1 <= int(qid) <= len(ids):
        qid = ids[int(qid) - 1]
    q = guidance.question(qid)
    if q is None:
        raise ValueError(f"unknown question '{question_id}'; known questions: {', '.join(ids)}")

    out = _title(f"{q.id.upper()}. {q.title}", width)
    out += _section("What good looks like", [_bullet(x, width) for x in q.good])
    out += _section("What weak looks like", [_bullet(x, width) for x in q.weak])
    out += _section("Common obstacles and how reviewers tackle them", [_obstacle(o, width) for o in q.obstacles])
    if q.statutory:
        out += _section("Statutory guidance", [_link(s, kb, width) for s in q.statutory])
    out += _section("Inspection and national oversight", [_para(q.inspection, width, "  ")])
    if q.reading:
        out += _section("Further reading", [_reading(i, kb, width) for i in q.reading])
    out.append(_para("Statutory guidance points are paraphrases; quote the edition itself in a report.", width, ""))
    return "\n".join(out).rstrip() + "\n"


def _marker(g: Guidance, kb: KnowledgeBase, width: int) -> str:
    m = g.marker
    out = _title(f"{m.title} quality marker: guidance", width)
    out += _section("Knowledge base", ["\n\n".join(_para(p, width, "  ") for p in m.knowledge_base)])
    out += _section("Key research", [_reading(r.id, kb, width) for r in kb.research])
    editions = []
    for ed in kb.editions:
        until = f"{ed.in_force_until:%b %Y}" if ed.in_force_until else "now"
        line = f"{ed.label}: in force {ed.in_force_from:%b %Y} to {until}; case reviews in chapter {ed.case_review_chapter}"
        extra = [ed.case_review_subject]
        if ed.transition_until:
            extra.append(f"transition to the new arrangements until {ed.transition_until:%B %Y}")
        if ed.updated:
            extra.append(ed.updated)
        editions.append(_bullet(f"{line} ({'; '.join(extra)}).", width))
    out += _section(f"Link to statutory guidance: {kb.guidance_series} editions", editions)
    out += _section("What the guidance asks of analysis", [_link(s, kb, width) for s in m.statutory_guidance])
    out += _section("Inspection criteria and national oversight", [_bullet(x, width) for x in m.inspection])
    out += _section("Tackling some common obstacles", [_obstacle(o, width) for o in m.obstacles])
    ids = [q.id for q in g.questions]
    out += _section(
        f"The questions (qmark guide {ids[0]} ... {ids[-1]} for each one)", [_hanging(f"{q.id:<4}", q.title, width) for q in g.questions]
    )
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------- layout helpers


def _title(text: str, width: int) -> list[str]:
    lines = textwrap.wrap(text, width)
    return [*lines, "=" * min(width, max(len(x) for x in lines)), ""]


def _section(heading: str, blocks: list[str]) -> list[str]:
    return [heading, "-" * len(heading), *blocks, ""]


def _para(text: str, width: int, indent: str) -> str:
    return textwrap.fill(" ".join(text.split()), width, initial_indent=indent, subsequent_indent=indent)


def _bullet(text: str, width: int) -> str:
    return _hanging("  - ", text, width)


def _hanging(lead: str, text: str, width: int) -> str:
    return textwrap.fill(" ".join(text.split()), width, initial_indent=lead, subsequent_indent=" " * len(lead))


def _obstacle(o: Obstacle, width: int) -> str:
    return _bullet(o.obstacle, width) + "\n" + _hanging("    Tackle: ", o.tackle, width)


def statutory_label(s: StatutoryLink, kb: KnowledgeBase) -> str:
    """'Working Together 2018, 2023: point', with the series name from the knowledge base."""
    years = [str(ed.year) for e in s.editions if (ed := kb.edition(e))]
    return f"{kb.guidance_series} {', '.join(years)}: {s.point}"


def _link(s: StatutoryLink, kb: KnowledgeBase, width: int) -> str:
    return _bullet(statutory_label(s, kb), width)


def _reading(entry_id: str, kb: KnowledgeBase, width: int) -> str:
    e = kb.entry(entry_id)
    if isinstance(e, Research):
        return _bullet(f"{e.label}, {e.title}. {e.gist}", width)
    if isinstance(e, Milestone):
        return _bullet(f"{e.title} ({e.year}). {e.summary}", width)
    if isinstance(e, Edition):
        return _bullet(f"{e.label}, chapter {e.case_review_chapter}: {e.case_review_subject}.", width)
    return _bullet(entry_id, width)


__all__ = ["guide_text", "statutory_label"]
