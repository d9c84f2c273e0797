"""Is this document the kind the profile assesses? A shopping list, a novel or a council policy
is not a case review, and ratings for it would mean nothing.

A profile's scope file lists the signs of the kind of document it assesses (the work of
safeguarding agencies, a case told through dated events, the framing of a review...), each a
pattern and how often it must occur per 1,000 words of the main document. Each sign scores
its share of that rate, up to 1; a document whose signs score less than `min_score` in all is
out of scope: the assessment carries a warning naming what was missing or thin, and every
suggested rating is marked Check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, field_validator

from qmark.data import DataFileError, load_yaml, validation_message
from qmark.fastre import FOLDS_TO_ASCII, split_cases
from qmark.report import Report


class Sign(BaseModel, extra="forbid"):
    name: str = Field(min_length=3, description="what the sign is, as the warning names it when it is missing")
    pattern: str
    per_1000: float = Field(gt=0, description="occurrences per 1,000 words needed for the sign to be present")

    @field_validator("pattern")
    @classmethod
    def _regex(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression ({exc})") from None
        return v

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.I)

    @cached_property
    def fast(self) -> re.Pattern[str]:
        """`compiled` as the regex engine matches it fastest: the same matches in a text
        without FOLDS_TO_ASCII's letters (qmark.fastre)."""
        return split_cases(self.pattern, re.I)


class ScopeRules(BaseModel, extra="forbid"):
    kind: str = Field(min_length=3, description="the kind of document the profile assesses, e.g. 'a child safeguarding case review'")
    min_score: float = Field(gt=0, description="the signs' scores (each its share of its rate, up to 1) must add up to this")
    min_words: int = Field(100, ge=0, description="below this the document is too short to be one")
    signs: list[Sign] = Field(min_length=1)


def load_scope(path: str | Path) -> ScopeRules:
    file = Path(path)
    raw = load_yaml(file)
    if not isinstance(raw, dict):
        raise DataFileError(f"{file}: expected a mapping of fields at the top level")
    try:
        rules = ScopeRules.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(validation_message(file, exc)) from None
    if rules.min_score > len(rules.signs):
        raise DataFileError(f"{file}: field 'min_score': {rules.min_score} is more than the {len(rules.signs)} signs listed can score")
    return rules


@dataclass(frozen=True)
class SignFound:
    name: str
    per_1000: float
    needed: float

    @property
    def present(self) -> bool:
        return self.per_1000 >= self.needed

    @property
    def score(self) -> float:
        return min(1.0, self.per_1000 / self.needed)


@dataclass(frozen=True)
class ScopeCheck:
    kind: str
    words: int
    signs: tuple[SignFound, ...]
    score: float
    in_scope: bool

    @property
    def missing(self) -> list[str]:
        return [s.name for s in self.signs if not s.present]

    def warning(self) -> str:
        """One plain sentence for people, naming what was not found."""
        if self.words < 1:
            why = "it has no text"
        else:
            missing = self.missing
            why = (
                "little or nothing about " + (", ".join(missing[:-1]) + " or " + missing[-1] if len(missing) > 1 else missing[0])
                if missing
                else "it is too short"
            )
        return f"This document does not look like {self.kind} ({why}). The ratings below mean nothing for it: each is marked Check."


FAST_FROM_CHARS = 250_000
_chars_read = 0


def check(report: Report, rules: ScopeRules) -> ScopeCheck:
    """The signs in the main document, and whether there are enough of them."""
    main = next((d for d in report.documents if d.is_main), None)
    text = report.text[main.start : main.end] if main else report.text
    words = len(text.split())
    per = 1000 / max(words, 1)
    # Both forms find the same signs; the fast one takes about 0.06 s longer to build, which pays
    # for itself once this process has read some 100 pages (one long report, or a few in a batch).
    global _chars_read
    _chars_read += len(text)
    fast = _chars_read > FAST_FROM_CHARS and FOLDS_TO_ASCII.search(text) is None
    found = tuple(SignFound(s.name, round(len((s.fast if fast else s.compiled).findall(text)) * per, 2), s.per_1000) for s in rules.signs)
    score = round(sum(f.score for f in found), 2)
    return ScopeCheck(rules.kind, words, found, score, words >= rules.min_words and score >= rules.min_score)
