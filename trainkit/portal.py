"""The two front doors of a build: the learner portal and the staff portal.

``dist/index.html`` lists every industry's learner site and learner downloads only;
``dist/staff/index.html`` lists the staff editions (facilitator guides, the role-play kit, the
team-lead workshop, the manager guide and the program plan). No learner page links to the latter.
"""

from __future__ import annotations

from pathlib import Path

from .editions import STAFF_EDITIONS
from .environment import strict_environment
from .model import Industry
from .render import downloads


def portal_html(root: Path, industries: list[Industry], built_on: str) -> str:
    """Render ``templates/site/portal.html``: learner sites and learner downloads."""
    env = strict_environment([root / "templates" / "site"])
    entries = [{"profile": i.profile, "downloads": downloads(i)} for i in industries]
    return env.get_template("portal.html").render(industries=entries, built_on=built_on)


def staff_portal_html(root: Path, industries: list[Industry], built_on: str) -> str:
    """Render ``templates/site/staff.html``: every staff edition of every industry."""
    env = strict_environment([root / "templates" / "site"])
    entries = [{"profile": i.profile, "downloads": downloads(i, editions=STAFF_EDITIONS)} for i in industries]
    return env.get_template("staff.html").render(industries=entries, built_on=built_on)
