"""The fast sentence path (cut at certain ends, syntok for the rest) gives syntok's own sentences:
on every paragraph of both corpora and the benchmark's text, and on generated awkward text."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from qmark.ingest import read_report
from qmark.segment.sentences import raw_spans, syntok_spans

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
REPORTS = sorted(
    p
    for p in CORPUS.rglob("*")
    if p.suffix in (".md", ".txt", ".html") and p.name not in ("NOTES.md", "README.md") and "briefs" not in p.parts
)


def test_corpus_paragraphs_split_as_syntok_splits_them() -> None:
    assert len(REPORTS) > 80
    checked = 0
    for path in REPORTS:
        report = read_report(path)
        for p in report.paragraphs:
            text = report.text[p.start : p.end]
            assert raw_spans(text) == syntok_spans(text), (path.name, p.index)
            checked += 1
    assert checked > 5000


# Pieces of report prose chosen for what trips sentence splitters: abbreviations, initials,
# numbers, brackets, quotations, roman numerals, 'No.', months, semicolons, ellipses, lists.
PIECES = [
    "The health visitor saw the baby at home.",
    "She did not ask about the father.",
    "The GP (Dr. Patel) referred him.",
    "Mr. Jones and Mrs. Jones were seen.",
    "See para. 4.12 and s.47 of the Act.",
    "Brandon et al. (2020) found the same.",
    "It was e.g. a matter for the team; The manager agreed.",
    "The review (see Appendix B. The chronology) sets this out.",
    "Case No. 5 was closed.",
    "On 3 Jan. 2020 the school called.",
    "Part II. The findings follow.",
    "J. Smith led the review.",
    "'Seen. No concerns. NFA.' was the entry.",
    '"Why did nobody ask?" she said.',
    "It rained... The visit went ahead.",
    "What happened next? The record is silent!",
    "Wow! The team met.",
    "approx. Ten visits were made.",
    "The NHS. Trusts were involved.",
    "He said it was fine (The Trust agreed.) Nobody asked.",
    "the staff [The board] decided.",
    "Four things: First, the visit.",
    "(The mother was not present.) The father was.",
    "etc. The end.",
    "vs. The other view.",
    "Findings\n\nThe first finding.",
    "It was 2019. The year before.",
    "The U.K. Government agreed.",
    "in 2021.[3] Westmarch's audit followed.",
    "a) the visit. b) the call.",
    "They met; they agreed.",
    "Seen by the nurse.  Then the doctor.",
    "Section 2. The method.",
    "St. Mary's school and Co. Durham agreed.",
    "Ms. Brown, Prof. Lee and Gen. Staff met.",
    "I. The scope. II. The method.",
    "The CAMHS. The referral was late.",
    "It was well-known. The child's. The worker's view.",
    "It ended.The next began.",
    "It ended.\nThe next began.",
    "The mother said \u201cno.\u201d The father left.",
    "She asked why? They said \u2018because.\u2019 Then left.",
    "The review [Appendix A. Methods] is long.",
    "Was it? (Nobody knew.) The end.",
    "A. Practitioners. B. Managers.",
    "max. The limit was reached.",
    "In Dec. 2019 the visit; In Jan. the call.",
    "It closed in 2019. May was when it reopened.",
    "The visits ended in 2019. Mar was the next month.",
    "He was 14. The school knew. She was 4. The baby.",
    "Seen on 12. Sept was the review.",
    "The ratio was 10. Fifteen staff were off.",
    "It was noted; she agreed. it was late! and then? nobody.",
    "The audit. the panel. THE END. No. 12.",
    "The skeletal survey was done. A second survey followed.",
    "It was seen by the multi-agency safeguarding hub (MASH). A single assessment followed.",
    "The hub (MASH) Then decided.",
    "The worker (see above. The rest) said so.",
    "as the research says (Brandon et al. 2020) and (Smith, 2019) the pattern holds.",
    "The nurse (who had known the family for years, and had seen the baby at every clinic) did not ask.",
    "The team (a) visited (b) called.",
    "Two reviews (2014; 2017) found this. Others (Smith. Jones) did not.",
    "(The mother agreed.) then left.",
    "He (15) Was seen.",
    "The GP [Dr Patel] said {see note} nothing.",
    "The plan (see para 4.2)). It ended.",
    "The plan ) was odd ( and this.",
    "Seen at home (twice) A visit.",
    "It was filed on the record. MASH practitioners said so; Kai's pain was not seen; NHS staff knew.",
    "The visit was in MAY. It was in the SPRING; MAY was late. ON the day.",
    "The audit (2021; Smith, 2020. The figures) show this.",
]


@pytest.mark.parametrize("seed", range(60))
def test_generated_text_splits_as_syntok_splits_it(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(50):
        text = " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 8)))
        assert raw_spans(text) == syntok_spans(text), text


def test_quote_marks_are_found_where_the_plain_patterns_find_them() -> None:
    # The shipped patterns put the mark first so the regex engine can jump between marks; they
    # must find exactly what the plain ones (what stands before the mark, then the mark) find.
    import re

    from qmark.segment.sentences import _CLOSES_SINGLE, _OPENS_SINGLE

    opens = re.compile(r"(?:(?<=^)|(?<=[\s(\[\u2014\u2013-]))'(?=\w)")
    closes = re.compile(r"(?<=[\w.!?,;:)\u2026])'(?=$|[\s.,;:!?)\]\u2014\u2013-])")
    rng = random.Random(7)
    texts = ["".join(rng.choice("ab '\"(-\u2014.,)\n\u2026!") for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    for text in texts + PIECES:
        assert [m.start() for m in _OPENS_SINGLE.finditer(text)] == [m.start() for m in opens.finditer(text)], text
        assert [m.start() for m in _CLOSES_SINGLE.finditer(text)] == [m.start() for m in closes.finditer(text)], text
