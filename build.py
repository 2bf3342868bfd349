"""Build tailored customer-service training. Run `python build.py --help`."""

import sys
from pathlib import Path

from trainkit.cli import main

if __name__ == "__main__":
    # The project is the folder holding this file (not resolved: a linked checkout is its own project).
    sys.exit(main(root=Path(__file__).absolute().parent))
