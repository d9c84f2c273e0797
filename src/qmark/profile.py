"""A profile: one quality marker as a folder of data, run by the one engine.

A profile folder holds `profile.yaml` (id, version, title, the pipeline's components and the
names of its other files) and the files it names: the framework (questions and what counts for
and against), guidance, knowledge base, currency rules, thresholds, the words the outputs use,
and any model files. Everything is validated on load; an error names the file, the field and
the problem. The profile's hash covers every byte the engine loaded, so the same hash always
means the same result.

Installed profiles are the folders under `qmark/profiles/`, plus any folder named in the
QMARK_PROFILES environment variable (os.pathsep-separated folders of profiles).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, model_validator

from qmark.assess.scope import ScopeRules, load_scope
from qmark.data import DataFileError, data_path, load_yaml, validation_message
from qmark.framework import Framework, parse_framework
from qmark.knowledge.base import CurrencyRules, Guidance, KnowledgeBase, load_currency_rules, load_guidance, load_knowledge_base
from qmark.thresholds import Thresholds, load_thresholds

DEFAULT_PROFILE = "analysis"
PROFILE_FILE = "profile.yaml"
# Engine-wide language data every profile uses unless it names its own copy.
SHARED_FILES = {
    "cues": "cues.yaml",
    "section_roles": "section_roles.yaml",
    "abbreviations": "abbreviations.yaml",
    "not_names": "not_names.yaml",
}


class ProfileFiles(BaseModel, extra="forbid"):
    framework: str = "framework.yaml"
    guidance: str = "guidance.yaml"
    thresholds: str = "thresholds.yaml"
    knowledge_base: str = "knowledge_base.yaml"
    currency: str = "currency.yaml"
    words: str = "words.yaml"
    scope: str | None = Field(None, description="signs of the kind of document the profile assesses (a case review); none: no check")
    cues: str | None = Field(None, description="the profile's own cue lists in place of the engine's shared ones")
    cues_extra: str | None = Field(None, description="labels added to the cue lists for this profile's own signals")
    models: dict[str, str] = Field(default_factory=dict, description="model files by name, for learned detectors and scorers")


class PipelineSpec(BaseModel, extra="forbid"):
    detectors: list[str] = Field(default_factory=lambda: ["cues", "knowledge"], min_length=1)
    scorer: str = "thresholds"


class Manifest(BaseModel, extra="forbid"):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]{1,40}$")
    version: str = Field(min_length=1)
    title: str = Field(min_length=3)
    description: str = ""
    source: str = Field("", description="where the marker's requirements come from, and how the questions relate to them")
    review_kinds: list[str] = []
    files: ProfileFiles = Field(default_factory=lambda: ProfileFiles())
    pipeline: PipelineSpec = Field(default_factory=lambda: PipelineSpec())


class RatingWords(BaseModel, extra="forbid"):
    label: str
    meaning: str


class FigureWords(BaseModel, extra="forbid"):
    """Captions for the report-wide figures; {placeholders} are filled in by the renderer."""

    explain_share: str = Field(description="after the share that explains; {n}: sentences judged")
    hindsight: str = Field(description="after the count of hindsight-laden judgements; {per_1000}, {mitigations}")
    explanations: str = Field(description="after 'systemic : individual'")
    citations: str = Field(description="after the count of citations with a year")

    @model_validator(mode="after")
    def _placeholders(self) -> FigureWords:
        try:
            self.explain_share.format(n=0)
            self.hindsight.format(per_1000=0, mitigations=0)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"a caption uses an unknown or malformed placeholder ({exc}); use only those described") from None
        return self


class QuestionWords(BaseModel, extra="forbid"):
    """What the feedback says about one question (Word assessment, reports, comments on a draft)."""

    strength: str = Field(description="a sentence for the list of strengths, when the question is met")
    develop: str = Field(description="what would strengthen the report on this question: areas for development and comments")


class FlagAdvice(BaseModel, extra="forbid"):
    """Which question a kind of flagged passage bears on, and what would strengthen such a passage."""

    question: str
    advice: str


class Words(BaseModel, extra="forbid"):
    """Every marker-specific word the outputs use."""

    questions_phrase: str = Field(description="how outputs refer to the question set, e.g. 'the marker's 11 questions'")
    ratings: dict[str, RatingWords]
    flags: dict[str, str] = {}
    figures: FigureWords
    open_flags: list[str] = Field(default_factory=list, description="flag kinds shown expanded in the HTML report")
    questions: dict[str, QuestionWords] = Field(default_factory=dict, description="per question id: strength and develop sentences")
    flag_advice: dict[str, FlagAdvice] = Field(default_factory=dict, description="per flag kind: the question it bears on and advice")
    comparisons: dict[str, str] = Field(
        default_factory=dict, description="per figure (explain_share, hindsight, explanations, citations): a point of comparison"
    )
    confidence: str = Field(
        "How often qmark's suggestions made with this much certainty agreed with an experienced assessor on reports it had not seen.",
        description="what the confidence figure means, in one sentence",
    )

    def flag_title(self, kind: str) -> str:
        return self.flags.get(kind, kind.replace("_", " ").capitalize())


@dataclass
class Profile:
    """A loaded, validated profile. Build engines from it; never mutate it."""

    manifest: Manifest
    folder: Path
    framework: Framework
    guidance: Guidance
    knowledge_base: KnowledgeBase
    currency: CurrencyRules
    thresholds: Thresholds
    words: Words
    files: dict[str, Path] = field(default_factory=dict)  # everything loaded, by role
    scope: ScopeRules | None = None

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def title(self) -> str:
        return self.manifest.title

    @property
    def question_ids(self) -> list[str]:
        return [q.id for q in self.framework.questions]

    def cues_path(self) -> Path:
        return self.files["cues"]

    def hash(self, extra: list[Path] | None = None, blob: bytes = b"") -> str:
        """sha256 over every file the engine loads for this profile, any extra files the caller
        or a detector loaded (thresholds given on the command line, model files) and any extra
        bytes (thresholds passed as an object). Files are read once per process."""
        h = hashlib.sha256()
        for role, path in sorted(self.files.items()):
            h.update(role.encode() + b"\0" + _digest(path) + b"\0")
        for p in extra or []:
            h.update(b"extra\0" + _digest(Path(p)) + b"\0")
        h.update(blob)
        return h.hexdigest()[:16]


@lru_cache(maxsize=256)
def _file_digest(path: Path, mtime_ns: int, size: int) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def _digest(path: Path) -> bytes:
    st = path.stat()
    return _file_digest(path.resolve(), st.st_mtime_ns, st.st_size)


def _builtin_root() -> Path:
    return Path(str(resources.files("qmark.profiles")))


def _search_roots() -> list[Path]:
    roots = [_builtin_root()]
    for extra in os.environ.get("QMARK_PROFILES", "").split(os.pathsep):
        if extra.strip():
            roots.append(Path(extra).expanduser())
    return roots


def installed() -> list[Path]:
    """Folders of the installed profiles, built-in first."""
    out: list[Path] = []
    for root in _search_roots():
        if root.is_dir():
            out.extend(sorted(p for p in root.iterdir() if (p / PROFILE_FILE).is_file()))
    return out


def resolve(ref: str | Path | None) -> Path:
    """A profile folder from an id or a path; None means the default profile."""
    ref = ref or DEFAULT_PROFILE
    p = Path(ref).expanduser()
    if p.is_dir() and (p / PROFILE_FILE).is_file():
        return p.resolve()
    if p.is_file() and p.name == PROFILE_FILE:
        return p.parent.resolve()
    ids = {}
    for folder in installed():
        try:
            ids[_manifest(folder).id] = folder
        except DataFileError:
            continue
    if str(ref) in ids:
        return ids[str(ref)]
    known = ", ".join(sorted(ids)) or "none"
    raise DataFileError(f"profile '{ref}': not an installed profile id or a profile folder; installed: {known}")


def _manifest(folder: Path) -> Manifest:
    path = folder / PROFILE_FILE
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise DataFileError(f"{path}: expected a mapping of fields at the top level")
    try:
        return Manifest.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(validation_message(path, exc)) from None


def _file(folder: Path, name: str, field_name: str) -> Path:
    p = (folder / name).resolve()
    if not p.is_file():
        raise DataFileError(f"{folder / PROFILE_FILE}: field 'files.{field_name}': file {name} not found in the profile folder")
    return p


def _model(model: type[BaseModel], path: Path) -> Any:
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise DataFileError(f"{path}: expected a mapping of fields at the top level")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(validation_message(path, exc)) from None


@lru_cache(maxsize=16)
def _load(folder: Path, stamp: tuple) -> Profile:  # stamp: reload when a file in the folder changes
    m = _manifest(folder)
    f = m.files
    files: dict[str, Path] = {"profile": folder / PROFILE_FILE}
    for role in ("framework", "guidance", "thresholds", "knowledge_base", "currency", "words"):
        files[role] = _file(folder, getattr(f, role), role)
    for role, name in SHARED_FILES.items():
        files[role] = data_path(name)
    if f.cues:
        files["cues"] = _file(folder, f.cues, "cues")
    if f.cues_extra:
        files["cues_extra"] = _file(folder, f.cues_extra, "cues_extra")
    if f.scope:
        files["scope"] = _file(folder, f.scope, "scope")
    for name, rel in f.models.items():
        files[f"model:{name}"] = _file(folder, rel, f"models.{name}")
    framework = parse_framework(files["framework"])
    kb = load_knowledge_base(files["knowledge_base"])
    guidance = load_guidance(files["guidance"], kb, [q.id for q in framework.questions])
    currency = load_currency_rules(files["currency"], kb)
    thresholds = load_thresholds(files["thresholds"])
    words = _model(Words, files["words"])
    missing = [r for r in ("met", "partly_met", "not_met", "not_evidenced") if r not in words.ratings]
    if missing:
        raise DataFileError(f"{files['words']}: field 'ratings': missing {', '.join(missing)}")
    scope = load_scope(files["scope"]) if "scope" in files else None
    return Profile(m, folder, framework, guidance, kb, currency, thresholds, words, files, scope)


def load_profile(ref: str | Path | None = None) -> Profile:
    """Load and validate a profile by id or folder (the default profile when None)."""
    folder = resolve(ref)
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.iterdir()) if p.is_file())
    return _load(folder, stamp)


__all__ = ["DEFAULT_PROFILE", "Manifest", "Profile", "Words", "installed", "load_profile", "resolve"]
