"""Limits on the work done for one document: wall time and memory. Kept apart from the sandbox
that enforces them so that the command line can show the defaults without loading it."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_SECONDS = 120.0
DEFAULT_MEMORY_MB = 2048


@dataclass(frozen=True)
class Limits:
    """Per-call limits. `seconds` is wall time; `memory_mb` is the child's whole address space
    (interpreter and libraries included, about 100 MB before any document); 0 means no limit."""

    seconds: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB

    def __post_init__(self) -> None:
        if self.seconds < 0 or self.memory_mb < 0:
            raise ValueError("limits cannot be negative")


__all__ = ["DEFAULT_MEMORY_MB", "DEFAULT_SECONDS", "Limits"]
