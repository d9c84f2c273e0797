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


class OneLineSecurityFilter(logging.Filter):
    """Django's security loggers (a bad Host header, a path probe) log every refused request
    with a full stack trace. Refusing them is normal work: keep one escaped line, no trace."""

    def filter(self, record: logging.LogRecord) -> bool:
        from qmark.ingest.errors import one_line

        message = one_line(record.getMessage())
        record.msg, record.args = message[:300], None
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
