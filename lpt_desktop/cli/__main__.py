"""`python -m lpt_desktop.cli`: the `lpt` command."""

import sys

from lpt_desktop.cli import main

sys.exit(main())
