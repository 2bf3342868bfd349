"""Build tailored customer-service training. Run `python build.py --help`."""

import sys

from trainkit.cli import main

if __name__ == "__main__":
    sys.exit(main())
