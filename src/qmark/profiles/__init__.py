"""Built-in profiles: one folder each (see qmark.profile)."""
