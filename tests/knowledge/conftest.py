"""Make qmark importable from a checkout, and the helpers module beside the tests."""

from __future__ import annotations

import sys
from pathlib import Path

try:
    import qmark  # noqa: F401
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
