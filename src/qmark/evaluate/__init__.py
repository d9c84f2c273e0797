"""Evaluation: replay labelled reports through the real pipeline and score it (cf. ASReview's simulate)."""
