"""The records an assessment produces. They are what the JSON output, the HTML report and the
web app all read, so they are versioned: SCHEMA_VERSION changes when a field's meaning does."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

SCHEMA_VERSION = "1.2"

Rating = Literal["met", "partly_met", "not_met", "not_evidenced"]
RATINGS: tuple[str, ...] = ("met", "partly_met", "not_met", "not_evidenced")
RATING_LABELS = {
    "met": "Met",
    "partly_met": "Partly met",
    "not_met": "Not met",
    "not_evidenced": "Not evidenced",
}


class Location(BaseModel):
    document: str = Field(description="File stem of the document the paragraph is in.")
    page: int | None = Field(None, description="Page number (1-based) where the paragraph starts, when the format has pages.")
    paragraph: str | None = Field(None, description="The paragraph number as printed in the report, e.g. '4.12' or 'Para 23'.")
    paragraph_index: int = Field(description="Position of the paragraph in qmark's reading (0-based).")
    section: str | None = Field(None, description="Heading of the section the paragraph is in.")
    section_role: str = Field(description="Role of that section: analysis, findings, method, ...")
    label: str = Field(description="Human-readable location, e.g. 'para 4.12, p. 9 (Analysis)'.")


class Signal(BaseModel):
    label: str = Field(description="Detector label, e.g. hindsight_judgement.")
    reason: str = Field(description="Why the detector fired, in plain English.")
    start: int = Field(description="Offset of the matched words in the canonical text.")
    end: int


class Evidence(BaseModel):
    id: str = Field(
        description="Evidence id as used in gold files: the printed paragraph number, or '#N' when the paragraph has none; prefixed 'document:' for working documents."
    )
    location: Location
    quote: str = Field(description="The sentence or sentences that matched.")
    start: int = Field(description="Offset of the quote in the canonical text.")
    end: int
    paragraph_text: str = Field(description="The whole paragraph, for reading the quote in context.")
    quote_in_paragraph: tuple[int, int] = Field(description="Where the quote sits within paragraph_text.")
    signals: list[Signal]
    score: float = Field(description="How strongly this paragraph bears on the question (0-1, relative within the question).")


class QuestionResult(BaseModel):
    question: str = Field(description="Question id, as the profile's framework names it (e.g. q6).")
    number: int = Field(description="The question's position in the marker, from 1.")
    short: str
    text: str = Field(description="The marker's question, word for word.")
    rating: Rating
    confidence: float = Field(
        ge=0,
        le=1,
        description="How likely the suggested rating is to match an experienced assessor's; 0 when the document does not look like the kind the profile assesses (see warnings).",
    )
    needs_human_read: bool = Field(
        description="True when confidence is low: an assessor should read the evidence before relying on the suggestion."
    )
    rationale: str = Field(description="Plain-English reasons, naming the evidence.")
    evidence: list[Evidence] = Field(description="Paragraphs that support the question, strongest first.")
    counter_evidence: list[Evidence] = Field(description="Paragraphs that count against it, strongest first.")
    not_found: str | None = Field(None, description="Present when no evidence was found: what was looked for and where.")
    support: float = Field(description="Strength of supporting evidence, 0-1.")
    against: float = Field(description="Strength of counter-evidence, 0-1.")


class SentenceAnnotation(BaseModel):
    text: str
    start: int = Field(description="Offset of the sentence in the canonical text (the report and its working documents joined).")
    end: int
    paragraph: int = Field(description="Index of its paragraph in qmark's reading (0-based), as Location.paragraph_index.")
    labels: list[str] = Field(
        description="Every label the detectors gave the sentence: the twelve sentence labels and the profile's own signals."
    )
    scores: dict[str, float] = Field(
        description=(
            "A probability per sentence label that a reader would give it. From a detector's own probability where one "
            "exists; for a label only the cue rules decide, the share of the labelled corpus's sentences with the same "
            "rule decision (fired or not) that a reader gave the label, so the rules' precision when they fire."
        )
    )


class ReportWarning(BaseModel):
    kind: str = Field(description="not_a_review: the document does not look like the kind of review the profile assesses")
    message: str = Field(description="What is wrong, in one plain sentence for people.")


class Flag(BaseModel):
    kind: str = Field(
        description="hindsight_judgement, individual_explanation, description_only (a section of the analysis that describes or judges without explaining), superseded_guidance, old_research, no_research, no_date, ..."
    )
    location: Location | None
    quote: str
    reason: str


class Citation(BaseModel):
    text: str
    kind: str
    year: int | None
    age_at_report: int | None = Field(None, description="Years between the cited work and the report's date.")
    entry: str | None = Field(None, description="Knowledge-base entry it was matched to, if any.")
    location: Location | None


class Figures(BaseModel):
    words: int
    analysis_words: int = Field(description="Words in the sections treated as analysis.")
    analysis_sections: list[str]
    hindsight_judgements: int
    hindsight_per_1000_words: float = Field(description="Hindsight-laden judgements per 1,000 words of analysis.")
    hindsight_mitigations: int
    analysis_sentences: int
    explaining_sentences: int
    describing_or_judging_sentences: int = Field(description="Analysis sentences that describe or judge without explaining.")
    explain_share: float = Field(description="Share of analysis sentences that explain, among those that explain, describe or judge.")
    systemic_explanations: int
    individual_explanations: int
    citations: list[Citation]
    newest_research_year: int | None
    median_research_age: float | None


class DocumentInfo(BaseModel):
    name: str
    format: str
    sha256: str
    pages: int
    role: Literal["report", "working_document"]
    ocr_confidence: list[float | None] | None = Field(
        None, description="When the document was read by OCR: each page's mean word confidence (0-100), None for a page with no words."
    )


class ReportInfo(BaseModel):
    title: str
    date: str | None = Field(description="The report's own date (ISO), read from the report or given with --date.")
    date_source: str
    documents: list[DocumentInfo]
    pages: int
    paragraphs: int
    numbered_paragraphs: int
    sections: list[str]
    noise_removed: int = Field(description="Running headers, footers and markings kept out of the analysis.")
    notes: list[str] = Field(
        default_factory=list,
        description="How the documents were read, where the assessor should know: e.g. read by OCR, with each page's confidence.",
    )


class ProfileInfo(BaseModel):
    id: str = Field(description="The profile's id, e.g. analysis or sar-analysis.")
    version: str
    title: str
    hash: str = Field(description="Hash of every file the engine loaded for this profile, and of thresholds or models given by the caller.")


class FrameworkInfo(BaseModel):
    id: str
    version: str
    title: str


class Assessment(BaseModel):
    schema_version: str = SCHEMA_VERSION
    engine_version: str
    config_hash: str = Field(
        description="Hash of everything the engine loaded (the profile's files, cue lists, thresholds and models): same hash and fingerprint, same result."
    )
    fingerprint: str = Field(description="sha256 over the documents' own sha256 sums, in order.")
    created: str = Field(description="When the assessment was made (ISO 8601, UTC).")
    profile: ProfileInfo
    framework: FrameworkInfo
    report: ReportInfo
    questions: list[QuestionResult]
    figures: Figures
    flags: list[Flag]
    warnings: list[ReportWarning] = Field(
        default_factory=list, description="Reasons to distrust the whole assessment, e.g. a document that is not a case review."
    )
    sentences: list[SentenceAnnotation] | None = Field(
        None, description="Only with --annotations: every sentence in reading order, with its labels and scores."
    )

    @model_validator(mode="before")
    @classmethod
    def _from_schema_1_0(cls, data: Any) -> Any:
        # Assessments stored before profiles (schema 1.0) were all made with the Analysis marker:
        # read them as that profile, so runs kept by the web app stay readable after an upgrade.
        if isinstance(data, dict) and "profile" not in data and isinstance(data.get("framework"), dict):
            fw = data["framework"]
            data = {
                **data,
                "profile": {
                    "id": "analysis",
                    "version": fw.get("version", ""),
                    "title": fw.get("title", ""),
                    "hash": data.get("config_hash", ""),
                },
            }
        return data

    def result(self, qid: str) -> QuestionResult:
        return next(q for q in self.questions if q.question == qid)
