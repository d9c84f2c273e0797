"""Outputs: a terminal summary, JSON in a versioned schema, one self-contained HTML file."""
