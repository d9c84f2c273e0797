"""The research-currency check (q4), judged at the report's own date."""

from __future__ import annotations

import datetime as dt

from qmark.ingest import read_text
from qmark.knowledge.citations import find_citations
from qmark.knowledge.currency import check_currency
from qmark.profile import load_profile

PROFILE = load_profile()
KB = PROFILE.knowledge_base


def _report(*paragraphs: str, front: str | None = "Final report: 12 September 2019"):
    head = f"# Serious Case Review: Child S\n\n{front}\n\n" if front else "# Serious Case Review: Child S\n\n"
    body = "\n\n".join(f"2.{i} {p}" for i, p in enumerate(paragraphs, 13))
    return read_text(f"{head}# 2. Analysis\n\n{body}\n")


def _check(report, date: dt.date | None = None):
    return check_currency(report, find_citations(report, KB), date, KB, PROFILE.currency)


def _kinds(currency) -> list[str]:
    return [f.kind for f in currency.findings]


RECENT = "National analyses describe the same pattern (Brandon et al., 2020)."


def test_superseded_guidance_cited_as_current_is_flagged() -> None:
    report = _report(
        RECENT,
        "Working Together to Safeguard Children (2010) states that a strategy discussion should be "
        "held whenever there is reasonable cause to suspect significant harm.",
    )
    assert report.date == "2019-09-12"
    currency = _check(report)
    (finding,) = [f for f in currency.findings if f.kind == "superseded_guidance"]
    assert report.paragraphs[finding.paragraph].number == "2.14"
    assert finding.message.startswith("Para 2.14 cites Working Together 2010 as current guidance")
    assert "2018 edition" in finding.message and "September 2019" in finding.message
    assert report.text[finding.start : finding.end] == "Working Together to Safeguard Children (2010)"
    assert currency.figures.editions_as_current == ["wt2010"]


def test_historical_citation_of_old_edition_is_not_flagged() -> None:
    report = _report(
        RECENT,
        "The guidance in force at the time, Working Together 2010, required a strategy discussion "
        "when there was reasonable cause to suspect significant harm.",
    )
    currency = _check(report)
    assert _kinds(currency) == []
    assert currency.figures.editions_cited == ["wt2010"]
    assert currency.figures.editions_as_current == []


def test_edition_current_at_the_reports_date_is_not_flagged() -> None:
    report = _report(RECENT, "Working Together 2010 states that a strategy discussion should be held.", front="Final report: 12 April 2011")
    assert "superseded_guidance" not in _kinds(_check(report))


def test_previous_edition_during_the_2018_transition_is_not_flagged() -> None:
    report = _report(RECENT, "Working Together 2015 states that the LSCB must publish the review.", front="Final report: 4 March 2019")
    assert "superseded_guidance" not in _kinds(_check(report))


def test_grace_period_after_a_new_edition() -> None:
    report = _report(RECENT, "Working Together 2018 states that reviews should focus on learning.", front=None)
    assert "superseded_guidance" not in _kinds(_check(report, dt.date(2024, 1, 20)))
    late = [f for f in _check(report, dt.date(2024, 9, 1)).findings if f.kind == "superseded_guidance"]
    assert late and "2023 edition" in late[0].message


def test_old_research_with_nothing_recent() -> None:
    report = _report(
        "Cumulative harm is hard to see (Brandon et al., 2008; Brandon et al. 2009) and hindsight distorts judgement (Fischhoff, 1975)."
    )
    currency = _check(report)
    assert _kinds(currency) == ["no_recent_research", "old_research"]
    old = currency.findings[1]
    assert "Brandon et al. 2008" in old.message and "11 years" in old.message  # 2009 is exactly 10: not "older than 10"
    assert report.text[old.start : old.end] == "Brandon et al., 2008"
    assert "2009" in currency.findings[0].message and "last 5 years" in currency.findings[0].message
    fig = currency.figures
    assert fig.newest_research_year == 2009
    assert [(r.year, r.age, r.exempt) for r in fig.research] == [(2008, 11, False), (2009, 10, False), (1975, 44, True)]
    assert fig.median_age == 11.0 and fig.research_works == 3 and fig.citations == 3


def test_old_research_alongside_recent_is_fine() -> None:
    report = _report(
        "Earlier work (Brandon et al., 2008) and later work (Brandon et al., 2020) agree.",
        "Brandon et al. (2020) stress how risks interact.",
    )
    currency = _check(report)
    assert _kinds(currency) == []
    assert currency.figures.research_works == 2 and len(currency.figures.research) == 3


def test_no_research() -> None:
    report = _report("Working Together 2018 states that reviews should focus on learning.")
    currency = _check(report)
    assert _kinds(currency) == ["no_research"]
    assert "guidance but no research" in currency.findings[0].message


def test_nothing_cited_at_all() -> None:
    currency = _check(_report("The social worker visited the family twice."))
    assert _kinds(currency) == ["no_research"]
    assert "no research or guidance" in currency.findings[0].message


def test_no_date_explains_the_date_option() -> None:
    report = _report(RECENT, front=None)
    assert report.date is None
    currency = _check(report)
    assert _kinds(currency) == ["no_date"]
    message = currency.findings[0].message
    assert "--date" in message and "qmark assess report.pdf --date 2019-09-12" in message
    assert currency.figures.report_date is None and currency.figures.research[0].age is None


def test_date_given_overrides_missing_front_page_date() -> None:
    report = _report(RECENT, front=None)
    currency = _check(report, dt.date(2021, 5, 1))
    assert _kinds(currency) == []
    assert currency.figures.research[0].age == 1
    assert currency.to_dict()["figures"]["report_date"] == "2021-05-01"
