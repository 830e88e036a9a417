"""Omvärld: horizon-scanning map and international news service for smart sustainable cities."""
