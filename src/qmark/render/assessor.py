"""What assessors decided about an assessment, as the outputs show it beside qmark's suggestions.

The web app keeps judgements as append-only records; it turns its current view of them into an
AssessorJudgements for the Word, HTML, PDF and CSV outputs, so every output draws on the same
records whichever surface made it. The command line has none: its outputs say every rating is
qmark's suggestion only."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AssessorRating:
    """A person's rating of one question. `kind` says how it was reached: 'assessor' for one
    assessor's own rating, 'agreed' for a rating agreed after two assessors compared theirs."""

    rating: str
    by: str
    at: str  # ISO date or date-time
    comment: str = ""
    kind: str = "assessor"


@dataclass(frozen=True)
class AddedEvidence:
    """A passage an assessor added as evidence for a question."""

    label: str
    text: str
    by: str
    comment: str = ""


@dataclass
class AssessorJudgements:
    ratings: dict[str, AssessorRating] = field(default_factory=dict)  # by question id
    decisions: dict[str, str] = field(default_factory=dict)  # 'for:4.12' / 'against:#7' -> 'accepted' | 'rejected'
    added: dict[str, list[AddedEvidence]] = field(default_factory=dict)  # by question id
    complete: bool = False
    completed_by: str = ""
    completed_at: str = ""
    organisation: str = ""
    reference: str = ""
    review_title: str = ""
    exported_by: str = ""

    def decision(self, side: str, evidence_id: str) -> str | None:
        return self.decisions.get(f"{side}:{evidence_id}")
