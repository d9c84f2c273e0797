"""Quality markers as data (data/frameworks/*.yaml), validated on load."""
from qmark.framework.model import Framework, Question, SignalWeight, load_framework

__all__ = ["Framework", "Question", "SignalWeight", "load_framework"]
