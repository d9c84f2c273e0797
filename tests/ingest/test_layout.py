"""The shared line-layout rules, on lines as a PDF or a text export hands them over."""

from __future__ import annotations

from qmark.ingest.layout import pages_to_blocks

WIDE = "x" * 88  # pads a page so that the typical line width is that of a real report
BODY = [
    "The health visitor saw the baby at home and recorded that she was feeding well.",
    "Police attended the address after a neighbour called about shouting late at night.",
    "The school nurse met the child twice and noted that he seemed withdrawn in class.",
    "Children's social care closed the referral after a single visit to the family home.",
]


def texts(blocks, kind=None):
    return [b.text for b in blocks if kind is None or b.kind == kind]


def test_numbered_paragraphs_are_not_headings():
    page = [
        "4. Analysis",
        "",
        "4.12 The health visitor visited the family at home on three occasions in the month",
        "and recorded that the baby was thriving and that the mother was coping well.",
        "",
        "23. Mother told the GP that she was finding it hard to cope with the children",
        "and asked for help from the family support service, which was arranged quickly.",
        "",
        "4.13 The family moved.",
    ]
    blocks, _ = pages_to_blocks([page], paged=False)
    assert [(b.kind, b.level) for b in blocks if b.kind == "heading"] == [("heading", 1)]
    assert blocks[0].text == "4. Analysis"
    body = texts(blocks, "paragraph")
    assert body[0].startswith("4.12 The health visitor") and body[0].endswith("coping well.")
    assert body[1].startswith("23. Mother told the GP")
    assert body[2] == "4.13 The family moved."


def test_heading_shapes_and_levels():
    page = [
        "4 ANALYSIS",
        "",
        "4.2 Health visiting",
        "",
        "The health visitor saw the family every week during the period under review and kept notes.",
        "",
        "Section 5: Findings",
        "",
        "The first finding is about the front door and the way referrals were screened by the team.",
        "",
        "The GP Practice",
        "",
        "The practice received the notification and filed it without a GP reading it at the time.",
        "",
        "Appendix 1",
        "",
        "CSC means Children's Social Care, the local authority service for children in need.",
    ]
    blocks, _ = pages_to_blocks([page], paged=False)
    headings = [(b.text, b.level) for b in blocks if b.kind == "heading"]
    assert headings == [
        ("4 ANALYSIS", 1),
        ("4.2 Health visiting", 2),
        ("Section 5: Findings", 1),
        ("The GP Practice", 2),
        ("Appendix 1", 1),
    ]


def test_wrapped_lines_join_and_short_sentence_end_starts_a_paragraph():
    page = [
        "The review team met practitioners from health, police and children's social care at a",
        "learning event held in the spring, and heard how each agency understood the referral.",
        "Practitioners described a busy duty system in which most referrals were screened quickly.",
        "That was the view of all of them.",
        "Managers agreed that the system had been under strain for at least two years before this.",
    ]
    blocks, _ = pages_to_blocks([page], paged=False)
    assert len(blocks) == 2
    assert blocks[0].text.endswith("all of them.")
    assert blocks[1].text.startswith("Managers agreed")


def test_running_headers_footers_page_numbers_and_markings_become_noise():
    header = "Child Safeguarding Practice Review: Child P (Kestrel Vale Partnership)"
    footers = ["Page {n} of 4", "- {n} -", "{n}", "p. {n}"]
    pages = []
    for n in range(1, 5):
        top = (["OFFICIAL - SENSITIVE"] if n == 1 else []) + [header, ""]
        body = [f"{n}.1 {BODY[n - 1]}", BODY[(n + 1) % 4]]
        pages.append(top + body + ["", "Kestrel Vale LSCB, March 2023", footers[n - 1].format(n=n)])
    blocks, noise = pages_to_blocks(pages, paged=True)
    reasons = {(x.page, x.reason) for x in noise}
    assert (1, "classification") in reasons
    assert {(n, "running_header") for n in range(1, 5)} <= reasons
    assert {(n, "running_footer") for n in range(1, 5)} <= reasons
    assert {(n, "page_number") for n in range(1, 5)} <= reasons
    joined = "\n".join(b.text for b in blocks)
    assert header not in joined and "OFFICIAL" not in joined and "p. 4" not in joined
    assert "Kestrel Vale LSCB" not in joined
    assert [b.page for b in blocks if b.text.startswith(("1.1", "4.1"))] == [1, 4]


def test_marking_on_a_single_page_is_noise_but_not_in_the_body():
    pages = [
        ["CONFIDENTIAL", "", "1.1 This report is about Child P and what happened in the family home."],
        ["2.1 The review was CONFIDENTIAL until the board approved it for publication in 2023."],
    ]
    blocks, noise = pages_to_blocks(pages, paged=True)
    assert [(x.text, x.reason) for x in noise] == [("CONFIDENTIAL", "classification")]
    assert any("was CONFIDENTIAL until" in b.text for b in blocks)


