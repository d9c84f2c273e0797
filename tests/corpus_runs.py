"""Every corpus report assessed once per test session, for the tests that check all of them
(rationale consistency, the not-a-review check). The engine is the real one, with the shipped
profiles and thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from helpers import REPO
from qmark.assess.pipeline import Analysis
from qmark.assess.records import Assessment
from qmark.engine import Engine
from qmark.evaluate.corpus import load_reports
from qmark.profile import Profile

FOLDERS = (REPO / "corpus" / "dev", REPO / "corpus" / "test")
PROFILES = ("analysis", "sar-analysis")


@dataclass
class Run:
    name: str
    profile: Profile
    analysis: Analysis
    assessment: Assessment


@cache
def corpus_runs() -> tuple[Run, ...]:
    runs = []
    for pid in PROFILES:
        engine = Engine.from_profile(pid)
        for folder in FOLDERS:
            try:
                labelled = load_reports(folder, pid)
            except Exception:  # a split with no report for this profile
                continue
            for lr in labelled:
                analysis = engine.analyse(engine.read(lr.path, lr.working))
                runs.append(Run(lr.name, engine.profile, analysis, engine.rate(analysis)))
    return tuple(runs)
