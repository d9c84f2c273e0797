"""Segmentation: printed paragraph numbers, section roles, sentences, the report's date."""
