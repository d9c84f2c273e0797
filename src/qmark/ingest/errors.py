"""Errors a person can act on: one line, naming the file and what is wrong."""
from __future__ import annotations


class IngestError(Exception):
    """A document could not be read. str() is the one-line message shown to the user."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")
