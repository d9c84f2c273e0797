import os
from pathlib import Path

import pytest


@pytest.fixture
def tasks_on_path(monkeypatch):
    """Make tests/batch importable in sandbox children (they inherit the environment)."""
    here = str(Path(__file__).parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([here, *filter(None, [os.environ.get("PYTHONPATH")])]))
    monkeypatch.syspath_prepend(here)
