"""Signals for callers that follow what became of their mail (by the ``ref`` they gave).

``mail_sent(message)``: the server accepted it. ``mail_failed(message, permanent)``: given up,
either refused for good by the server (``permanent``) or still failing after the retry window.
"""

from django.dispatch import Signal

mail_sent = Signal()
mail_failed = Signal()
