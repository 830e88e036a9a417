"""Webinar bank (P2)."""
