"""Fictional review reports, written for the marker-logic tests (issue 10): one invented case,
Child K, told in parts that a test can put together in different ways. Nothing here comes
from a real review or from the development corpus."""

from __future__ import annotations

TITLE = (
    "# Northbury Safeguarding Children Partnership\n\n## Local Child Safeguarding Practice Review: Child K\n\nPublished: 14 March 2023\n\n"
)

INTRO = [
    "This report is about Child K, who was nine months old when she was admitted to hospital with a fractured femur in August 2021.",
    "The safeguarding partners asked for a review that would explain why practice went as it did, so that the partnership could learn how its services work together.",
]

METHOD = [
    "The lead reviewer read the records of five agencies and held conversations with eleven practitioners and three managers.",
    "A learning event was held in November 2021 with practitioners from health, children's social care, the police and the nursery.",
]

WHAT_HAPPENED = [
    "The health visitor visited the family on 12 February 2021 and weighed Child K.",
    "On 3 April 2021 the police attended the flat after a neighbour reported shouting.",
    "The nursery recorded a bruise on Child K's arm on 20 May 2021 and told her mother.",
    "Children's social care received the police notification on 9 April 2021 and closed it the same day.",
]

QUALITY = [
    "The health visitor's assessment in February was thorough and well documented.",
    "The decision to close the police notification without a call to the health visitor was premature.",
    "The nursery's recording of the bruise was careful, but the response to it was inadequate.",
]

WHY = [
    "Because the police notification went to a duty inbox that nobody was allocated to read that week, it was screened by an agency worker who did not know the family.",
    "The health visiting team was carrying four vacancies, which meant that the planned visit in May was cancelled and never rebooked.",
    "The nursery had no agreed route for passing a concern about a bruise to the health visitor, so the information stayed in the nursery's own file.",
    "The screening form asked whether a child was known to social care but had no field for what health services knew, which made it harder to see the pattern.",
]

WIDER = [
    "This pattern is not peculiar to this case: across the partnership, notifications of domestic incidents are routinely closed without a call to health.",
    "An audit of 40 notifications by the review team found that 31 were closed without any contact with the health visitor.",
    "Health visitors at the learning event told the review that this happens routinely when a family has no open case.",
]

RECOMMEND = [
    "The partnership should agree a route for nurseries to pass concerns about injuries to health visitors.",
    "Children's social care should ensure that every domestic abuse notification about a child under one is discussed with health.",
]


def numbered(section: int, sentences: list[str], per_paragraph: int = 1) -> str:
    """Paragraphs '5.1 ...', '5.2 ...' of the given sentences."""
    paras = [" ".join(sentences[i : i + per_paragraph]) for i in range(0, len(sentences), per_paragraph)]
    return "\n\n".join(f"{section}.{n} {text}" for n, text in enumerate(paras, 1))


def report(*sections: tuple[str | None, list[str]], title: str = TITLE) -> str:
    """A Markdown report: each section a heading (or None for no heading) and its sentences,
    numbered by section."""
    out = [title]
    for n, (heading, sentences) in enumerate(sections, 1):
        if heading is not None:
            out.append(f"## {n}. {heading}\n\n")
        out.append(numbered(n, sentences) + "\n\n")
    return "".join(out)
