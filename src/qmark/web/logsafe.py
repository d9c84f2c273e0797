"""Logging that cannot leak report text: an exception is written as its type and the stack
frames (file, line, function), never its message, which may quote a document."""
from __future__ import annotations

import logging
import traceback


class SafeFormatter(logging.Formatter):
    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        etype, _value, tb = ei
        frames = "".join(traceback.format_tb(tb)) if tb else ""
        name = getattr(etype, "__qualname__", str(etype))
        return f"Traceback (most recent call last):\n{frames}{name} (message withheld: it may quote a document)"
