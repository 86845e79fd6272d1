"""Working-day calendar and National Standards rules (pure; no Qt, no database)."""
