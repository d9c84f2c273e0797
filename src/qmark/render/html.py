"""One self-contained HTML file: no external assets, readable offline and printable."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from qmark.assess.records import RATING_LABELS, Assessment, Evidence
from qmark.render import nice_date

RATING_MEANING = {
    "met": "The documents clearly and specifically do what the question asks.",
    "partly_met": "They do some of it, or say they do it without visibly doing it, or do it only in places.",
    "not_met": "The documents show the opposite of what the question asks.",
    "not_evidenced": "The documents say nothing either way.",
}
FLAG_TITLES = {
    "hindsight_judgement": "Hindsight-laden judgements",
    "individual_explanation": "Explanations that stop at the individual",
    "superseded_guidance": "Superseded guidance cited as current",
    "old_research": "Research much older than the report",
    "no_recent_research": "No recent research",
    "no_research": "No research cited",
    "no_date": "Report date not found",
}

_env = Environment(loader=PackageLoader("qmark.render", "templates"), autoescape=select_autoescape(["html", "j2"]),
                   trim_blocks=True, lstrip_blocks=True)


def _in_context(ev: Evidence) -> tuple[str, str, str]:
    a, b = ev.quote_in_paragraph
    t = ev.paragraph_text
    return t[:a], t[a:b], t[b:]


def _guidance() -> dict:
    """Per-question guidance for the report, with statutory links spelt out for a reader."""
    from qmark.knowledge.base import load_guidance, load_knowledge_base
    kb = load_knowledge_base()
    out = {}
    for q in load_guidance().questions:
        links = []
        for link in q.statutory:
            years = [str(kb.edition(e).year) for e in link.editions if kb.edition(e)]
            links.append(f"Working Together {', '.join(years)}: {link.point}")
        out[q.id] = {"good": q.good, "weak": q.weak, "obstacles": q.obstacles, "statutory": links,
                     "inspection": q.inspection}
    return out


def render(assessment: Assessment) -> str:
    flags: dict[str, list] = {}
    for f in assessment.flags:
        flags.setdefault(f.kind, []).append(f)
    return _env.get_template("report.html.j2").render(
        a=assessment,
        labels=RATING_LABELS,
        meaning=RATING_MEANING,
        flag_titles=FLAG_TITLES,
        flags=flags,
        in_context=_in_context,
        guidance=_guidance(),
        nice_date=nice_date,
    )


def write(assessment: Assessment, path: str | Path) -> None:
    Path(path).write_text(render(assessment), encoding="utf-8")
