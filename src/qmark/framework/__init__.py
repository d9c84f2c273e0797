"""Quality markers as data (a profile's framework.yaml), validated on load."""

from qmark.framework.model import Framework, Question, SignalWeight, check_signals, parse_framework

__all__ = ["Framework", "Question", "SignalWeight", "check_signals", "parse_framework"]
