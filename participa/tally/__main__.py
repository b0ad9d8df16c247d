"""Run the counting core's command line: `python -m participa.tally pb-results ...`."""

import sys

from participa.tally.cli import main

if __name__ == "__main__":
    sys.exit(main())
