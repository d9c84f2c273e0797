"""One self-contained HTML file: no external assets, readable offline and printable."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from qmark.assess.records import Assessment, Evidence
from qmark.knowledge.guide import statutory_label
from qmark.outputs import atomic_write_text
from qmark.profile import Profile
from qmark.render import figure_lines, nice_date

_env = Environment(
    loader=PackageLoader("qmark.render", "templates"), autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True
)


def _in_context(ev: Evidence) -> tuple[str, str, str]:
    a, b = ev.quote_in_paragraph
    t = ev.paragraph_text
    return t[:a], t[a:b], t[b:]


def _guidance(profile: Profile) -> dict:
    """Per-question guidance for the report, with statutory links spelt out for a reader."""
    kb = profile.knowledge_base
    return {
        q.id: {
            "good": q.good,
            "weak": q.weak,
            "obstacles": q.obstacles,
            "inspection": q.inspection,
            "statutory": [statutory_label(link, kb) for link in q.statutory],
        }
        for q in profile.guidance.questions
    }


def render(assessment: Assessment, profile: Profile) -> str:
    flags: dict[str, list] = {}
    for f in assessment.flags:
        flags.setdefault(f.kind, []).append(f)
    words = profile.words
    return _env.get_template("report.html.j2").render(
        a=assessment,
        labels={k: v.label for k, v in words.ratings.items()},
        meaning={k: v.meaning for k, v in words.ratings.items()},
        words=words,
        flags=flags,
        in_context=_in_context,
        guidance=_guidance(profile),
        quality_statement=profile.framework.quality_statement,
        figures=figure_lines(assessment.figures, words),
        nice_date=nice_date,
    )


def write(assessment: Assessment, path: str | Path, profile: Profile) -> None:
    atomic_write_text(path, render(assessment, profile))
