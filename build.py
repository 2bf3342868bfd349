"""Build tailored customer-service training. Run `python build.py --help`."""

import os
import sys
from pathlib import Path

# The project is the folder holding this file (not resolved: a linked checkout is its own project).
ROOT = Path(__file__).absolute().parent
VENV = ROOT / ".venv"


def in_project_environment() -> bool:
    """Whether this interpreter is the project's .venv (or there is no .venv to switch to)."""
    python = VENV / "bin" / "python"
    return not python.is_file() or Path(sys.prefix).resolve() == VENV.resolve()


if __name__ == "__main__":
    if not in_project_environment():
        # `python build.py` after `make build`: run with the environment make created, which has
        # the pinned dependencies, whatever `python` is on PATH.
        os.execv(VENV / "bin" / "python", [str(VENV / "bin" / "python"), str(Path(__file__).absolute()), *sys.argv[1:]])
    try:
        from trainkit.cli import main
    except ImportError as missing:
        sys.exit(f"{missing.msg}: the dependencies are not installed; run `make build`, which creates .venv/")
    sys.exit(main(root=ROOT))
