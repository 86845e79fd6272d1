"""Use cases: one function per thing a user does. GUI and CLI both call these (no Qt)."""
