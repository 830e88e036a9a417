"""Geographic map and relationship graph (M11)."""
