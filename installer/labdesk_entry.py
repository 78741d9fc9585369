"""PyInstaller entry point: the frozen `labdesk` executable is `labdesk.cli.main`.

A module of its own (rather than `labdesk/__main__.py`) so that PyInstaller analyses the
package as a package and the bundle's `sys.argv[0]` is the executable, not a script.
"""

import sys

from labdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
