"""The cue prefilter (anchors found in one Aho-Corasick pass) may only ever skip a regex that
cannot match: on every sentence of both corpora, every cue whose pattern matches is a candidate."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from qmark.profile import load_profile
from qmark.signals.cues import anchors, cached_anchors, lower_text
from qmark.signals.detect import profile_cues

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def corpus_sentences() -> list[str]:
    out: list[str] = []
    for f in sorted(CORPUS.rglob("*.sentences*.jsonl")):
        out += [json.loads(line)["text"] for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


@pytest.mark.parametrize("profile", ["analysis", "sar-analysis"])
def test_no_cue_that_matches_is_filtered_out(profile: str) -> None:
    cues = profile_cues(load_profile(profile))
    sentences = corpus_sentences()
    assert len(sentences) > 3000
    skipped_matches, skipped = 0, 0
    for text in sentences:
        low = lower_text(text)
        possible = cues.candidates(text, low)
        for k, cue in enumerate(cues.cues):
            if k in possible:
                continue
            skipped += 1
            if cue.pattern.search(text if cue.case_sensitive else low):
                skipped_matches += 1
    assert skipped_matches == 0
    assert skipped > 10 * len(sentences)  # and the filter does rule most cues out


def test_anchors_are_ways_of_groups() -> None:
    # fixed parts next to each other make one group of every text they can match together
    assert anchors(r"\b(reflects|mirrors) the (national|wider) picture") == (
        (("mirrors the national picture", "mirrors the wider picture", "reflects the national picture", "reflects the wider picture"),),
    )
    assert anchors(r"\b(other|another) (views?|hypothes[ie]s)\b (\w+ )?held") == (
        (
            (
                "another hypotheses ",
                "another hypothesis ",
                "another view ",
                "another views ",
                "other hypotheses ",
                "other hypothesis ",
                "other view ",
                "other views ",
            ),
            ("held",),
        ),
    )
    # two branches that are not fixed: two ways
    assert anchors(r"\bcaseloads? (were|was) (\w+ )?high|\bstaff(ing)? (\w+ )?shortages?") == (
        (("caseload was ", "caseload were ", "caseloads was ", "caseloads were "), ("high",)),
        (("shortage", "shortages"), ("staff ", "staffing ")),
    )
    # a branch with no usable literal leaves the pattern unfiltered
    assert anchors(r"\bcaseload|\w+ed\b") is None
    # words every sentence has filter nothing; rare punctuation does
    assert anchors(r"\bthe (\w+) ") is None
    assert anchors(r"\[\d{1,3}\]") == ((("[",), ("]",)),)


@pytest.mark.parametrize(
    "pattern",
    [r"\b(post|posts)s? (had been |was )?(vacant|cut)\b", r"(a|b)(c|d)(e|f)(g|h)(i|j)(k|l)x{2,}yz", r"^(\W*)had (\w+ ){0,4}\w+ed\b"],
)
def test_anchors_are_necessary(pattern: str) -> None:
    # Every match of the pattern holds, along some way, a string of each group.
    found = anchors(pattern)
    rx = re.compile(pattern)
    samples = ["post was vacant", "posts cut", "acegikxxyz", "bdfhjlxxxyz", "had the   mother been warned", "Had he"]
    for s in samples:
        m = rx.search(s)
        if m and found is not None:
            assert any(all(any(a in s for a in g) for g in way) for way in found), (pattern, s)


def test_anchors_are_kept_between_runs_and_a_damaged_cache_is_worked_out_again(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("QMARK_CACHE_DIR", str(tmp_path))
    patterns = [r"\b(reflects|mirrors) the (national|wider) picture", r"\bcaseload|\w+ed\b", r"\[\d{1,3}\]"]
    first = cached_anchors(patterns)
    assert first == [anchors(p) for p in patterns]
    (file,) = tmp_path.glob("anchors-*.json")
    assert cached_anchors(patterns) == first  # read back, the same tuples
    file.write_text("[[[", encoding="utf-8")
    assert cached_anchors(patterns) == first  # damaged: worked out again
    assert cached_anchors(patterns[:2]) == first[:2]  # other patterns, another key
    assert len(list(tmp_path.glob("anchors-*.json"))) == 2
    monkeypatch.setenv("QMARK_CACHE_DIR", "off")
    assert cached_anchors(patterns) == first
