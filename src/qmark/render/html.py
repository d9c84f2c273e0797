"""One self-contained HTML file: no external assets, readable offline and printable. The first
printed page is the summary; the question-by-question detail is collapsed on screen and printed
in full. The same template, with every section open, is what the PDF is printed from."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from qmark.assess.records import Assessment
from qmark.outputs import atomic_write_text
from qmark.profile import Profile
from qmark.render import content as content_mod
from qmark.render import nice_date
from qmark.render.assessor import AssessorJudgements

_env = Environment(
    loader=PackageLoader("qmark.render", "templates"), autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True
)


def render_content(c: content_mod.Content, expand: bool = False) -> str:
    """The report for built content; expand=True opens every collapsed section (for printing)."""
    return _env.get_template("report.html.j2").render(c=c, j=c.judgements, expand=expand, nice_date=nice_date)


def render(assessment: Assessment, profile: Profile, judgements: AssessorJudgements | None = None, expand: bool = False) -> str:
    return render_content(content_mod.build(assessment, profile, judgements), expand)


def write(assessment: Assessment, path: str | Path, profile: Profile, judgements: AssessorJudgements | None = None) -> None:
    atomic_write_text(path, render(assessment, profile, judgements))
