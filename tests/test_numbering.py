"""Printed paragraph numbers, in the styles published reviews use."""

import pytest

from qmark.segment.numbering import find_number, normalise, normalise_id


@pytest.mark.parametrize(
    "text, number",
    [
        ("4.12 The health visitor visited.", "4.12"),
        ("4.2.3 Mother was seen alone.", "4.2.3"),
        ("4.12. The health visitor visited.", "4.12"),
        ("4-12 The health visitor visited.", "4-12"),
        ("4\u201312 The health visitor visited.", "4\u201312"),
        ("Para 23 The GP saw Child A.", "Para 23"),
        ("Paragraph 23: The GP saw Child A.", "Paragraph 23"),
        ("Para. 4.2 The GP saw Child A.", "Para. 4.2"),
        ("\u00b6 7 The GP saw Child A.", "\u00b6 7"),
        ("23. Mother told the GP.", "23"),
        ("23) Mother told the GP.", "23"),
    ],
)
def test_styles(text, number):
    found = find_number(text)
    assert found is not None
    assert found[0] == number
    assert text[found[1] : found[2]].strip().startswith(number[:2])


@pytest.mark.parametrize(
    "text",
    [
        "In 2019 the family moved.",
        "2019. The family moved.",
        "10.30 am the police arrived.",
        "The GP saw Child A on 4.12.",
        "Page 7 of 31",
        "3 March 2020 was a Tuesday.",
    ],
)
def test_not_numbers(text):
    assert find_number(text) is None


@pytest.mark.parametrize(
    "raw, norm",
    [
        ("Para 23", "23"),
        ("Paragraph 23.", "23"),
        ("\u00b623", "23"),
        (" 4.12. ", "4.12"),
        ("4\u201312", "4-12"),
        ("23)", "23"),
    ],
)
def test_normalise(raw, norm):
    assert normalise(raw) == norm


def test_normalise_id_keeps_document_prefix():
    assert normalise_id("terms_of_reference:Para 3") == "terms_of_reference:3"
    assert normalise_id("4.12") == "4.12"
