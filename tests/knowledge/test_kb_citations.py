"""Citation styles found with the right year and knowledge-base entry; hard negatives ignored."""

from __future__ import annotations

import pytest
from kb_helpers import analysis_report

from qmark.ingest import read_text
from qmark.knowledge.citations import find_citations, is_research, presents_as_current
from qmark.profile import load_profile

PROFILE = load_profile()
KB = PROFILE.knowledge_base


def _found(*paragraphs: str, tail: str = "") -> list[tuple[str, int | None, str | None]]:
    report = analysis_report(*paragraphs, tail=tail)
    return [(c.kind, c.year, c.entry_id) for c in find_citations(report, KB)]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Risk accumulates over time (Brandon et al., 2020).", [("author_year", 2020, "brandon2020")]),
        (
            "Errors have systemic roots (Reason 2000; Dekker 2014).",
            [("author_year", 2000, "reason2000"), ("author_year", 2014, "dekker2014")],
        ),
        ("Brandon et al. (2020) found that risks interact.", [("author_year", 2020, "brandon2020")]),
        ("Munro (2011) argued for a systems approach.", [("author_year", 2011, "munro2011")]),
        ("Sidebotham et al. (2016) describe pathways to harm.", [("author_year", 2016, "sidebotham2016")]),
        ("This follows Learning Together (Fish, Munro and Bairstow, 2008).", [("author_year", 2008, "fish2008")]),
        ("Baron and Hershey (1988) showed outcome bias.", [("author_year", 1988, "baron_hershey1988")]),
        ("Reason's (1990) model helps.", [("author_year", 1990, "reason1990")]),
        (
            "As the earlier analyses show (Brandon et al. 2008, 2009).",
            [("author_year", 2008, "brandon2008"), ("author_year", 2009, "brandon2009")],
        ),
        ("As Smith and Jones (2017) put it (see also Patel 2019, p. 4).", [("author_year", 2017, None), ("author_year", 2019, None)]),
        ("Brandon et al. 2020 is the latest national analysis.", [("author_year", 2020, "brandon2020")]),
        ("Working Together to Safeguard Children (2018) sets out the process.", [("guidance", 2018, "wt2018")]),
        ("Working Together (HM Government, 2015) requires a review.", [("guidance", 2015, "wt2015")]),
        ("Working Together to Safeguard Children 2010 applies.", [("guidance", 2010, "wt2010")]),
        ("Agencies follow WTSC 2013.", [("guidance", 2013, "wt2013")]),
        ("The review was commissioned under the 2018 edition of Working Together.", [("guidance", 2018, "wt2018")]),
        ("HM Government (2018) Working Together to Safeguard Children is the guidance.", [("guidance", 2018, "wt2018")]),
        ("The Munro Review made the same point.", [("guidance", 2011, "munro2011")]),
        ("Pathways to harm, pathways to protection describes this.", [("guidance", 2016, "sidebotham2016")]),
    ],
)
def test_citation_styles(sentence, expected) -> None:
    assert _found(sentence) == expected


def test_every_edition_alias_resolves_to_its_edition() -> None:
    kb = KB
    for ed in kb.editions:
        for alias in ed.aliases:
            found = _found(f"Practice is measured against {alias} in this review.")
            assert [e for _, _, e in found] == [ed.id], alias


def test_every_research_alias_resolves_to_its_entry() -> None:
    kb = KB
    for entry in [*kb.research, *kb.milestones]:
        for alias in entry.aliases:
            found = _found(f"The review drew on {alias} throughout.")
            assert entry.id in [e for _, _, e in found], alias


REFERENCES = """# References

[1] Munro, E. (2005) A systems approach to investigating child abuse deaths. British Journal of Social Work.

[2] Brandon, M. et al. (2020) Complexity and challenge. London: Department for Education.

[3] Smith J, Jones K. Neglect in adolescence. Child Abuse Review 2015;24:1-9.
"""


def test_numbered_references_take_their_year_from_the_list() -> None:
    report = analysis_report(
        "Neglect is cumulative [2] and systems matter [1, 3].", "Harm builds over time.2 It is easy to miss.", tail=REFERENCES
    )
    cites = find_citations(report, KB)
    assert [(c.kind, c.text, c.year, c.entry_id) for c in cites] == [
        ("numbered", "[2]", 2020, "brandon2020"),
        ("numbered", "[1, 3]", 2005, "munro2005"),
        ("numbered", "[1, 3]", 2015, None),
        ("numbered", "2", 2020, "brandon2020"),
    ]
    assert cites[0].reference.startswith("Brandon, M. et al. (2020)")
    assert report.paragraphs[cites[0].paragraph].number == "4.1"


def test_numbered_list_references() -> None:
    tail = "# References\n\n1. Munro, E. (2005) A systems approach.\n2. Brandon, M. et al. (2020) Complexity and challenge.\n"
    assert _found("Neglect is cumulative [2].", tail=tail) == [("numbered", 2020, "brandon2020")]


