"""Curator analytics without personal data (M10)."""
