"""Views: thin, one module per area. Every review lookup goes through access.get_review_for."""
