"""Bundle entry point for the window (`lpt-desktop`)."""

import sys

from lpt_desktop.gui.app import main

if __name__ == "__main__":
    sys.exit(main())