def test_contents_page_entries_are_marked():
    pages = [
        [
            "Contents",
            "",
            "1. Introduction 3",
            "2. Method 4",
            "4. Analysis of practice ........ 12",
            "Key practice episodes and what they tell us about the system in",
            "Kestrel Vale ..... 15",
        ],
        ["1. Introduction", "", "1.1 The partnership commissioned this review after Child P was hurt."],
    ]
    blocks, _ = pages_to_blocks(pages, paged=True)
    contents = [b for b in blocks if b.in_contents]
    assert contents[0].kind == "heading" and contents[0].text == "Contents"
    assert [b.text.split("\n")[0] for b in contents[1:]] == [
        "1. Introduction 3",
        "2. Method 4",
        "4. Analysis of practice ........ 12",
        "Key practice episodes and what they tell us about the system in",
    ]
    assert not any(b.in_contents for b in blocks if b.text.startswith(("1. Introduction\n", "1.1")))
    assert blocks[-2].kind == "heading" and blocks[-2].text == "1. Introduction"


def test_paragraph_running_over_a_page_break_is_joined():
    pages = [
        [
            "4.3 The social worker visited the home and saw the children, but did not ask about the",
            "adults living there, which meant that the new partner was not known to the",
            "",
            "Page 1 of 2",
        ],
        ["department until much later in the year.", "", "4.4 The next paragraph starts here and is short.", "", "Page 2 of 2"],
    ]
    blocks, _ = pages_to_blocks(pages, paged=True)
    assert blocks[0].text.endswith("department until much later in the year.")
    assert blocks[0].page == 1
    assert blocks[1].text.startswith("4.4") and blocks[1].page == 2


def test_paragraph_ending_with_full_stop_is_not_joined_over_a_page_break():
    pages = [
        [WIDE, "", "4.3 The social worker visited the home and saw the children at the end of the month."],
        ["Records show a second visit in the following week, when the children were at school."],
    ]
    blocks, _ = pages_to_blocks(pages, paged=True)
    assert len([b for b in blocks if b.text.startswith(("4.3", "Records"))]) == 2


def test_footnotes_at_the_page_foot():
    page = [
        "2.1 The review followed the statutory guidance in force at the time of the incident.1",
        "It used a systems approach in which the review team met practitioners twice.",
        "",
        "1 Working Together to Safeguard Children, HM Government 2010",
        "2 Munro, E. (2011) The Munro Review of Child Protection: Final Report",
    ]
    blocks, _ = pages_to_blocks([page, ["2.2 Next page text that continues the method section."]], paged=True)
    notes = [b for b in blocks if b.kind == "footnote"]
    assert [b.text for b in notes] == [
        "[1] Working Together to Safeguard Children, HM Government 2010",
        "[2] Munro, E. (2011) The Munro Review of Child Protection: Final Report",
    ]
    assert notes[0].page == 1
    assert not any("Working Together to Safeguard Children, HM" in b.text for b in blocks if b.kind != "footnote")
    assert "time of the incident.[1]" in blocks[0].text


def test_numbered_heading_at_page_foot_is_not_a_footnote():
    pages = [
        ["1.1 The first paragraph of the report ends here with a full stop.", "", "2 Method"],
        ["2.1 The review used a systems approach."],
    ]
    blocks, _ = pages_to_blocks(pages, paged=True)
    assert not [b for b in blocks if b.kind == "footnote"]
    assert ("2 Method", "heading") in [(b.text, b.kind) for b in blocks]


def test_unpaged_text_with_page_lines_gets_pages():
    lines = [
        "1.1 First page text that is long enough to be a line of a real report.",
        "",
        "Page 1 of 2",
        "2.1 Second page text that is long enough to be a line of a real report.",
        "",
        "Page 2 of 2",
    ]
    blocks, noise = pages_to_blocks([lines], paged=False)
    assert [b.page for b in blocks] == [1, 2]
    assert [(x.text, x.page, x.reason) for x in noise] == [("Page 1 of 2", 1, "page_number"), ("Page 2 of 2", 2, "page_number")]


def test_lone_numbers_in_unpaged_text_are_kept():
    blocks, noise = pages_to_blocks([["12", "", "The family had 12 contacts with the GP."]], paged=False)
    assert not noise and blocks[0].text == "12"


def test_bullets_are_list_items():
    page = [
        "The review asked:",
        "\u2022 how information was shared between agencies",
        "\u2022 why the referral",
        "was closed",
        "(a) what the school knew",
    ]
    blocks, _ = pages_to_blocks([page], paged=False)
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "The review asked:"),
        ("list_item", "\u2022 how information was shared between agencies"),
        ("list_item", "\u2022 why the referral\nwas closed"),
        ("list_item", "(a) what the school knew"),
    ]
