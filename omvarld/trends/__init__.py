"""What is rising in the monitored stream (N8)."""
