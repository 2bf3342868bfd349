"""The typefaces installed on this machine, as fontconfig (``fc-list``, ``fc-match``) reports them.

WeasyPrint finds fonts through fontconfig, so a family ``fc-list`` names prints in the PDFs; the
learner site carries the same font files, so a learner's browser shows it without the font installed.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

#: Font files the site may carry (fontconfig also knows bitmap and Type 1 formats browsers refuse).
WEB_FONT_SUFFIXES = frozenset({".ttf", ".otf", ".woff", ".woff2"})


@cache
def installed_families() -> frozenset[str] | None:
    """Every family name fontconfig knows (a font may have several), or None without fontconfig."""
    if shutil.which("fc-list") is None:
        return None
    listed = subprocess.run(
        ["fc-list", "--format", "%{family}\\n"], capture_output=True, text=True, check=False, timeout=30
    ).stdout
    return frozenset(name.strip() for line in listed.splitlines() for name in line.split(",") if name.strip())


def font_files(family: str) -> dict[str, Path]:
    """The regular and bold files of an installed ``family`` ("regular", "bold" → path), for the site.

    fc-match falls back to another family when asked for one it lacks: only files of ``family`` count.
    """
    found: dict[str, Path] = {}
    if shutil.which("fc-match") is None:
        return found
    for weight in ("regular", "bold"):
        answer = subprocess.run(
            ["fc-match", "--format", "%{family}\\n%{file}", f"{family}:weight={weight}"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        ).stdout.split("\n")
        if len(answer) == 2 and family in answer[0].split(",") and Path(answer[1]).suffix.lower() in WEB_FONT_SUFFIXES:
            found[weight] = Path(answer[1])
    return found
