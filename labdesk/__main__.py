"""`python -m labdesk` is the same as the `labdesk` console script."""

import sys

from labdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
