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
    #: Page templates in order; MODULE_PAGES expands to one page per module.
    pages: tuple[str, ...] = ()
    #: The print template under templates/print/ (PDF editions).
    print_template: str = "book.html"
    #: Longest acceptable PDF, checked by the tests (0: no limit).
    max_pages: int = 0
    #: Heading levels in the printed contents: 1 lists chapters, 2 also their sections.
    toc_depth: int = 1

    def filename(self, industry_id: str) -> str:
        """Download name of a PDF edition, e.g. ``hotel-workbook.pdf``."""
        return f"{industry_id}-{self.id}.pdf"


MODULE_PAGES = "modules"

SITE = Edition(
    "site",
    "Learner site",
    "learners",
    "site",
    pages=(
        "pages/index.md",
        "program/agenda.md",
        MODULE_PAGES,
        "program/job-aid.md",
        "program/manager-guide.md",
        "pages/glossary.md",
    ),
)
WORKBOOK = Edition(
    "workbook",
    "Participant workbook",
    "participants",
    "pdf",
    writing_space=True,
    pages=("program/agenda.md", MODULE_PAGES, "program/action-plan.md", "pages/glossary.md"),
)
FACILITATOR = Edition(
    "facilitator-guide",
    "Facilitator guide",
    "facilitators",
    "pdf",
    facilitator_notes=True,
    answer_keys=True,
    hidden_facts=True,
    pages=("program/agenda.md", MODULE_PAGES, "pages/glossary.md"),
)
PROGRAM_PLAN = Edition(
    "program-plan",
    "Designer's program plan",
    "instructional designers and sponsors",
    "pdf",
    facilitator_notes=True,
    pages=("program/program-plan.md",),
    toc_depth=2,
)
MANAGER_GUIDE = Edition(
    "manager-guide",
    "Manager coaching and reinforcement guide",
    "team leads and managers",
    "pdf",
    writing_space=True,
    pages=("program/manager-guide.md",),
    toc_depth=2,
)
JOB_AID = Edition(
    "job-aid",
    "Job aid",
    "staff, at the workstation",
    "pdf",
    duplex=False,
    max_pages=2,
    pages=("program/job-aid.md",),
    print_template="job-aid.html",
)
CERTIFICATE = Edition(
    "certificate",
    "Certificate of completion",
    "participants who complete the program",
    "pdf",
    duplex=False,
    max_pages=1,
    pages=("program/certificate.md",),
    print_template="certificate.html",
)

EDITIONS: tuple[Edition, ...] = (SITE, WORKBOOK, FACILITATOR, PROGRAM_PLAN, MANAGER_GUIDE, JOB_AID, CERTIFICATE)
PDF_EDITIONS: tuple[Edition, ...] = tuple(e for e in EDITIONS if e.output == "pdf")
#: Editions that must never contain facilitator-only material.
LEARNER_EDITIONS: tuple[Edition, ...] = tuple(e for e in EDITIONS if not e.facilitator_notes)


def edition_by_id(edition_id: str) -> Edition:
    """Look an edition up by id; raises KeyError for an unknown id."""
    return {edition.id: edition for edition in EDITIONS}[edition_id]
