"""Rating thresholds (a profile's thresholds.yaml): validated, and the one place ratings are cut."""

from __future__ import annotations

import math
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from qmark.data import DataFileError, load_yaml, validation_message


class Cuts(BaseModel, extra="forbid"):
    support_scale: float = Field(gt=0)
    against_scale: float = Field(gt=0)
    against_weight: float = Field(ge=0)
    none_below: float = Field(ge=0, le=1)
    met_from: float
    not_met_below: float


class Thresholds(BaseModel, extra="forbid"):
    default: Cuts
    human_read_below: float = Field(0.6, ge=0, le=1)
    confidence: list[tuple[float, float]] = Field(min_length=1)
    # Held-out share of suggestions that were right, per question. Questions differ more in
    # how reliable they are than margins do, so confidence blends the two.
    question_accuracy: dict[str, float] = {}
    questions: dict[str, dict[str, float]] = {}
    # What a rule-only sentence label is worth as a probability, per label, measured on the
    # labelled sentences of the corpus it was fitted on: [share of the sentences the rules give
    # the label that a reader also gave it, share of the sentences the rules do not give it that
    # a reader did]. The sentence annotations (assess --annotations) report these as scores.
    rule_scores: dict[str, tuple[float, float]] = {}

    def cuts(self, qid: str) -> Cuts:
        return Cuts(**{**self.default.model_dump(), **self.questions.get(qid, {})})

    def confidence_for(self, margin: float, qid: str | None = None) -> float:
        by_margin = next((conf for upper, conf in self.confidence if margin <= upper), self.confidence[-1][1])
        by_question = self.question_accuracy.get(qid or "")
        return by_margin if by_question is None else (by_margin + by_question) / 2


def load_thresholds(path: str | Path) -> Thresholds:
    """A thresholds file: a profile's own, or one written by `qmark calibrate --out`."""
    file = Path(path)
    raw = load_yaml(file)
    if not isinstance(raw, dict):
        raise DataFileError(f"{file}: expected a mapping of fields at the top level")
    try:
        t = Thresholds.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(validation_message(file, exc)) from None
    for qid, over in t.questions.items():
        unknown = set(over) - set(Cuts.model_fields)
        if unknown:
            raise DataFileError(f"{file}: field 'questions.{qid}': unknown setting(s) {sorted(unknown)}")
    return t


def strengths(support: float, against: float, cuts: Cuts) -> tuple[float, float]:
    s = 1 - math.exp(-support / cuts.support_scale)
    a = 1 - math.exp(-against / cuts.against_scale)
    return s, a


def decide(s: float, a: float, cuts: Cuts, cap: str | None = None, evidenced: bool = False) -> tuple[str, float]:
    """The rating, and how far the evidence sits from the nearest cut (the margin).

    cap: the best rating the question's parts allow ('partly_met' when a part the marker asks
    for is missing, 'not_evidenced' when none is done); evidenced: some part was found, so 'not
    evidenced' cannot be said."""
    z = s - cuts.against_weight * a
    none_margin = cuts.none_below - max(s, a)
    if cap == "not_evidenced":
        return "not_evidenced", abs(none_margin)
    if none_margin > 0 and not evidenced:
        return "not_evidenced", none_margin
    margins = [abs(none_margin)] if not evidenced else []
    if z >= cuts.met_from and cap != "partly_met":
        return "met", min(margins + [z - cuts.met_from])
    if z <= cuts.not_met_below:
        return "not_met", min(margins + [cuts.not_met_below - z])
    above = [] if cap == "partly_met" and z >= cuts.met_from else [cuts.met_from - z]
    return "partly_met", min(margins + above + [z - cuts.not_met_below], default=9.0)
