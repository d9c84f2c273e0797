"""Helpers for the knowledge tests: small markdown reports built in the test itself."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

try:
    import qmark  # noqa: F401
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from qmark.ingest import read_text
from qmark.report import Report


def analysis_report(*paragraphs: str, front: str = "", tail: str = "") -> Report:
    """A report whose analysis section holds the given paragraphs, numbered 4.1, 4.2, ..."""
    body = "\n\n".join(f"4.{i} {p}" for i, p in enumerate(paragraphs, 1))
    head = f"# Serious Case Review: Child S\n\n{front}\n\n" if front else ""
    return read_text(f"{head}# 4. Analysis\n\n{body}\n\n{tail}")


@pytest.fixture
def report_of():
    return analysis_report
