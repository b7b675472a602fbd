"""Photos: content-addressed, idempotent, resumable uploads (DESIGN.md §5; contract in routes.py)."""
