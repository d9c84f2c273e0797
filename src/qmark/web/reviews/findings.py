"""The report-wide findings ("the analysis at a glance" and "passages to look at"), in the
profile's own words, for the overview page and the exports: the same figures as the command
line's HTML report (qmark.render.figure_lines)."""

from __future__ import annotations

from dataclasses import dataclass, field

from qmark.assess.records import Assessment, Flag


@dataclass
class FlagGroup:
    kind: str
    title: str
    open: bool
    flags: list[Flag]


@dataclass
class Glance:
    figures: list[tuple[str, str]]  # (value, caption)
    analysis_words: int
    analysis_sections: list[str]
    groups: list[FlagGroup] = field(default_factory=list)

    @property
    def flag_count(self) -> int:
        return sum(len(g.flags) for g in self.groups)

    def as_dict(self) -> dict:
        return {
            "analysis_words": self.analysis_words,
            "analysis_sections": self.analysis_sections,
            "figures": [{"value": v, "caption": c} for v, c in self.figures],
            "passages_to_look_at": [
                {
                    "kind": g.kind,
                    "title": g.title,
                    "passages": [
                        {"location": f.location.label if f.location else None, "quote": f.quote, "reason": f.reason} for f in g.flags
                    ],
                }
                for g in self.groups
            ],
        }


def _words(profile_id: str):
    from qmark.data import DataFileError
    from qmark.profile import load_profile

    for ref in (profile_id, None):  # the run's own profile, else the default one's wording
        try:
            return load_profile(ref).words
        except DataFileError:
            continue
    return None


def at_a_glance(assessment: Assessment, profile_id: str = "") -> Glance | None:
    """The findings of one assessment, or None if no profile's wording can be loaded."""
    from qmark.render import figure_lines

    words = _words(assessment.profile.id or profile_id)
    if words is None:
        return None
    by_kind: dict[str, list[Flag]] = {}
    for f in assessment.flags:
        by_kind.setdefault(f.kind, []).append(f)
    groups = [FlagGroup(kind, words.flag_title(kind), kind in words.open_flags, flags) for kind, flags in sorted(by_kind.items())]
    figures = assessment.figures
    return Glance(
        figures=figure_lines(figures, words),
        analysis_words=figures.analysis_words,
        analysis_sections=list(figures.analysis_sections),
        groups=groups,
    )
