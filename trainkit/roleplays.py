"""Deal the profile's difficult situations out to the modules: one scenario per module's role-play.

Each module's role-play is one round of one scenario, played by every triad at once. A scenario
fits a module when the profile tags it with the module and its kind of conversation is one the
module practises. The deal gives every module a scenario of its own wherever the profile has
enough (a maximum matching), and otherwise reuses one, but never twice in the same session: a triad
must not meet the same card twice in a day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .model import DifficultSituation, Module, Profile

#: A session of one course: ("frontline", 0) is the first session of the frontline course.
SessionKey = tuple[str, int]


@dataclass(frozen=True)
class Shortfall:
    """A module the deal could not serve, and why, for an error message."""

    module: Module
    message: str


@dataclass(frozen=True)
class Deal:
    """The scenario each module plays, and the modules left without one."""

    scenarios: dict[str, DifficultSituation]
    shortfalls: tuple[Shortfall, ...] = ()


def fits(situation: DifficultSituation, module: Module) -> bool:
    """True when the profile tags ``situation`` with ``module`` and the module practises its kind."""
    return module.id in situation.modules and situation.kind in module.spec.roleplay.kinds


def deal_scenarios(profile: Profile, modules: Sequence[Module], session_of: Mapping[str, SessionKey]) -> Deal:
    """One scenario per module: distinct where possible, never twice in one session."""
    situations = profile.difficult_situations
    candidates = {m.id: [i for i, s in enumerate(situations) if fits(s, m)] for m in modules}
    owner: dict[int, str] = {}  # situation index → module id, for the matching

    def claim(module_id: str, seen: set[int]) -> bool:
        for index in candidates[module_id]:
            if index in seen:
                continue
            seen.add(index)
            if index not in owner or claim(owner[index], seen):
                owner[index] = module_id
                return True
        return False

    for module in modules:
        claim(module.id, set())
    chosen = {module_id: situations[index] for index, module_id in owner.items()}
    shortfalls = []
    for module in modules:
        if module.id in chosen:
            continue
        same_session = {
            chosen[m.id].id for m in modules if m.id in chosen and session_of[m.id] == session_of[module.id]
        }
        reusable = [situations[i] for i in candidates[module.id] if situations[i].id not in same_session]
        if reusable:
            chosen[module.id] = reusable[0]
        else:
            shortfalls.append(Shortfall(module, _shortfall_message(profile, module, candidates[module.id])))
    return Deal({m.id: chosen[m.id] for m in modules if m.id in chosen}, tuple(shortfalls))


def _shortfall_message(profile: Profile, module: Module, candidates: list[int]) -> str:
    kinds = " or ".join(module.spec.roleplay.kinds)
    of_kind = sum(1 for s in profile.difficult_situations if s.kind in module.spec.roleplay.kinds)
    if not candidates:
        return (
            f"module '{module.id}' needs a role-play of kind {kinds}, but no situation of that kind lists it "
            f"({of_kind} situation(s) of kind {kinds} in the profile); add '{module.id}' to the modules of one, "
            "or write a new situation"
        )
    return (
        f"module '{module.id}' needs a role-play of kind {kinds} that no other module of the same session plays; "
        f"the {len(candidates)} situation(s) that fit it are all taken there. Write one more situation of kind "
        f"{kinds} and list '{module.id}' in its modules"
    )


def players(situation: Any, customer: str, frontline: str, manager: str) -> tuple[str, str]:
    """The two players' roles on a scenario's cards: (first player, employee player).

    ``situation`` is a DifficultSituation or a template's view of one."""
    first = situation.customer_role or customer
    default_employee = manager if situation.kind == "coaching" else frontline
    return first, situation.employee_role or default_employee