FOOTNOTES = """# 4. Analysis

4.1 Agencies should hold a strategy discussion in line with the statutory guidance.[^1]

4.2 The guidance in force at the time required a discussion.[^2]

[^1]: Working Together to Safeguard Children, HM Government 2010

[^2]: Working Together to Safeguard Children, HM Government 2010

[^3]: See Brandon et al. (2020) for the national picture.

[^4]: The data were extracted in January 2023.
"""


def test_footnotes_cite_at_their_marker_and_in_place_when_unmarked() -> None:
    report = read_text(FOOTNOTES)
    cites = find_citations(report, KB)
    where = [(report.paragraphs[c.paragraph].number, c.kind, c.year, c.entry_id, c.as_current) for c in cites]
    assert where == [
        ("4.1", "footnote", 2010, "wt2010", True),
        ("4.2", "footnote", 2010, "wt2010", False),
        (None, "footnote", 2020, "brandon2020", False),  # note [3] has no marker: cited where it stands
    ]
    assert cites[0].reference.startswith("Working Together")
    assert report.paragraphs[cites[2].paragraph].kind == "footnote"


HARD_NEGATIVES = [
    "In March 2019 the family moved to Kestrel Vale.",
    "The health visitor saw the baby on 3.4.2019 and again on 12/05/2019.",
    "Child H was aged 2 when the first referral was made.",
    "She was described as a 15 year old who often went missing.",
    "Police records refer to Case 2019/0456 (Case 2019/0456) and crime reference 2019-1234.",
    "The call was received at 10.30 and again at 14:00, then at 9.15pm.",
    "The family owed £2,019 in rent arrears (£1,500 in 2019).",
    "As noted at paragraph 4.12 and para 20.19 above, and in Para 23.",
    "A Section 47 enquiry was started (Section 47, 2019) and S47 and s47 enquiries followed.",
    "The mother had lived there for 2 years (2 years).",
    "The plan was reviewed (March 2019) and again (Summer 2018) and (Child H, 2010).",
    "The MASH referral (MASH 2019) went to the Kestrel Vale 2019 panel.",
    "Mr P (2010) and Mother (2019) were interviewed; Hospital 1 (2018) records agree.",
    "The child (aged 15, 2019) was in Year 9 and was seen by the GP (see p.12).",
]


@pytest.mark.parametrize("with_reference_list", [False, True])
def test_hard_negatives_are_not_citations(with_reference_list) -> None:
    # With a numbered reference list, bare numbers could be taken for reference markers.
    tail = "# References\n\n" + "\n\n".join(f"[{i}] Author, A. ({2000 + i}) Title." for i in range(1, 30))
    report = analysis_report(*HARD_NEGATIVES, tail=tail if with_reference_list else "")
    assert [c.text for c in find_citations(report, KB)] == []


@pytest.mark.parametrize(
    "clause, current",
    [
        ("Working Together to Safeguard Children (2010) states that a strategy discussion should be held", True),
        ("Current guidance, Working Together 2010, requires this", True),
        ("Under Working Together 2010 a strategy discussion is required", True),
        ("Agencies should act in line with Working Together 2010", True),
        ("The guidance in force at the time, Working Together 2010, required a strategy discussion", False),
        ("Agencies acted in line with Working Together 2010", False),
        ("The criteria set out in Working Together 2010 were met", False),
        ("Working Together 2010, since superseded, says this", False),
    ],
)
def test_presents_as_current(clause, current) -> None:
    assert presents_as_current(clause) is current


def test_research_versus_guidance() -> None:
    report = analysis_report("Brandon et al. (2020) and Working Together 2018 and (HM Government, 2018) and (Smith, 2017).")
    kinds = {c.text: is_research(c, KB) for c in find_citations(report, KB)}
    assert kinds == {"Brandon et al. (2020)": True, "Working Together 2018": False, "HM Government, 2018": False, "Smith, 2017": True}


def test_marker_glued_to_a_citation_is_one_citation() -> None:
    # A PDF's superscript after "(2009)" flattens to "(2009)2"; the note names the same work.
    report = read_text("""# 6. Analysis

6.30 The most recent national analysis, by Brandon et al. (2009)2, highlighted neglect.

6.31 This met the criteria in the current statutory guidance, Working Together to Safeguard Children (2010)1

[^1]: Working Together to Safeguard Children, HM Government 2010

[^2]: Brandon, M. et al. (2009) Understanding serious case reviews and their impact.
""")
    cites = find_citations(report, KB)
    assert [(c.text, c.entry_id) for c in cites] == [
        ("Brandon et al. (2009)", "brandon2009"),
        ("Working Together to Safeguard Children (2010)", "wt2010"),
    ]


def test_same_author_and_year_told_apart_by_title_words() -> None:
    found = _found(
        "The national Panel (2020) found exclusion a trigger for criminal exploitation.",
        "Safer sleep advice did not land (Child Safeguarding Practice Review Panel, 2020) when routines broke down.",
        "The Panel (2020) said so.",
    )
    assert found == [
        ("author_year", 2020, "panel2020_exploitation"),
        ("author_year", 2020, "panel2020_sudi"),
        ("author_year", 2020, None),
    ]  # nothing in the text to tell which


def test_a_year_before_working_together_that_names_no_edition_is_a_date() -> None:
    assert _found("In 2019 Working Together arrangements began locally.") == []
