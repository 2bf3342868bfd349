"""The editions one source renders into, who each is for, and what each may show.

Audience rules live here and only here; templates ask ``edition.facilitator_notes`` and the
like, so adding an edition never means copying content. Two courses share the modules: the
frontline course and the team-lead workshop (a module's ``audience``); the designer's plan and the
manager's guide belong to neither. Learner editions are published with the learner site; every
other edition is staff material, published apart and never linked from a learner page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: Where staff editions go, inside the output folder: ``<out>/staff/<industry id>/``.
STAFF_FOLDER = "staff"


@dataclass(frozen=True)
class Edition:
    """One output of the program for one audience."""

    id: str
    title: str
    audience: str
    output: Literal["site", "pdf"]
    #: The course whose modules and agenda the edition prints (None: program-level editions).
    course: Literal["frontline", "leads"] | None = None
    #: Published with the learner site and its LMS packages; everything else is staff material.
    learner: bool = False
    facilitator_notes: bool = False
    answer_keys: bool = False
    hidden_facts: bool = False
    #: Prints the role-play cards themselves (the kit), not only the observer checklist.
    cards: bool = False
    writing_space: bool = False
    duplex: bool = True
    #: Page templates in order; MODULE_PAGES expands to one page per module of the course.
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

    def folder(self, industry_id: str) -> str:
        """Folder of a PDF edition inside the output: the learner site's downloads, or the staff folder."""
        return f"{industry_id}/downloads" if self.learner else f"{STAFF_FOLDER}/{industry_id}"

    def path(self, industry_id: str) -> str:
        """Path of a PDF edition inside the output, e.g. ``staff/hotel/hotel-roleplay-kit.pdf``."""
        return f"{self.folder(industry_id)}/{self.filename(industry_id)}"


MODULE_PAGES = "modules"

SITE = Edition(
    "site",
    "Learner site",
    "frontline staff on the course",
    "site",
    course="frontline",
    learner=True,
    pages=("pages/index.md", "program/agenda.md", MODULE_PAGES, "program/job-aid.md", "pages/glossary.md"),
)
WORKBOOK = Edition(
    "workbook",
    "Participant workbook",
    "frontline staff on the course",
    "pdf",
    course="frontline",
    learner=True,
    writing_space=True,
    pages=("program/agenda.md", MODULE_PAGES, "program/action-plan.md", "pages/glossary.md"),
)
JOB_AID = Edition(
    "job-aid",
    "Job aid",
    "frontline staff, at the workstation",
    "pdf",
    learner=True,
    duplex=False,
    max_pages=2,
    pages=("program/job-aid.md",),
    print_template="job-aid.html",
)
CERTIFICATE = Edition(
    "certificate",
    "Certificate of completion",
    "frontline staff who complete the course",
    "pdf",
    course="frontline",
    learner=True,
    duplex=False,
    max_pages=1,
    pages=("program/certificate.md",),
    print_template="certificate.html",
)
FACILITATOR = Edition(
    "facilitator-guide",
    "Facilitator guide",
    "facilitators of the frontline course",
    "pdf",
    course="frontline",
    facilitator_notes=True,
    answer_keys=True,
    hidden_facts=True,
    pages=("program/agenda.md", "program/session-plans.md", MODULE_PAGES, "pages/glossary.md"),
)
ROLEPLAY_KIT = Edition(
    "roleplay-kit",
    "Role-play kit",
    "facilitators, to cut out and deal to the triads",
    "pdf",
    hidden_facts=True,
    cards=True,
    duplex=False,
    pages=("program/roleplay-kit.md",),
    print_template="kit.html",
)
LEAD_WORKBOOK = Edition(
    "lead-workbook",
    "Team-lead workbook",
    "team leads in the workshop",
    "pdf",
    course="leads",
    writing_space=True,
    pages=("program/agenda.md", MODULE_PAGES, "program/follow-up-plan.md"),
)
LEAD_GUIDE = Edition(
    "lead-facilitator-guide",
    "Team-lead workshop facilitator guide",
    "facilitators of the team-lead workshop",
    "pdf",
    course="leads",
    facilitator_notes=True,
    answer_keys=True,
    hidden_facts=True,
    pages=("program/agenda.md", "program/session-plans.md", MODULE_PAGES, "program/follow-up-plan.md"),
)
LEAD_CERTIFICATE = Edition(
    "lead-certificate",
    "Team-lead workshop certificate",
    "team leads who complete the workshop",
    "pdf",
    course="leads",
    duplex=False,
    max_pages=1,
    pages=("program/certificate.md",),
    print_template="certificate.html",
)
MANAGER_GUIDE = Edition(
    "manager-guide",
    "Manager coaching and reinforcement guide",
    "team leads and managers, on the job after the course",
    "pdf",
    course="frontline",
    writing_space=True,
    pages=("program/manager-guide.md",),
    toc_depth=2,
)
PROGRAM_PLAN = Edition(
    "program-plan",
    "Designer's program plan",
    "instructional designers and sponsors",
    "pdf",
    course="frontline",
    facilitator_notes=True,
    pages=("program/program-plan.md",),
    toc_depth=2,
)

EDITIONS: tuple[Edition, ...] = (
    SITE,
    WORKBOOK,
    JOB_AID,
    CERTIFICATE,
    FACILITATOR,
    ROLEPLAY_KIT,
    LEAD_WORKBOOK,
    LEAD_GUIDE,
    LEAD_CERTIFICATE,
    MANAGER_GUIDE,
    PROGRAM_PLAN,
)
PDF_EDITIONS: tuple[Edition, ...] = tuple(e for e in EDITIONS if e.output == "pdf")
#: Editions a frontline learner may reach: the site, and what the site offers for download.
LEARNER_EDITIONS: tuple[Edition, ...] = tuple(e for e in EDITIONS if e.learner)
LEARNER_PDFS: tuple[Edition, ...] = tuple(e for e in PDF_EDITIONS if e.learner)
STAFF_EDITIONS: tuple[Edition, ...] = tuple(e for e in PDF_EDITIONS if not e.learner)


def edition_by_id(edition_id: str) -> Edition:
    """Look an edition up by id; raises KeyError for an unknown id."""
    return {edition.id: edition for edition in EDITIONS}[edition_id]
