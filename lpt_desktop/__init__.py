"""LPT Desktop: caseload application for probation offender managers."""

from importlib import metadata

try:  # the installed distribution (or the bundle's copied metadata) is the one source of the version
    __version__ = metadata.version("lpt-desktop")
except metadata.PackageNotFoundError:  # running from a bare checkout
    __version__ = "0.0.0+source"
APP_NAME = "LPT Desktop"
ORG_NAME = "Lancashire Probation Trust"
APP_SLUG = "lpt-desktop"
