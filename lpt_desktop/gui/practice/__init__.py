"""Practice quality and management oversight in the window (issue 21)."""
