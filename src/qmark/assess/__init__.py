"""Assessment: annotations in, per-question evidence and suggested ratings out."""
from qmark.assess.pipeline import analyse, assess, to_assessment
from qmark.assess.records import Assessment, Evidence, QuestionResult, RATINGS

__all__ = ["assess", "analyse", "to_assessment", "Assessment", "Evidence", "QuestionResult", "RATINGS"]
