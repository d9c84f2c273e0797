"""The cue lists (data/cues.yaml), validated and compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, ValidationInfo, field_validator

from qmark.data import DataFileError, data_path, load_yaml, validation_message
from qmark.report import ROLES


@lru_cache(maxsize=2048)
def _compiled(p: str) -> re.Pattern[str]:
    # Compiling the long cue alternations is most of the cost of loading the cue lists: each
    # pattern is compiled once, by validation, and load_cues takes the same object from here.
    return re.compile(p)


def _check_regex(v: str | None, case_sensitive: bool = False) -> str | None:
    """Validate a pattern by compiling the form that is matched (lower-cased unless case-sensitive)."""
    if v is not None:
        try:
            _compiled(v if case_sensitive else lower_pattern(v))
        except re.error as exc:
            raise ValueError(f"not a valid regular expression ({exc})") from None
    return v


def _check_roles(v: list[str]) -> list[str]:
    bad = [r for r in v if r not in ROLES]
    if bad:
        raise ValueError(f"unknown section role(s) {bad}; known: {', '.join(ROLES)}")
    return v


class CueSpec(BaseModel, extra="forbid"):
    case_sensitive: bool = False  # first: the pattern's validator needs it
    pattern: str
    weight: float = Field(1.0, ge=0, le=5)
    reason: str
    negatable: bool = False
    requires: str | None = None
    unless: str | None = None
    roles_off: list[str] = []
    roles_only: list[str] = []

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, v: str, info: ValidationInfo) -> str:
        return _check_regex(v, bool(info.data.get("case_sensitive", False))) or v

    @field_validator("requires", "unless")
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
    # A profile's extra cue file may leave out negation: the shared file's applies.
    negation: str | None = None
    labels: dict[str, LabelSpec]

    @field_validator("negation")
    @classmethod
    def _neg(cls, v: str | None) -> str | None:
        return _check_regex(v)


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern[str]
    case_sensitive: bool
    anchors: tuple[str, ...] | None  # a match must contain one of these; None: no such set
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


@dataclass(frozen=True)
class CueSet:
    negation: re.Pattern[str]
    labels: tuple[Label, ...]


_ESCAPED_OR_LETTER = re.compile(r"\\.|[A-Z]")


def lower_pattern(p: str) -> str:
    """A pattern for lower-cased text: letters lower-cased, escapes (\\W, \\S, \\b...) kept.

    Matching lower-cased text without re.IGNORECASE lets the regex engine skip ahead on the
    first character, several times faster on the long alternations cue lists are made of.
    """
    return _ESCAPED_OR_LETTER.sub(lambda m: m.group(0) if m.group(0).startswith("\\") else m.group(0).lower(), p)


def lower_text(text: str) -> str:
    """Lower case that keeps every offset: characters whose lower case is longer stay as they are."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def anchors(pattern: str) -> tuple[str, ...] | None:
    """Literal strings of which every match of the pattern must contain at least one.

    Found from the parsed pattern; None when no such set of strings of three or more
    characters can be shown. Checking them with 'in' is much cheaper than a regex search,
    and exact: a sentence without any of them cannot match.
    """
    try:
        import re._parser as sre  # type: ignore[import-not-found]

        parsed = sre.parse(pattern)
    except Exception:  # an internal module: without it, simply no prefilter
        return None
    found = _required(parsed, sre)
    if not found or min(len(a) for a in found) < 3:
        return None
    return tuple(sorted(found))


def _required(seq, sre) -> set[str] | None:
    """For a sequence of regex items: the best set of literals one of which must appear."""
    options: list[set[str]] = []
    run = ""
    for op, av in seq:
        if op is sre.LITERAL:
            run += chr(av)
            continue
        if run:
            options.append({run})
            run = ""
        if op is sre.SUBPATTERN:
            sub = _required(av[-1], sre)
            if sub:
                options.append(sub)
        elif op is sre.BRANCH:
            branches = [_required(b, sre) for b in av[1]]
            if all(branches):
                options.append(set().union(*branches))  # type: ignore[arg-type]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:
            sub = _required(av[2], sre)
            if sub:
                options.append(sub)
    if run:
        options.append({run})
    options = [o for o in options if o]
    if not options:
        return None
    # Prefer literals that rule sentences out: a set holding ' for ' or 'have ' matches nearly
    # every sentence, so a longer-but-rarer set is the better filter.
    return max(options, key=lambda o: (not any(x.strip() in _COMMON for x in o), min(len(x) for x in o), -len(o)))


_COMMON = frozenset(
    """a an the of to in on at for by with from as and or but not no is are was were be been
    have has had that this it its they their there which who what when would could should will may
    can did do does""".split()
)


def _compile(p: str | None, case_sensitive: bool = False) -> re.Pattern[str] | None:  # noqa: D103
    if p is None:
        return None
    return _compiled(p) if case_sensitive else _compiled(lower_pattern(p))


def merge_cues(base: CueSet, extra: CueSet) -> CueSet:
    """The base cue lists plus a profile's own labels (a label of the same name replaces the base one)."""
    names = {label.name for label in extra.labels}
    return CueSet(base.negation, tuple(lab for lab in base.labels if lab.name not in names) + extra.labels)


def _pattern(p: str, case_sensitive: bool = False) -> re.Pattern[str]:
    compiled = _compile(p, case_sensitive)
    assert compiled is not None
    return compiled


@lru_cache(maxsize=8)
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
            Cue(
                _pattern(c.pattern, c.case_sensitive),
                c.case_sensitive,
                anchors(c.pattern if c.case_sensitive else lower_pattern(c.pattern)),
                c.weight,
                c.reason,
                c.negatable,
                _compile(c.requires),
                _compile(c.unless),
                frozenset(c.roles_off),
                frozenset(c.roles_only),
            )
            for c in ls.cues
        )
        labels.append(Label(name, ls.public, ls.threshold, tuple(ls.unless_labels), cues))
    if spec.negation is None and path is None:
        raise DataFileError(f"{file}: field 'negation': required in the shared cue file")
    return CueSet(_pattern(spec.negation or r"(?!x)x"), tuple(labels))
