"""LPT Desktop: caseload application for probation offender managers."""

__version__ = "0.1.0"
APP_NAME = "LPT Desktop"
ORG_NAME = "Lancashire Probation Trust"
APP_SLUG = "lpt-desktop"
