"""Detectors: mark sentences with labels and a reason a person can read."""

from qmark.signals.annotation import Annotation, Annotations
from qmark.signals.detect import PUBLIC_LABELS, annotate, label_sentence

__all__ = ["Annotation", "Annotations", "annotate", "label_sentence", "PUBLIC_LABELS"]
