"""Section roles from headings, using the patterns in data/section_roles.yaml."""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ValidationError, field_validator

from qmark.data import DataFileError, data_path, load_yaml, validation_message
from qmark.report import ROLES


class RoleRule(BaseModel):
    role: str
    patterns: list[str]

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


class RoleTable(BaseModel):
    roles: list[RoleRule]


@lru_cache(maxsize=1)
def load_roles() -> list[tuple[str, re.Pattern[str]]]:
    path = data_path("section_roles.yaml")
    try:
        table = RoleTable.model_validate(load_yaml(path))
    except ValidationError as exc:
        raise DataFileError(validation_message(path, exc)) from None
    return [(r.role, re.compile("|".join(f"(?:{p})" for p in r.patterns), re.I)) for r in table.roles]


def role_of(heading: str) -> str | None:
    """The role a heading names, or None when it names none (the caller inherits)."""
    text = re.sub(r"^\s*(?:section\s+|part\s+)?[\d.\-\u2013:)]+\s*", "", heading, flags=re.I)
    for role, pat in load_roles():
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
