"""The portal page: every industry with links to its site and downloads."""

from __future__ import annotations

from pathlib import Path

from .environment import strict_environment
from .model import Industry
from .render import downloads


def portal_html(root: Path, industries: list[Industry], built_on: str) -> str:
    """Render ``templates/site/portal.html`` for the given industries."""
    env = strict_environment([root / "templates" / "site"])
    entries = [{"profile": i.profile, "downloads": downloads(i)} for i in industries]
    return env.get_template("portal.html").render(industries=entries, built_on=built_on)
