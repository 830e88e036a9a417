"""Delphi panel studies that set the watch list (P5)."""
