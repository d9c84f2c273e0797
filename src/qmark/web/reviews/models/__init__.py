"""Models, one module per concept."""

from qmark.web.reviews.models.appendonly import AppendOnlyError
from qmark.web.reviews.models.audit import AuditEvent, AuditKind
from qmark.web.reviews.models.carryover import CarryOver
from qmark.web.reviews.models.judgement import Judgement, JudgementKind
from qmark.web.reviews.models.organisation import Membership, Organisation
from qmark.web.reviews.models.review import Document, DocumentRole, Review, ReviewType
from qmark.web.reviews.models.run import AssessmentRun, RunStatus
from qmark.web.reviews.models.signin import SignInLink

__all__ = [
    "AppendOnlyError",
    "AuditEvent",
    "AuditKind",
    "CarryOver",
    "Judgement",
    "JudgementKind",
    "Membership",
    "Organisation",
    "Document",
    "DocumentRole",
    "Review",
    "ReviewType",
    "AssessmentRun",
    "RunStatus",
    "SignInLink",
]
