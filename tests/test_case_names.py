"""The names a report uses for its child are counted as the plain pattern would count them."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from qmark.signals.case import _POSSESSIVE, _WORD, _mentions

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def test_names_are_counted_as_matching_every_capitalised_word_would_count_them() -> None:
    rng = random.Random(3)
    pieces = ["Skye", "Sam", "Samuel", "Sky", "the", ". ", "! ", "\n", "_", "'s", " ", " ", "Jordan", "\u00e9", "3", ".\u00a0", "Kyle"]
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.rglob("*.md"))[:20]]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    for text in texts:
        names = Counter(m.group(1) for m in _POSSESSIVE.finditer(text))
        names.update(["Skye", "Sam", "Samuel", "Jordan"])
        plain = Counter(m.group(1) for m in _WORD.finditer(text) if m.group(1) in names)
        # the same counts, and the same order among equal counts (first seen first)
        assert _mentions(text, names).most_common() == plain.most_common(), text[:80]
