"""`python -m ui` runs the `utkik` command."""

import sys

from ui.main import main

sys.exit(main())
