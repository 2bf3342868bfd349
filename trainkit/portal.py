"""The two front doors of a build: the learner portal and the staff portal.

``dist/index.html`` lists every industry's learner site and learner downloads only, with the
organisations that extend an industry listed under it in their own colours and logo;
``dist/staff/index.html`` lists the staff editions (facilitator guides, the role-play kit, the
team-lead workshop, the manager guide and the program plan). No learner page links to the latter.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path

from .editions import LEARNER_PDFS, STAFF_EDITIONS, Edition
from .environment import strict_environment
from .model import Industry, Profile
from .render import Ns, downloads

LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


@dataclass
class PortalEntry:
    """One card of a portal: an industry or an organisation, its downloads, and its logo."""

    profile: Profile
    built: bool
    downloads: list[Ns]
    logo: str = ""  # a data: URL, so either portal shows it even when handed out on its own
    organisations: list[PortalEntry] = field(default_factory=list)


def portal_entries(
    root: Path, listed: list[Industry], known: list[Industry], editions: tuple[Edition, ...]
) -> list[PortalEntry]:
    """Every listed industry, each with its listed organisations; an industry that is not built
    itself still heads the organisations that extend it."""
    chosen = {industry.profile.id for industry in listed}

    def entry(industry: Industry) -> PortalEntry:
        built = industry.profile.id in chosen
        logo = industry.profile.branding.logo
        return PortalEntry(
            industry.profile, built, downloads(industry, editions=editions) if built else [], logo_data_url(root, logo)
        )

    entries = []
    for industry in (i for i in known if not i.is_organisation):
        members = [entry(o) for o in known if o.extends == industry.profile.id and o.profile.id in chosen]
        if industry.profile.id in chosen or members:
            entries.append(entry(industry))
            entries[-1].organisations = members
    return entries


def logo_data_url(root: Path, logo: str | None) -> str:
    """The logo as a data: URL ("" without one). Logos are checked small, safe SVG or PNG files."""
    if not logo:
        return ""
    data = base64.b64encode((root / logo).read_bytes()).decode("ascii")
    return f"data:{LOGO_TYPES[Path(logo).suffix.lower()]};base64,{data}"


def portal_html(root: Path, listed: list[Industry], built_on: str, known: list[Industry] | None = None) -> str:
    """Render ``templates/site/portal.html``: learner sites and learner downloads."""
    env = strict_environment([root / "templates" / "site"])
    entries = portal_entries(root, listed, known or listed, LEARNER_PDFS)
    return env.get_template("portal.html").render(industries=entries, built_on=built_on)


def staff_portal_html(root: Path, listed: list[Industry], built_on: str, known: list[Industry] | None = None) -> str:
    """Render ``templates/site/staff.html``: every staff edition of every industry and organisation."""
    env = strict_environment([root / "templates" / "site"])
    entries = portal_entries(root, listed, known or listed, STAFF_EDITIONS)
    return env.get_template("staff.html").render(industries=entries, built_on=built_on)
