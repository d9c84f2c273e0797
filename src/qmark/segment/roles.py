"""Section roles from headings, and from content where no heading names one, using the
patterns in data/section_roles.yaml."""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, Field, ValidationError, field_validator

from qmark.data import DataFileError, data_path, load_yaml, validation_message
from qmark.report import ROLES


class RoleRule(BaseModel):
    role: str
    patterns: list[str]
    min_paragraphs: int = Field(1, ge=1, description="content rules only: a smaller group never takes this role")
    short_only: bool = Field(False, description="heading rules only: loose patterns that name a role only in a short heading")

    @field_validator("role")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in ROLES:
            raise ValueError(f"unknown role '{v}'; known roles: {', '.join(ROLES)}")
        return v

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        for p in v:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"pattern {p!r} is not a valid regular expression: {exc}") from None
        return v


class ContentRules(BaseModel):
    min_share: float = Field(0.5, gt=0, le=1)
    kin: list[list[str]] = []
    roles: list[RoleRule] = []


class RoleTable(BaseModel):
    roles: list[RoleRule]
    content: ContentRules = ContentRules()


@lru_cache(maxsize=1)
def _table() -> RoleTable:
    path = data_path("section_roles.yaml")
    try:
        return RoleTable.model_validate(load_yaml(path))
    except ValidationError as exc:
        raise DataFileError(validation_message(path, exc)) from None


def _compiled(rules: list[RoleRule]) -> list[tuple[str, re.Pattern[str]]]:
    return [(r.role, re.compile("|".join(f"(?:{p})" for p in r.patterns), re.I)) for r in rules]


@lru_cache(maxsize=1)
def load_roles() -> list[tuple[str, re.Pattern[str]]]:
    return _compiled(_table().roles)


_ESCAPE_OR_UPPER = re.compile(r"\\.|[A-Z]")


@lru_cache(maxsize=1)
def _content_roles() -> list[tuple[str, re.Pattern[str]]]:
    # Matched against lower-cased text without re.I, several times faster for long alternations;
    # escapes (\W, \S, \b) keep their case.
    def lower(p: str) -> str:
        return _ESCAPE_OR_UPPER.sub(lambda m: m.group(0) if m.group(0).startswith("\\") else m.group(0).lower(), p)

    return [(r.role, re.compile("|".join(f"(?:{lower(p)})" for p in r.patterns))) for r in _table().content.roles]


CONTENT_CHARS = 1500  # a paragraph's opening says what it is; a runaway 'paragraph' is not read whole


def content_roles(text: str) -> list[str]:
    """The roles a paragraph's own words point to ('The Board should ensure...': recommendations)."""
    return list(_roles_in(text[:CONTENT_CHARS].lower()))


@lru_cache(maxsize=4096)  # repeated paragraphs (table rows, boilerplate) are read once
def _roles_in(text: str) -> tuple[str, ...]:
    return tuple(role for role, pat in _content_roles() if pat.search(text))


def role_from_content(texts: list[str]) -> str | None:
    """The role most of a group's paragraphs point to, when at least min_share of them do."""
    if not texts:
        return None
    counts: dict[str, int] = {}
    least = {r.role: r.min_paragraphs for r in _table().content.roles}
    for t in texts:
        for role in content_roles(t):
            counts[role] = counts.get(role, 0) + 1
    counts = {r: c for r, c in counts.items() if len(texts) >= least.get(r, 1)}
    order = [role for role, _ in _content_roles()]
    best = max(counts, key=lambda r: (counts[r], -order.index(r)), default=None)
    if best is None:
        return None
    enough = _table().content.min_share * len(texts)
    if counts[best] >= enough:
        return best
    for kin in _table().content.kin:
        if best in kin and sum(1 for t in texts if set(content_roles(t)) & set(kin)) >= enough:
            return best
    return None


LONG_HEADING = 8  # words: a longer heading is a statement ('Once the children left school, ...')


def role_of(heading: str) -> str | None:
    """The role a heading names, or None when it names none (the caller inherits). A long
    heading is a statement of a finding or theme, so the loose patterns of a role marked
    short_only ('the children' for background) do not make it that section."""
    text = re.sub(r"^\s*(?:section\s+|part\s+)?[\d.\-\u2013:)]+\s*", "", heading, flags=re.I)
    long = len(text.split()) > LONG_HEADING
    for (role, pat), rule in zip(load_roles(), _table().roles, strict=True):
        if long and rule.short_only:
            continue
        if pat.search(text):
            return role
    return None


# Inside the body of a report a subsection keeps its parent's role even when its heading names
# a framing role: "KLOE 1: Recognising exploitation" under "Analysis" is analysis, not scope.
BODY_ROLES = frozenset({"analysis", "findings", "chronology", "conclusions"})
FRAMING_ROLES = frozenset({"terms_of_reference", "method", "background", "chronology", "family_involvement", "introduction"})


def section_role(heading: str, parent_role: str) -> str:
    """The role of a section, given its heading and the role of the section it sits in."""
    own = role_of(heading)
    if own is None:
        return parent_role
    if parent_role in BODY_ROLES and own in FRAMING_ROLES:
        return parent_role
    return own
