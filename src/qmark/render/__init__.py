"""Outputs: a terminal summary, JSON in a versioned schema, one self-contained HTML file."""

from __future__ import annotations

from datetime import date

from qmark.assess.records import Figures
from qmark.profile import Words


def nice_date(iso: str) -> str:
    """'2022-10-18' as '18 October 2022', the way reports write dates."""
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {d.strftime('%B %Y')}"


def figure_lines(f: Figures, words: Words) -> list[tuple[str, str]]:
    """The report-wide figures as (value, caption) pairs, in the profile's words: the same four
    in the terminal, the HTML report and the web app."""
    cited = sum(1 for c in f.citations if c.year)
    extra = []
    if f.newest_research_year:
        extra.append(f"newest research {f.newest_research_year}")
    if f.median_research_age is not None:
        extra.append(f"median age {f.median_research_age:.0f} years at the report's date")
    w = words.figures
    return [
        (f"{f.explain_share:.0%}", w.explain_share.format(n=f.explaining_sentences + f.describing_or_judging_sentences)),
        (str(f.hindsight_judgements), w.hindsight.format(per_1000=f"{f.hindsight_per_1000_words:g}", mitigations=f.hindsight_mitigations)),
        (f"{f.systemic_explanations} : {f.individual_explanations}", w.explanations),
        (str(cited), "; ".join([w.citations, *extra])),
    ]
