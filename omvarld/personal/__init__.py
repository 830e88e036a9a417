"""Follows, the ranked personal feed, saves and hides (N7)."""
