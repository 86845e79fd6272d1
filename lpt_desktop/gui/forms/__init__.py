"""Generated Designer forms (see ui/compile.py)."""
