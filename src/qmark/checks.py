"""System checks, in the style of Django's: every installed profile and shared data file is
loaded and cross-checked, and each problem is reported with a stable id, so `qmark check` can
list them all and CI can refuse a broken data file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qmark.data import DataFileError, data_path


@dataclass(frozen=True)
class Problem:
    id: str  # qmark.E001 (error) or qmark.W001 (warning)
    where: str  # the profile or file concerned
    message: str

    @property
    def is_error(self) -> bool:
        return ".E" in self.id

    def __str__(self) -> str:
        return f"{self.id} {self.where}: {self.message}"


# The ids, what they mean. Never reuse an id for another meaning.
CHECKS = {
    "qmark.E001": "a profile cannot be loaded: a file is missing or a field is invalid",
    "qmark.E002": "a profile's pipeline names an unknown detector or scorer, or a question uses a signal no detector gives",
    "qmark.E003": "two installed profiles share an id",
    "qmark.E004": "a shared data file (cue lists, section roles, abbreviations, names) is invalid",
    "qmark.W001": "thresholds name a question the framework does not have",
    "qmark.W002": "the profile's words have no title for a kind of flag assessments carry, or name an unknown kind",
    "qmark.W003": "the profile's words have no strength and development sentences for a question (outputs fall back to the guidance), or name a question the framework does not have",
}


def _shared() -> list[Problem]:
    from qmark.segment.roles import load_roles
    from qmark.segment.sentences import load_abbreviations
    from qmark.signals.case import load_not_names
    from qmark.signals.cues import load_cues

    out = []
    for name, load in (
        ("cues.yaml", lambda: load_cues(str(data_path("cues.yaml")))),
        ("section_roles.yaml", load_roles),
        ("abbreviations.yaml", load_abbreviations),
        ("not_names.yaml", load_not_names),
    ):
        try:
            load()
        except DataFileError as exc:
            out.append(Problem("qmark.E004", name, str(exc)))
        except Exception as exc:  # noqa: BLE001 - any failure to load shared data is a problem to list
            out.append(Problem("qmark.E004", name, f"{type(exc).__name__}: {exc}"))
    return out


def check_profile(folder: Path) -> tuple[str | None, list[Problem]]:
    """(profile id or None, problems) for one profile folder."""
    from qmark.engine import Engine
    from qmark.profile import load_profile

    try:
        profile = load_profile(folder)
    except DataFileError as exc:
        return None, [Problem("qmark.E001", str(folder), str(exc))]
    problems: list[Problem] = []
    try:
        Engine(profile)
    except DataFileError as exc:
        problems.append(Problem("qmark.E002", profile.id, str(exc)))
    from qmark.assess.figures import FLAG_KINDS

    words = profile.files["words"]
    for kind in FLAG_KINDS:
        if kind not in profile.words.flags:
            problems.append(Problem("qmark.W002", profile.id, f"{words}: field 'flags': no title for '{kind}'"))
    for kind in sorted(set(profile.words.flags) - set(FLAG_KINDS)):
        problems.append(
            Problem("qmark.W002", profile.id, f"{words}: field 'flags': '{kind}' is not a kind of flag; known: {', '.join(FLAG_KINDS)}")
        )
    for qid in profile.question_ids:
        if qid not in profile.words.questions:
            problems.append(Problem("qmark.W003", profile.id, f"{words}: field 'questions': nothing for '{qid}'"))
    named = [("questions", k, k) for k in profile.words.questions] + [
        ("flag_advice", k, v.question) for k, v in profile.words.flag_advice.items()
    ]
    for field_name, key, qid in named:
        if qid not in profile.question_ids:
            problems.append(
                Problem("qmark.W003", profile.id, f"{words}: field '{field_name}.{key}': '{qid}' is not a question of the framework")
            )
    ids = set(profile.question_ids)
    t = profile.thresholds
    for qid in sorted((set(t.questions) | set(t.question_accuracy)) - ids):
        problems.append(Problem("qmark.W001", profile.id, f"{profile.files['thresholds']}: question '{qid}' is not in the framework"))
    return profile.id, problems


def run_checks(refs: list[str] | None = None) -> list[Problem]:
    """Every problem in the given profiles (all installed ones when None) and the shared data."""
    from qmark.profile import installed, resolve

    problems = _shared()
    if refs:
        try:
            folders = [resolve(r) for r in refs]
        except DataFileError as exc:
            return [*problems, Problem("qmark.E001", ", ".join(refs), str(exc))]
    else:
        folders = installed()
    seen: dict[str, Path] = {}
    for folder in folders:
        pid, found = check_profile(folder)
        problems += found
        if pid is not None:
            if pid in seen and seen[pid] != folder:
                problems.append(Problem("qmark.E003", pid, f"defined in both {seen[pid]} and {folder}"))
            seen.setdefault(pid, folder)
    return problems


__all__ = ["CHECKS", "Problem", "check_profile", "run_checks"]
