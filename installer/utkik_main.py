"""The entry script of the frozen bundle (installer/utkik.spec): the same as the `utkik` command."""

import sys

from ui.main import main

if __name__ == "__main__":
    sys.exit(main())
