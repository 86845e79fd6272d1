"""`python -m lpt_desktop.central`: the same as `lpt-central`."""

import sys

from lpt_desktop.central.cli import main

if __name__ == "__main__":
    sys.exit(main())
