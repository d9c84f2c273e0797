"""qmark: evidence-linked assessment of the analysis in case reviews."""

__version__ = "0.1.0"
