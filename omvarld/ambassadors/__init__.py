"""Ambassador material and log of uses (P4)."""
