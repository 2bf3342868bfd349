"""Delivery formats and the timed agenda built from module minutes.

``content/program/formats.yaml`` lists each format's sessions. A session's items are modules
(which bring their own minutes) and fixed items such as breaks. The check here makes a session
that no longer adds up, because a module grew, an error naming the module files involved.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, Problem
from .load import Document, LoadFailed, load_yaml
from .model import DeliveryFormat, FormatsFile, Module, Session
from .validate import field_path, schema_problems

FORMATS_FILE = "content/program/formats.yaml"
SESSION_PLANS = "content/program/sessions"
UNTAUGHT_KINDS = frozenset({"break", "meal"})
#: Agenda items that need a facilitator plan.
PLANNED_KINDS = frozenset({"opening", "closing", "practice"})


@dataclass(frozen=True)
class Slot:
    """One timed line of the agenda."""

    start: str
    end: str
    minutes: int
    title: str
    kind: str
    module: Module | None
    plan: str | None = None  # facilitator plan of an opening or closing (content/program/sessions/)


@dataclass(frozen=True)
class AgendaSession:
    title: str
    start: str
    end: str
    minutes: int
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class Agenda:
    """A delivery format with clock times filled in."""

    format_id: str
    course: str
    title: str
    description: str
    sessions: tuple[AgendaSession, ...]

    @property
    def training_minutes(self) -> int:
        """Minutes of modules only."""
        return sum(slot.minutes for s in self.sessions for slot in s.slots if slot.module is not None)

    @property
    def contact_minutes(self) -> int:
        """Minutes in the room with the facilitator: everything but breaks and meals."""
        return sum(slot.minutes for s in self.sessions for slot in s.slots if slot.kind not in UNTAUGHT_KINDS)

    @property
    def contact_hours(self) -> str:
        """``contact_minutes`` as people say it, exactly: "15 hours 5 minutes", "4 hours"."""
        hours, minutes = divmod(self.contact_minutes, 60)
        said = f"{hours} hour{'s' if hours != 1 else ''}"
        return f"{said} {minutes} minutes" if minutes else said

    def session_of(self) -> dict[str, tuple[str, int]]:
        """Module id → (course, index of the session that schedules it)."""
        return {
            slot.module.id: (self.course, index)
            for index, session in enumerate(self.sessions)
            for slot in session.slots
            if slot.module is not None
        }

    @property
    def plans(self) -> list[PlannedSlots]:
        """Each facilitator plan the agenda uses, with the slots that use it, in order of first use."""
        found: dict[str, PlannedSlots] = {}
        for session in self.sessions:
            for slot in session.slots:
                if slot.plan:
                    entry = found.setdefault(slot.plan, PlannedSlots(slot.plan, slot.title, []))
                    entry.when.append(f"{session.title}, {slot.start}–{slot.end}")
        return list(found.values())


@dataclass(frozen=True)
class PlannedSlots:
    """A facilitator plan (content/program/sessions/<plan>.md) and when the agenda uses it."""

    plan: str
    title: str
    when: list[str]


def load_formats(root: Path, modules: dict[str, Module]) -> dict[str, DeliveryFormat]:
    """Load and check the delivery formats; raise InputError listing every problem."""
    try:
        doc = load_yaml(root / FORMATS_FILE, FORMATS_FILE)
    except LoadFailed as failed:
        raise InputError([Problem(FORMATS_FILE, failed.line, "", failed.message)]) from None
    parsed, problems = schema_problems(FormatsFile, doc)
    if parsed is None:
        raise InputError(problems)
    problems += format_problems(parsed, doc, modules)
    problems += plan_problems(parsed, doc, root)
    if problems:
        raise InputError(problems)
    return dict(parsed.formats)


def format_problems(parsed: FormatsFile, doc: Document, modules: dict[str, Module]) -> list[Problem]:
    """Each session adds up to its length; each module is scheduled exactly once per format."""
    problems: list[Problem] = []
    for format_id, delivery in parsed.formats.items():
        scheduled: list[str] = []
        for s_index, session in enumerate(delivery.sessions):
            loc: tuple[str | int, ...] = ("formats", format_id, "sessions", s_index)
            problems += session_problems(session, loc, doc, modules, scheduled, delivery.course)
        missing = [m for m, module in modules.items() if module.course == delivery.course and m not in scheduled]
        twice = sorted({m for m in scheduled if scheduled.count(m) > 1})
        loc = ("formats", format_id)
        if missing:
            problems.append(
                Problem(
                    doc.file,
                    doc.line_of(loc),
                    field_path(loc),
                    f"modules never scheduled: {', '.join(missing)}; add each to a session",
                )
            )
        if twice:
            problems.append(
                Problem(
                    doc.file, doc.line_of(loc), field_path(loc), f"modules scheduled more than once: {', '.join(twice)}"
                )
            )
    return problems


def plan_problems(parsed: FormatsFile, doc: Document, root: Path) -> list[Problem]:
    """Every opening, closing and practice slot names a facilitator plan that exists."""
    problems: list[Problem] = []
    for format_id, delivery in parsed.formats.items():
        for s_index, session in enumerate(delivery.sessions):
            for i_index, item in enumerate(session.items):
                if item.kind not in PLANNED_KINDS:
                    continue
                loc = ("formats", format_id, "sessions", s_index, "items", i_index)
                if item.plan is None:
                    message = f"a {item.kind} needs a facilitator plan: add plan: ID for {SESSION_PLANS}/ID.md"
                elif not (root / SESSION_PLANS / f"{item.plan}.md").is_file():
                    message = f"no facilitator plan {SESSION_PLANS}/{item.plan}.md; write it or fix the name"
                else:
                    continue
                problems.append(Problem(doc.file, doc.line_of(loc), field_path(loc), message))
    return problems


def session_problems(
    session: Session,
    loc: tuple[str | int, ...],
    doc: Document,
    modules: dict[str, Module],
    scheduled: list[str],
    course: str,
) -> list[Problem]:
    """A session's items exist, belong to its course and add up to its length; adds the modules it
    schedules to ``scheduled``."""
    problems: list[Problem] = []
    total = 0
    session_modules: list[Module] = []
    for i_index, item in enumerate(session.items):
        item_loc = (*loc, "items", i_index)
        if item.module is not None:
            module = modules.get(item.module)
            wrong = _misplaced_module(item.module, module, course, modules)
            if wrong or module is None:
                problems.append(Problem(doc.file, doc.line_of(item_loc), field_path(item_loc), wrong))
                continue
            total += module.spec.minutes
            session_modules.append(module)
            scheduled.append(item.module)
        elif item.title is None or item.minutes is None:
            problems.append(
                Problem(
                    doc.file,
                    doc.line_of(item_loc),
                    field_path(item_loc),
                    "an item is either {module: ID} or {title, minutes, kind}",
                )
            )
        else:
            total += item.minutes
    if total != session.minutes:
        involved = "; ".join(f"{m.folder}/module.yaml says {m.spec.minutes}" for m in session_modules)
        problems.append(
            Problem(
                doc.file,
                doc.line_of((*loc, "minutes")),
                field_path(loc),
                f"items add up to {total} minutes but the session is {session.minutes} ({involved}); "
                "shorten a module, move it, or change the session length",
            )
        )
    return problems


def _misplaced_module(module_id: str, module: Module | None, course: str, modules: dict[str, Module]) -> str:
    """Why a session may not schedule this module ("" when it may)."""
    if module is None:
        return f"no module has id '{module_id}'; known: {', '.join(modules)}"
    if module.course != course:
        return (
            f"module '{module_id}' belongs to the {module.course} course, but this format "
            f"schedules the {course} course; move it to a format of its own course"
        )
    return ""


def build_agenda(format_id: str, delivery: DeliveryFormat, modules: dict[str, Module]) -> Agenda:
    """Fill in clock times for every slot of every session."""
    sessions = []
    for session in delivery.sessions:
        clock = datetime.datetime.strptime(session.start, "%H:%M")
        slots = []
        for item in session.items:
            module = modules[item.module] if item.module else None
            minutes = module.spec.minutes if module else int(item.minutes or 0)
            title = f"{module.number}. {module.spec.title}" if module else str(item.title)
            end = clock + datetime.timedelta(minutes=minutes)
            slot = Slot(clock.strftime("%H:%M"), end.strftime("%H:%M"), minutes, title, item.kind, module, item.plan)
            slots.append(slot)
            clock = end
        sessions.append(
            AgendaSession(session.title, session.start, clock.strftime("%H:%M"), session.minutes, tuple(slots))
        )
    return Agenda(format_id, delivery.course, delivery.title, delivery.description, tuple(sessions))
