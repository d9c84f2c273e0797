"""`qmark guide` text."""

from __future__ import annotations

import pytest

from qmark.knowledge.guide import guide_text as _guide_text
from qmark.profile import load_profile

PROFILE = load_profile()
QUESTION_IDS = PROFILE.question_ids


def guide_text(qid=None, width=88):
    return _guide_text(PROFILE.guidance, PROFILE.knowledge_base, qid, width)


def test_marker_guide_has_the_three_seed_headings_and_every_question() -> None:
    text = guide_text()
    for heading in ("Knowledge base", "Link to statutory guidance", "Tackling some common obstacles"):
        assert heading in text
    for qid in QUESTION_IDS:
        assert f"\n{qid} " in text
    assert "Working Together 2018: in force Jul 2018" in text


@pytest.mark.parametrize("qid", ["q6", "Q6", "6"])
def test_question_guide(qid) -> None:
    text = guide_text(qid)
    assert text.startswith("Q6. ")
    for heading in ("What good looks like", "What weak looks like", "Common obstacles", "Statutory guidance"):
        assert heading in text
    assert "Fischhoff 1975" in text


@pytest.mark.parametrize("width", [60, 88, 120])
def test_lines_fit_the_width(width) -> None:
    for qid in (None, *QUESTION_IDS):
        assert max(len(line) for line in guide_text(qid, width=width).splitlines()) <= width


def test_unknown_question_lists_the_known_ones() -> None:
    with pytest.raises(ValueError) as err:
        guide_text("q12")
    assert "q12" in str(err.value) and "q1, q2" in str(err.value) and "q11" in str(err.value)
