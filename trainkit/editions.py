"""The editions one source renders into, and what each may show.

Audience rules live here and only here; templates ask ``edition.facilitator_notes`` and the
like, so adding an edition never means copying content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Edition:
    """One output of the program for one audience."""

    id: str
    title: str
    audience: str
    output: Literal["site", "pdf"]
    facilitator_notes: bool = False
    answer_keys: bool = False
    hidden_facts: bool = False
    writing_space: bool = False
    duplex: bool = True

    def filename(self, industry_id: str) -> str:
        """Download name of a PDF edition, e.g. ``hotel-workbook.pdf``."""
        return f"{industry_id}-{self.id}.pdf"


SITE = Edition("site", "Learner site", "learners", "site")
WORKBOOK = Edition("workbook", "Participant workbook", "participants", "pdf", writing_space=True)
FACILITATOR = Edition(
    "facilitator-guide",
    "Facilitator guide",
    "facilitators",
    "pdf",
    facilitator_notes=True,
    answer_keys=True,
    hidden_facts=True,
)

EDITIONS: tuple[Edition, ...] = (SITE, WORKBOOK, FACILITATOR)
PDF_EDITIONS: tuple[Edition, ...] = tuple(e for e in EDITIONS if e.output == "pdf")
#: Editions that must never contain facilitator-only material.
LEARNER_EDITIONS: tuple[Edition, ...] = tuple(e for e in EDITIONS if not e.facilitator_notes)


def edition_by_id(edition_id: str) -> Edition:
    """Look an edition up by id; raises KeyError for an unknown id."""
    return {edition.id: edition for edition in EDITIONS}[edition_id]
