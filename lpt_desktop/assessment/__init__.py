"""Assessment rules (pure, no Qt, no store): tiering, RoSH screening triggers, needs, plan checks, the case audit.

Rules are data in resources/ plus small functions over plain values; services build the inputs from a case.
"""
