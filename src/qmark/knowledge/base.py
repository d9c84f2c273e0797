"""The knowledge base (guidance editions, milestones, research), the per-question guidance and the
currency thresholds: pydantic models over the YAML files in qmark/data, validated on load.

A bad data file raises DataFileError with one line naming the file, the entry and the field, so
an expert editing the YAML can find the mistake without reading a traceback.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from qmark.data import DataFileError, load_yaml

_ID = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    # Unknown fields are errors: a misspelt key would otherwise be silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- knowledge base


class Edition(_Strict):
    id: str = Field(pattern=_ID)
    year: int = Field(ge=1990, le=2100)
    title: str
    publisher: str
    published: dt.date
    in_force_from: dt.date
    in_force_until: dt.date | None = None
    transition_until: dt.date | None = None  # the previous edition's arrangements ran on until then
    updated: str | None = None
    case_review_chapter: int = Field(ge=1)
    case_review_subject: str
    other_years: list[int] = []  # years of updates people cite the edition by
    note: str | None = None
    aliases: list[str] = []

    # The name of the statutory guidance series, set by the knowledge base that holds the edition.
    _series: str = PrivateAttr(default="")

    @property
    def label(self) -> str:
        return f"{self._series} {self.year}".strip()


class Milestone(_Strict):
    id: str = Field(pattern=_ID)
    year: int = Field(ge=1900, le=2100)
    date: dt.date | None = None
    jurisdiction: str
    title: str
    summary: str
    authors: list[str] = []
    note: str | None = None
    aliases: list[str] = []

    @property
    def label(self) -> str:
        return self.title


class Research(_Strict):
    id: str = Field(pattern=_ID)
    authors: list[str] = Field(min_length=1)
    et_al: bool = False  # further authors not listed
    year: int = Field(ge=1900, le=2100)
    title: str
    gist: str
    tags: list[str] = []
    note: str | None = None
    aliases: list[str] = []

    @property
    def label(self) -> str:
        first = self.authors[0]
        if self.et_al:
            who = f"{first} et al."
        elif len(self.authors) == 2:
            who = f"{first} and {self.authors[1]}"
        elif len(self.authors) > 2:
            who = f"{first} et al."
        else:
            who = first
        return f"{who} {self.year}"


Entry = Edition | Milestone | Research


class KnowledgeBase(_Strict):
    # What the statutory guidance editions are called ("Working Together"), in labels and guidance.
    guidance_series: str = Field(min_length=1)
    policy_authors: list[str] = []
    corporate_authors: list[str] = []
    author_aliases: dict[str, str] = {}
    tags: dict[str, str]
    editions: list[Edition] = Field(min_length=1)
    milestones: list[Milestone] = []
    research: list[Research] = []

    _by_id: dict[str, Entry] = PrivateAttr(default_factory=dict)
    _by_author_year: dict[tuple[str, int], list[Entry]] = PrivateAttr(default_factory=dict)
    _aliases: dict[str, str] = PrivateAttr(default_factory=dict)
    _policy: set[str] = PrivateAttr(default_factory=set)

    def entry(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def edition(self, entry_id: str) -> Edition | None:
        e = self.entry(entry_id)
        return e if isinstance(e, Edition) else None

    def is_research(self, entry_id: str | None) -> bool:
        return entry_id is not None and isinstance(self.entry(entry_id), Research)

    def edition_for_year(self, year: int) -> Edition | None:
        """The edition a year names: its own year, or a year of one of its updates."""
        for ed in self.editions:
            if year == ed.year or year in ed.other_years:
                return ed
        return None

    def edition_in_force(self, on: dt.date) -> Edition | None:
        current = None
        for ed in self.editions:
            if ed.in_force_from <= on:
                current = ed
        return current

    def previous_edition(self, ed: Edition) -> Edition | None:
        i = self.editions.index(ed)
        return self.editions[i - 1] if i else None

    def by_author_year(self, author: str, year: int, context: str = "") -> Entry | None:
        """The research entry or milestone a citation's first author and year name.

        Two works by one author in one year (the Panel's 2020 reviews) are told apart by words of
        their titles in the citing text; when that does not settle it, nothing is resolved rather
        than a guess made.
        """
        found = self._by_author_year.get((self._author_key(author), year), [])
        if len(found) <= 1:
            return found[0] if found else None
        near = _stems(context)
        scores = [len(_stems(e.title) & near) for e in found]
        best = max(scores)
        return found[scores.index(best)] if best and scores.count(best) == 1 else None

    def _author_key(self, author: str) -> str:
        key = name_key(author)
        return self._aliases.get(key, key)

    def is_policy_author(self, author: str) -> bool:
        return name_key(author) in self._policy

    def aliases(self) -> list[tuple[str, Entry]]:
        """Every alias with its entry, longest first so the fullest form wins."""
        pairs = [(a, e) for e in self._by_id.values() for a in e.aliases]
        return sorted(pairs, key=lambda p: -len(p[0]))

    def model_post_init(self, __context: Any) -> None:
        # Lookup tables, built once: citations resolve against them many times per report.
        entries: list[Entry] = [*self.editions, *self.milestones, *self.research]
        self._by_id = {e.id: e for e in entries}
        for ed in self.editions:
            ed._series = self.guidance_series
        self._aliases = {name_key(k): name_key(v) for k, v in self.author_aliases.items()}
        self._by_author_year = {}
        authored: list[Milestone | Research] = [*self.milestones, *self.research]
        for e in authored:
            if e.authors:
                self._by_author_year.setdefault((name_key(e.authors[0]), e.year), []).append(e)
        self._policy = {name_key(a) for a in self.policy_authors}


# Title words too common in this field to tell two works apart.
_COMMON = frozenset("safeguarding children child review reviews analysis serious national practice protection learning report".split())


def _stems(text: str) -> set[str]:
    # Six-letter stems, so that "exploited" in a report matches "exploitation" in a title.
    return {w[:6] for w in re.findall(r"[a-z]{6,}", text.lower()) if w not in _COMMON}


def name_key(name: str) -> str:
    """Comparable form of an author name: no accents, case, punctuation or spacing."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower())


def _check_knowledge_base(kb: KnowledgeBase) -> list[tuple[str, str, str]]:
    """Cross-entry checks pydantic cannot do alone: (entry, field, problem)."""
    problems: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    entries: list[Entry] = [*kb.editions, *kb.milestones, *kb.research]
    for e in entries:
        if e.id in seen:
            problems.append((e.id, "id", "duplicate id"))
        seen.add(e.id)
    for prev, ed in zip(kb.editions, kb.editions[1:]):
        if ed.in_force_from <= prev.in_force_from:
            problems.append(
                (
                    ed.id,
                    "in_force_from",
                    f"{ed.in_force_from} is not after the previous edition's ({prev.id}, {prev.in_force_from}); editions must be in date order",
                )
            )
        if prev.in_force_until != ed.in_force_from:
            problems.append(
                (prev.id, "in_force_until", f"should be {ed.in_force_from}, the date the next edition ({ed.id}) came into force")
            )
    if kb.editions[-1].in_force_until is not None:
        problems.append((kb.editions[-1].id, "in_force_until", "the latest edition has no end date"))
    for ed in kb.editions:
        if ed.published > ed.in_force_from:
            problems.append((ed.id, "in_force_from", "is before the publication date"))
        if ed.transition_until is not None and ed.transition_until <= ed.in_force_from:
            problems.append((ed.id, "transition_until", "must be after in_force_from"))
    for r in kb.research:
        for t in r.tags:
            if t not in kb.tags:
                problems.append((r.id, "tags", f"unknown tag '{t}'; known tags: {', '.join(kb.tags)}"))
    return problems


# ---------------------------------------------------------------- guidance


class Obstacle(_Strict):
    obstacle: str
    tackle: str


class StatutoryLink(_Strict):
    editions: list[str] = Field(min_length=1)
    point: str


class MarkerGuidance(_Strict):
    title: str
    knowledge_base: list[str] = Field(min_length=1)
    statutory_guidance: list[StatutoryLink] = Field(min_length=1)
    inspection: list[str] = Field(min_length=1)
    obstacles: list[Obstacle] = Field(min_length=1)


class QuestionGuidance(_Strict):
    id: str
    title: str
    good: list[str] = Field(min_length=1)
    weak: list[str] = Field(min_length=1)
    obstacles: list[Obstacle] = Field(min_length=1)
    statutory: list[StatutoryLink] = []
    inspection: str
    reading: list[str] = []


class Guidance(_Strict):
    marker: MarkerGuidance
    questions: list[QuestionGuidance]

    def question(self, question_id: str) -> QuestionGuidance | None:
        return next((q for q in self.questions if q.id == question_id), None)


def check_guidance(g: Guidance, kb: KnowledgeBase, question_ids: list[str]) -> list[tuple[str, str, str]]:
    """Problems in guidance: unknown editions or readings, and questions missing or unknown."""
    problems: list[tuple[str, str, str]] = []
    editions = [e.id for e in kb.editions]

    def links(entry: str, field: str, items: list[StatutoryLink]) -> None:
        for i, link in enumerate(items):
            for ed in link.editions:
                if ed not in editions:
                    problems.append((entry, f"{field}.{i}.editions", f"unknown edition '{ed}'; known editions: {', '.join(editions)}"))

    links("marker", "statutory_guidance", g.marker.statutory_guidance)
    ids = [q.id for q in g.questions]
    for qid in question_ids:
        if qid not in ids:
            problems.append((qid, "id", f"question missing; every question ({', '.join(question_ids)}) needs guidance"))
    for q in g.questions:
        if q.id not in question_ids:
            problems.append((q.id, "id", f"unknown question id; the framework's questions are {', '.join(question_ids)}"))
        if ids.count(q.id) > 1:
            problems.append((q.id, "id", "duplicate question"))
        links(q.id, "statutory", q.statutory)
        for ref in q.reading:
            if kb.entry(ref) is None:
                problems.append((q.id, "reading", f"unknown knowledge-base id '{ref}'"))
    return problems


# ---------------------------------------------------------------- currency thresholds


class ResearchRules(_Strict):
    recent_years: int = Field(ge=1, le=50)
    old_years: int = Field(ge=1, le=100)
    exempt_tags: list[str] = []


class GuidanceRules(_Strict):
    grace_months: int = Field(ge=0, le=36)


class CurrencyRules(_Strict):
    research: ResearchRules
    guidance: GuidanceRules


def _check_rules(rules: CurrencyRules, kb: KnowledgeBase) -> list[tuple[str, str, str]]:
    problems = []
    if rules.research.old_years < rules.research.recent_years:
        problems.append(("research", "old_years", "must be at least recent_years"))
    for t in rules.research.exempt_tags:
        if t not in kb.tags:
            problems.append(("research", "exempt_tags", f"unknown tag '{t}'; known tags: {', '.join(kb.tags)}"))
    return problems


# ---------------------------------------------------------------- loading


def _where(raw: Any, loc: tuple[Any, ...]) -> tuple[str, str]:
    """(entry, field) for an error location: list items are named by their id, not their index."""
    if not loc:
        return "(top level)", "(top level)"
    head, rest = loc[0], list(loc[1:])
    if rest and isinstance(rest[0], int):
        items = raw.get(head) if isinstance(raw, dict) else None
        ident = None
        if isinstance(items, list) and rest[0] < len(items) and isinstance(items[rest[0]], dict):
            ident = items[rest[0]].get("id")
        entry = f"'{ident}' ({head})" if ident else f"{head} #{rest[0] + 1}"
        rest = rest[1:]
    else:
        entry = f"'{head}'"
    field = ".".join(str(x) for x in rest) or "(the whole entry)"
    return entry, field


def _fail(path: Path, raw: Any, exc: ValidationError) -> DataFileError:
    errors = exc.errors()
    first = errors[0]
    entry, field = _where(raw, tuple(first.get("loc", ())))
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return DataFileError(f"{path}: entry {entry}, field '{field}': {first.get('msg', 'invalid')}{more}")


def _cross_fail(path: Path, problems: list[tuple[str, str, str]]) -> DataFileError:
    entry, field, msg = problems[0]
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return DataFileError(f"{path}: entry '{entry}', field '{field}': {msg}{more}")


def _load(model: type[BaseModel], path: str | Path) -> tuple[Path, Any]:
    p = Path(path)
    raw = load_yaml(p)
    if not isinstance(raw, dict):
        raise DataFileError(f"{p}: expected a mapping at the top level")
    try:
        return p, model.model_validate(raw)
    except ValidationError as exc:
        raise _fail(p, raw, exc) from None


def load_knowledge_base(path: str | Path) -> KnowledgeBase:
    """A knowledge base file, validated (a profile's knowledge_base.yaml)."""
    p, kb = _load(KnowledgeBase, path)
    problems = _check_knowledge_base(kb)
    if problems:
        raise _cross_fail(p, problems)
    return kb


def load_guidance(path: str | Path, kb: KnowledgeBase, question_ids: list[str]) -> Guidance:
    """Per-question and marker-level guidance, checked against the knowledge base and the questions."""
    p, g = _load(Guidance, path)
    problems = check_guidance(g, kb, question_ids)
    if problems:
        raise _cross_fail(p, problems)
    return g


def load_currency_rules(path: str | Path, kb: KnowledgeBase) -> CurrencyRules:
    """Thresholds for the research-currency check."""
    p, rules = _load(CurrencyRules, path)
    problems = _check_rules(rules, kb)
    if problems:
        raise _cross_fail(p, problems)
    return rules
