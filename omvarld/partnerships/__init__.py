"""Partnerships and half-yearly follow-ups (P3)."""
