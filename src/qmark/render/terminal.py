"""The terminal summary: one row per question, then the report-wide figures."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from qmark.assess.records import Assessment
from qmark.profile import Profile
from qmark.render import figure_lines, nice_date

STYLE = {"met": "green", "partly_met": "yellow", "not_met": "red", "not_evidenced": "bright_black"}


def render(assessment: Assessment, profile: Profile, console: Console | None = None) -> None:
    console = console or Console()
    labels = {k: v.label for k, v in profile.words.ratings.items()}
    r = assessment.report
    docs = ", ".join(d.name for d in r.documents)
    date = (
        f"{nice_date(r.date)} ({'from the report' if r.date_source == 'text' else 'given with --date'})"
        if r.date
        else "not found (use --date)"
    )
    console.print(f"[bold]{r.title or docs}[/bold]")
    console.print(
        f"Documents: {docs}   Pages: {r.pages or '-'}   Paragraphs: {r.paragraphs} ({r.numbered_paragraphs} numbered)   Report date: {date}"
    )
    for w in assessment.warnings:
        console.print(f"[bold red]Warning:[/bold red] {w.message}")
    for note in r.notes:
        console.print(f"Note: {note}", markup=False)
    table = Table(box=box.SIMPLE_HEAVY, show_lines=False, title=f"{assessment.profile.title}: suggested ratings", title_justify="left")
    table.add_column("Q", no_wrap=True)
    table.add_column("Question")
    table.add_column("Suggested", no_wrap=True)
    table.add_column("Conf.", justify="right", no_wrap=True)
    table.add_column("Top evidence")
    for q in assessment.questions:
        rating = f"[{STYLE[q.rating]}]{labels[q.rating]}[/]"
        if q.needs_human_read:
            rating += " [bold]?[/]"
        top = q.evidence[0].location.label if q.evidence else "nothing found"
        table.add_row(q.question, q.short, rating, f"{q.confidence:.0%}", top)
    console.print(table)
    f = assessment.figures
    console.print(
        f"[bold]Analysis[/bold] ({f.analysis_words:,} words in {', '.join(f.analysis_sections[:4]) or 'the body of the report'}"
        f"{'…' if len(f.analysis_sections) > 4 else ''})"
    )
    for value, caption in figure_lines(f, profile.words):
        console.print(f"  [bold]{value}[/bold] {caption}")
    other_flags = [fl for fl in assessment.flags if fl.kind not in ("hindsight_judgement", "individual_explanation")]
    for fl in other_flags[:6]:
        console.print(f"  [red]![/red] {fl.reason}")
    if any(q.needs_human_read for q in assessment.questions):
        console.print("[bold]?[/bold] low confidence: read the evidence before relying on the suggestion.")
