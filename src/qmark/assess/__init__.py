"""Assessment: per-question evidence and suggested ratings, and the records they are kept in.
The engine (qmark.engine) runs it; `qmark.engine.assess` is the one-call entry point."""

from qmark.assess.records import RATINGS, Assessment, Evidence, QuestionResult

__all__ = ["Assessment", "Evidence", "QuestionResult", "RATINGS"]
