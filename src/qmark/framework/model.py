"""The framework model. A marker file that breaks these rules is refused with a message naming
the file, the field and the problem."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from qmark.data import DataFileError, load_yaml, validation_message
from qmark.report import ROLES


class SignalWeight(BaseModel, extra="forbid"):
    """A signal and how much it counts. 'a+b' counts a paragraph once when it has both a and b."""

    signal: str
    weight: float = Field(1.0, gt=0, le=5)

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.signal.split("+"))


class Part(BaseModel, extra="forbid"):
    """One part of a question that asks for several things at once ('what happened, how good
    the practice was, and why'). Found when at least `min` sentences in the question's sections carry one
    of its signals. A question with parts is rated met only when every part is found, 'not
    evidenced' when none is, and never 'not evidenced' when any is."""

    name: str = Field(min_length=3, description="what the part is, as a reader would say it: 'comments on the quality of practice'")
    signals: list[str] = Field(min_length=1)
    min: int = Field(1, ge=1)


class Question(BaseModel, extra="forbid"):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,15}$")
    short: str = Field(min_length=3)
    text: str = Field(min_length=10)
    look_in: list[str] = Field(min_length=1)
    supports: list[SignalWeight] = Field(min_length=1)
    against: list[SignalWeight] = []
    parts: list[Part] = []
    # Sides measured per 1,000 words of analysis rather than in total: long reports naturally
    # contain more of everything. [] / [against] / [support, against].
    density: list[Literal["support", "against"]] = []
    # Sides counted in total over the analysis, scaled up for an analysis shorter than the
    # framework's reference_words (no length penalty; see Framework.reference_words).
    length_neutral: list[Literal["support", "against"]] = []
    elsewhere: float | None = Field(None, ge=0, le=1, description="overrides the framework's elsewhere_factor")
    evidence_means: str
    against_means: str = ""
    not_found: str

    @field_validator("look_in")
    @classmethod
    def _roles(cls, v: list[str]) -> list[str]:
        bad = [r for r in v if r not in ROLES]
        if bad:
            raise ValueError(f"unknown section role(s) {bad}; known: {', '.join(ROLES)}")
        return v


class Requirement(BaseModel, extra="forbid"):
    id: str
    text: str


class Framework(BaseModel, extra="forbid"):
    id: str = Field(min_length=1)
    version: str
    title: str
    marker: str = ""
    quality_statement: str
    rationale: str
    requirements: list[Requirement] = []
    elsewhere_factor: float = Field(0.5, ge=0, le=1)
    # No length penalty: a question's length_neutral sides (totals over the analysis) are scaled
    # up, for an analysis shorter than this, to what they would be at this length at the same
    # rate. Long reports are never scaled down. 0: off.
    reference_words: int = Field(0, ge=0)
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Framework:
        ids = [q.id for q in self.questions]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"question ids must be unique; repeated: {', '.join(dupes)}")
        return self

    def number(self, qid: str) -> int:
        """A question's position in the marker, from 1."""
        return 1 + [q.id for q in self.questions].index(qid)

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)


def check_signals(fw: Framework, known: set[str], path: Path | str) -> list[str]:
    """One line per signal a question names that no detector in the pipeline provides."""
    problems = []
    for q in fw.questions:
        for kind in ("supports", "against"):
            for i, sw in enumerate(getattr(q, kind)):
                for part in sw.parts:
                    if part not in known:
                        problems.append(
                            f"{path}: field 'questions.{q.id}.{kind}.{i}.signal': unknown signal "
                            f"'{part}'; known signals: {', '.join(sorted(known))}"
                        )
        for i, pt in enumerate(q.parts):
            for sig in pt.signals:
                if sig not in known:
                    problems.append(
                        f"{path}: field 'questions.{q.id}.parts.{i}.signals': unknown signal '{sig}'; known signals: {', '.join(sorted(known))}"
                    )
    return problems


def parse_framework(path: str | Path) -> Framework:
    """Load and validate a framework file."""
    file = Path(path)
    raw = load_yaml(file)
    if not isinstance(raw, dict):
        raise DataFileError(f"{file}: expected a mapping of fields at the top level")
    try:
        return Framework.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(validation_message(file, exc)) from None
