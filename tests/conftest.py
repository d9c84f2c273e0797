"""Fixtures for the whole suite."""

import sys
from pathlib import Path

import pytest

# tests/helpers.py is imported by name from test modules in this folder.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def sample_md() -> Path:
    from qmark.cli import sample_path

    return sample_path()
