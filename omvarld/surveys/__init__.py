"""Survey upload and analysis (P6)."""
