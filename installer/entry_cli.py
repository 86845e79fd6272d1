"""Bundle entry point for the command line (`lpt`)."""

import sys

from lpt_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
