"""The cue lists (data/cues.yaml), validated and compiled once."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, field_validator

from qmark.data import DataFileError, data_path, load_yaml, validation_message
from qmark.report import ROLES


def _check_regex(v: str | None) -> str | None:
    if v is not None:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression ({exc})") from None
    return v


def _check_roles(v: list[str]) -> list[str]:
    bad = [r for r in v if r not in ROLES]
    if bad:
        raise ValueError(f"unknown section role(s) {bad}; known: {', '.join(ROLES)}")
    return v


class CueSpec(BaseModel, extra="forbid"):
    pattern: str
    weight: float = Field(1.0, ge=0, le=5)
    reason: str
    negatable: bool = False
    requires: str | None = None
    unless: str | None = None
    roles_off: list[str] = []
    roles_only: list[str] = []
    case_sensitive: bool = False

    @field_validator("pattern", "requires", "unless")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        return _check_regex(v)

    @field_validator("roles_off", "roles_only")
    @classmethod
    def _roles(cls, v: list[str]) -> list[str]:
        return _check_roles(v)


class LabelSpec(BaseModel, extra="forbid"):
    public: bool = True
    threshold: float = Field(1.0, gt=0)
    unless_labels: list[str] = []
    cues: list[CueSpec] = Field(min_length=1)


class CueFile(BaseModel, extra="forbid"):
    negation: str
    labels: dict[str, LabelSpec]

    @field_validator("negation")
    @classmethod
    def _neg(cls, v: str) -> str:
        return _check_regex(v)  # type: ignore[return-value]


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern[str]
    weight: float
    reason: str
    negatable: bool
    requires: re.Pattern[str] | None
    unless: re.Pattern[str] | None
    roles_off: frozenset[str]
    roles_only: frozenset[str]


@dataclass(frozen=True)
class Label:
    name: str
    public: bool
    threshold: float
    unless_labels: tuple[str, ...]
    cues: tuple[Cue, ...]
    gate: re.Pattern[str]    # all cue patterns in one: a quick 'could anything match?'


@dataclass(frozen=True)
class CueSet:
    negation: re.Pattern[str]
    labels: tuple[Label, ...]


def _compile(p: str | None, case_sensitive: bool = False) -> re.Pattern[str] | None:
    return None if p is None else re.compile(p, 0 if case_sensitive else re.I)


@lru_cache(maxsize=4)
def load_cues(path: str | None = None) -> CueSet:
    file = Path(path) if path else data_path("cues.yaml")
    try:
        spec = CueFile.model_validate(load_yaml(file))
    except ValidationError as exc:
        raise DataFileError(validation_message(file, exc)) from None
    names = list(spec.labels)
    labels = []
    for name, ls in spec.labels.items():
        for other in ls.unless_labels:
            if other not in names or names.index(other) >= names.index(name):
                raise DataFileError(f"{file}: field 'labels.{name}.unless_labels': '{other}' must be a label defined above '{name}'")
        cues = tuple(
            Cue(_compile(c.pattern, c.case_sensitive), c.weight, c.reason, c.negatable,
                _compile(c.requires), _compile(c.unless), frozenset(c.roles_off), frozenset(c.roles_only))
            for c in ls.cues
        )
        gate = re.compile("|".join(f"(?:{c.pattern})" for c in ls.cues), re.I)
        labels.append(Label(name, ls.public, ls.threshold, tuple(ls.unless_labels), cues, gate))
    return CueSet(re.compile(spec.negation, re.I), tuple(labels))
