"""Case-ignoring patterns rewritten for speed (qmark.fastre) match exactly what the originals do."""

from __future__ import annotations

import random
import re

import pytest

from qmark.fastre import FOLDS_TO_ASCII, letter_cases, split_cases


def test_the_letters_outside_ascii_that_fold_to_ascii_ones_are_all_known():
    every = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    folding = {c for c in re.findall("[a-z]", every, re.I) if not c.isascii()}
    assert folding == set(FOLDS_TO_ASCII.pattern.strip("[]"))


def test_a_letter_s_cases_are_every_character_it_matches_ignoring_case():
    every = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    for letter in "aksiKSZ":
        assert set(letter_cases(letter) or "") == set(re.findall(letter, every, re.I))
    assert letter_cases("é") is None


PATTERNS = [
    r"\b(safeguard\w*|social (worker|work)|GPs?|police|Child [A-Z]|(Mr|Mrs) [A-Z]\w*)\b",
    r"\b(\d{1,2}(st|nd)? (January|May)|(19|20)\d\d|the review|SCR)\b",
    r"(?-i:(ab|Cd))|(ef|gH)|x(?-i:y|Z)",
    r"(?x) \b ( seen | saw | told ) \b",
    r"\b(s|sa\w+|se|\d+|so(cial|lid)|Sx|s\d)\b|s",
]
WORDS = "safeguarding SAFEGUARD Social worker GP gps Police Child A child b Mr Smith mrs jones 3rd may 2019 the Review scr".split()
WORDS += "ab AB Cd cd ef EF gh GH xy xY XZ xz seen SAW Told".split()
WORDS += "s S sa SAX se 12 so social SOLID sx SX s1 S2 as".split()


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_pattern_split_by_case_matches_what_it_did(pattern):
    rng = random.Random(7)
    text = " ".join(rng.choice(WORDS) + rng.choice(["", ".", ",", "-"]) for _ in range(3000))
    fast, plain = split_cases(pattern, re.I), re.compile(pattern, re.I)
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert fast.findall(text) == plain.findall(text)
