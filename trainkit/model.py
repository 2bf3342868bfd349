"""Typed models for the two kinds of source: industry profiles and training modules.

Every model forbids unknown keys and is strict about types, so a typo in a profile is an
error with a line number rather than a silently ignored field. The JSON Schema published in
``industries/schema.json`` is generated from :class:`Profile`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError, PydanticKnownError

from .text import character_name, first_control, has_visible_text

SCHEMA_VERSION = 1

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64),
    Field(description="lower-case letters, digits and single hyphens, e.g. retail-banking"),
]


def plain_text(value: str) -> str:
    """Refuse text no page can show: control characters (a terminal obeys them, XML forbids them)
    and text made only of invisible characters such as a zero-width space."""
    bad = first_control(value)
    if bad is not None:
        raise PydanticCustomError(
            "control_character",
            "holds the control character {character}, which no page can show; delete it",
            {"character": character_name(bad)},
        )
    if not has_visible_text(value):
        raise PydanticCustomError("invisible_text", "holds only invisible characters; write the text out")
    return value


def whole_number(value: Any) -> Any:
    """Before a ``Literal`` of numbers: ``true`` and ``2.0`` equal 1 and 2 in Python, not in a profile."""
    if type(value) is not int:
        raise PydanticKnownError("int_type")
    return value


Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), AfterValidator(plain_text)
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(plain_text)
]
#: An https link to a named host: no user name or password before the host (``https://a.gov@evil.example``
#: goes to evil.example), no spaces or control characters anywhere.
URL_PATTERN = r"^https://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:[/?#][!-~]*)?$"
Url = Annotated[str, StringConstraints(pattern=URL_PATTERN, max_length=500)]
HexColour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
#: A typeface family name as fontconfig lists it; printed into CSS, so letters, digits, spaces and .-_ only.
FontFamily = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$")]

CauseType = Literal["skill", "knowledge", "process", "tools", "metric_incentive", "motivation"]
#: Causes a training session can change. Everything else is a recommendation to management.
TRAINABLE_CAUSES: frozenset[str] = frozenset({"skill", "knowledge"})

ChannelKind = Literal["phone", "chat", "email", "in_person", "social", "video", "messaging", "letter", "self_service"]
#: The kind of conversation a role-play practises; it sets the instructions and the minutes a round needs
#: (content/program/roleplay.yaml).
ConversationKind = Literal["live", "colleague", "written", "coaching"]
#: Channels whose contacts are written: a role-play on one of them is a written exchange.
WRITTEN_CHANNELS: frozenset[str] = frozenset({"email", "letter", "chat", "messaging", "social"})
Spelling = Literal["en-US", "en-GB"]


class Strict(BaseModel):
    """Base for every source model: unknown keys are errors and values are never coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# --------------------------------------------------------------------------- profile


class Noun(Strict):
    singular: ShortText
    plural: ShortText


class InternalCustomer(Strict):
    group: ShortText = Field(description="a team inside the organisation that depends on frontline staff")
    they_need: Text = Field(description="what this group needs from frontline staff")
    frontline_needs: Text = Field(description="what frontline staff need from this group")


class Terms(Strict):
    customer: Noun = Field(description="what this industry calls the people it serves")
    organisation: ShortText = Field(description="noun for the organisation, used as 'the <organisation>'")
    frontline_roles: list[ShortText] = Field(min_length=1, max_length=12, description="job titles, singular")
    staff: ShortText = Field(description="the frontline team as a group, e.g. 'branch and contact-centre staff'")
    manager_role: ShortText
    internal_customers: list[InternalCustomer] = Field(min_length=1, max_length=12)


class Channel(Strict):
    name: ShortText
    kind: ChannelKind
    used_for: Text


class MomentOfTruth(Strict):
    name: ShortText
    stage: ShortText = Field(description="where in the journey it happens, e.g. 'first contact'")
    why_it_matters: Text


class HiddenFact(Strict):
    fact: Text = Field(description="what the first player knows but says only when asked well")
    reveal_if: ShortText = Field(
        description="the cue that earns it, completing 'Reveal if …', e.g. 'asked how the delay affects the trip'"
    )


class DifficultSituation(Strict):
    id: Slug
    title: ShortText
    kind: ConversationKind = Field(
        default="live",
        description="live: a call, video call or visit with someone the organisation serves; colleague: a "
        "hand-off between teams; written: an email, letter or chat exchange; coaching: a team lead coaching "
        "a staff member",
    )
    channel: ShortText = Field(description="name of one of the profile's channels")
    customer_brief: Text = Field(description="what the person playing the customer knows and feels")
    employee_brief: Text = Field(description="what the person playing the employee knows at the start")
    customer_role: ShortText | None = Field(
        default=None,
        description="the first player's job when they are a colleague, not one of those the organisation serves: "
        "another team's member, or the staff member a team lead coaches",
    )
    employee_role: ShortText | None = Field(
        default=None, description="the employee player's job title, when it is not the first frontline role"
    )
    hidden_facts: list[HiddenFact] = Field(
        min_length=1,
        max_length=6,
        description="revealed only if the employee asks well; printed on slips for the first player only",
    )
    observer_focus: list[Text] = Field(
        min_length=2, max_length=8, description="observable behaviours to tick; never name a hidden fact"
    )
    difficulty: Literal["foundation", "intermediate", "advanced"]
    modules: list[Slug] = Field(
        min_length=1,
        max_length=20,
        description="ids of the modules this role-play fits; the build gives each module one",
    )


class LanguageSwap(Strict):
    avoid: ShortText
    prefer: ShortText
    why: Text


class EscalationStep(Strict):
    when: Text
    who: ShortText
    how: Text
    contact: ShortText | None = Field(
        default=None,
        description="how to reach them: an extension, a number, a channel or a desk (organisations fill it in)",
    )


AuthorityAction = Literal["refund", "waive", "credit", "replace", "compensate", "other"]


class AuthorityLimit(Strict):
    """What a frontline person may give on their own, and who decides beyond it."""

    id: Slug
    action: AuthorityAction = Field(
        description="the kind of remedy; with other, `what` starts with its own verb ('pause a payment …')"
    )
    what: ShortText = Field(description="what may be given, e.g. 'one night's room rate' or 'a late-payment fee'")
    up_to: ShortText = Field(description="the limit, e.g. 'GBP 150 per stay' or 'once in 12 months'")
    beyond: ShortText = Field(description="who decides above the limit, e.g. 'the duty manager'")
    situations: list[Slug] = Field(
        default_factory=list, max_length=20, description="ids of the role-plays whose employee card quotes this limit"
    )


class Policy(Strict):
    """An internal policy that cards, lessons and model answers quote word for word."""

    id: Slug
    title: ShortText = Field(description="the policy's own name, e.g. 'Stay Right promise'")
    text: Text = Field(description="what it says, as staff may quote it to the people they serve")
    modules: list[Slug] = Field(default_factory=list, max_length=20, description="modules whose page prints it")
    situations: list[Slug] = Field(
        default_factory=list, max_length=20, description="ids of the role-plays whose employee card quotes it"
    )


class Metric(Strict):
    name: ShortText
    definition: Text
    kirkpatrick_level: Annotated[Literal[1, 2, 3, 4], BeforeValidator(whole_number)]
    caution: Text = Field(description="how this metric misleads or can be gamed")


class Question(Strict):
    id: Slug
    question: Text
    options: list[Text] = Field(min_length=3, max_length=5)
    answer: int = Field(ge=0, description="index of the correct option, counting from 0")
    why: Text = Field(description="the reasoning a facilitator reads out; facilitator guide only")


class Regulation(Strict):
    name: ShortText
    jurisdiction: ShortText
    summary: Text = Field(description="what the rule covers, in plain words")
    applies_when: Text | None = Field(
        default=None, description="which contacts it governs, and which other regime applies instead when"
    )
    data_protection: bool = Field(
        default=False, description="true for the data-protection law of a jurisdiction (GDPR, HIPAA, GLBA …)"
    )
    what_staff_must_do: list[Text] = Field(min_length=1, max_length=8)
    what_staff_must_not_do: list[Text] = Field(min_length=1, max_length=8)
    at_the_desk: list[ShortText] = Field(
        default_factory=list,
        max_length=6,
        description="the thresholds, amounts and deadlines staff need at the desk, most needed first; the first "
        "three print on the job aid",
    )
    knowledge_check: list[Question] = Field(
        min_length=1,
        max_length=4,
        description="scenario questions that test this rule: a threshold, a deadline, a regime",
    )
    source: Url = Field(description="official text or regulator guidance (https)")
    last_reviewed: datetime.date
    modules: list[Slug] = Field(min_length=1, max_length=20, description="modules that teach this rule")


class EmergencyStep(Strict):
    sign: Text = Field(description="what the person says or shows, e.g. 'reports a smell of gas'")
    action: Text = Field(description="what staff do at once: the words to say and the transfer to make")
    call: ShortText = Field(
        description="who to call, with the real number, e.g. 'National Gas Emergency Service, 0800 111 999'"
    )


class Emergencies(Strict):
    number: ShortText = Field(description="the emergency number of the jurisdiction, e.g. 911, 999 or 112")
    situations: list[EmergencyStep] = Field(
        min_length=1, max_length=8, description="the emergencies and risks a contact in this industry can be"
    )
    never_assess: Text = Field(description="what frontline staff must never judge themselves, and who does")


class KnownIssue(Strict):
    symptom: Text
    evidence: list[Text] = Field(min_length=1, max_length=8, description="what to gather to confirm the cause")
    likely_cause: Text
    cause_type: CauseType
    fix: Text
    modules: list[Slug] = Field(
        default_factory=list, max_length=20, description="modules that address it; only for skill or knowledge causes"
    )


class PrintSettings(Strict):
    paper: Literal["letter", "a4"] = "letter"


class Branding(Strict):
    """Colours, logo and typeface. Organisations write them Quarto's way (``brand:``, see
    trainkit/brand.py), which the loader turns into these fields."""

    accent_colour: HexColour = Field(
        default="#1d5c8c", description="headings, links, the site header and the covers; text on white"
    )
    background: HexColour = Field(default="#ffffff", description="page background of the site, covers and portal")
    foreground: HexColour = Field(default="#1a1a1a", description="body text")
    logo: ShortText | None = Field(
        default=None, description="an SVG or PNG inside the project, as a path from the project folder"
    )
    font: FontFamily | None = Field(default=None, description="an installed typeface family (`fc-list : family`)")


class ProgramSettings(Strict):
    format: Slug = Field(
        default="two-and-a-half-days", description="frontline course delivery format from content/program/formats.yaml"
    )
    lead_format: Slug = Field(
        default="half-day", description="team-lead workshop delivery format from content/program/formats.yaml"
    )


class Profile(Strict):
    """One industry: everything the generic modules need to speak its language."""

    schema_version: Annotated[Literal[1], BeforeValidator(whole_number)] = Field(
        description="format version of this file; always 1"
    )
    id: Slug = Field(description="the file name without .yaml; used in URLs and download names")
    name: ShortText = Field(description="the industry as people say it, e.g. 'Hotel' or 'Retail banking'")
    summary: Text = Field(description="who is served, where and how; the rules and pressures that shape talk")
    jurisdictions: list[ShortText] = Field(min_length=1, max_length=10, description="where the regulations below apply")
    last_reviewed: datetime.date = Field(description="when a person last checked this profile, e.g. 2026-11-25")
    terms: Terms = Field(description="the industry's nouns: who is served, the organisation, roles, teams")
    channels: list[Channel] = Field(min_length=1, max_length=16, description="every way people reach the organisation")
    moments_of_truth: list[MomentOfTruth] = Field(
        min_length=1, max_length=12, description="moments that make or break trust; 4 or more"
    )
    difficult_situations: list[DifficultSituation] = Field(
        min_length=1,
        max_length=48,
        description="real situations for role-plays in threes; each module needs one of its kind that lists its id",
    )
    language: list[LanguageSwap] = Field(
        min_length=1, max_length=16, description="phrases staff really say, and better ones"
    )
    escalation: list[EscalationStep] = Field(
        min_length=1, max_length=10, description="when to pass a contact on, to whom, how"
    )
    metrics: list[Metric] = Field(
        min_length=1, max_length=12, description="what is measured, with the trap in each measure"
    )
    regulations: list[Regulation] = Field(
        min_length=1, max_length=16, description="rules that govern these conversations, each with its official source"
    )
    known_issues: list[KnownIssue] = Field(
        min_length=1,
        max_length=16,
        description="symptoms with their causes; only skill and knowledge causes are trained",
    )
    vulnerability_cues: list[Text] = Field(min_length=1, max_length=40, description="signs someone may need extra care")
    glossary: dict[ShortText, Text] = Field(
        default_factory=dict, max_length=80, description="the industry's words, explained"
    )
    emergencies: Emergencies = Field(description="the screen-and-transfer procedure for contacts that are emergencies")
    module_checks: dict[Slug, Annotated[list[Question], Field(max_length=6)]] = Field(
        default_factory=dict,
        max_length=40,
        description="per module id: industry scenario questions added to the module's knowledge check",
    )
    examples: dict[Slug, Annotated[dict[Slug, Text], Field(max_length=40)]] = Field(
        default_factory=dict,
        max_length=40,
        description="per module id: the industry's examples for the slots the module's lesson declares",
    )
    scorecard: list[Text] = Field(
        default_factory=list, max_length=6, description="industry behaviours the practice-review scorecard adds"
    )
    spelling: Spelling = Field(default="en-US", description="en-US or en-GB, applied to the generic content too")
    print: PrintSettings = Field(default=PrintSettings(), description="paper size for the PDFs")
    branding: Branding = Field(default=Branding(), description="accent colour of the site and PDFs")
    authority: list[AuthorityLimit] = Field(
        default_factory=list,
        max_length=8,
        description="what a frontline person may refund, waive or credit on their own (organisations fill it in)",
    )
    policies: list[Policy] = Field(
        default_factory=list,
        max_length=12,
        description="internal policies the role-play cards, lessons and model answers quote (organisations)",
    )
    program: ProgramSettings = Field(default=ProgramSettings(), description="how the sessions are scheduled")


# --------------------------------------------------------------------------- modules

ActivityKind = Literal["opening", "lesson", "discussion", "exercise", "roleplay", "knowledge_check", "debrief", "break"]
Failure = Literal["wrong_need", "generic", "self_directed", "one_dimensional", "internal_forgotten"]


class Objective(Strict):
    id: Slug
    text: Text = Field(description="observable behaviour with an action verb; may use Jinja")
    practised_in: list[Slug] = Field(min_length=1, description="activity ids where it is practised")
    assessed_by: list[Slug] = Field(min_length=1, description="knowledge-check question ids, or 'observer-checklist'")


class Activity(Strict):
    id: Slug
    title: ShortText
    minutes: int = Field(ge=1, le=240)
    kind: ActivityKind


class RoleplaySpec(Strict):
    kinds: list[ConversationKind] = Field(
        min_length=1, description="the kinds of conversation this module's role-play can practise"
    )
    setup: Text = Field(description="what this module's round practises and what the observer records; may use Jinja")


class ModuleSpec(Strict):
    """A module's ``module.yaml``. Text fields are Jinja templates filled from the profile."""

    id: Slug
    title: ShortText
    summary: Text
    answers_failure: Failure
    audience: Literal["frontline", "leads"] = Field(
        default="frontline", description="the course the module belongs to: frontline staff, or team leads"
    )
    teaches_rules: Literal["data-protection", "other"] | None = Field(
        default=None,
        description="teaches the profile's data-protection laws, or its other rules, in full and asks their questions",
    )
    minutes: int = Field(ge=5, le=480)
    objectives: list[Objective] = Field(min_length=2, max_length=4)
    activities: list[Activity] = Field(min_length=1)
    roleplay: RoleplaySpec
    knowledge_check: list[Question] = Field(
        default_factory=list, description="generic questions; the profile adds its own for the module"
    )
    examples: dict[Slug, Text] = Field(
        default_factory=dict, description="slots every profile fills under examples.<module id>: slot → what it holds"
    )
    debrief: list[Text] = Field(min_length=1)
    short_on_time: Text
    profile_fields: list[str] = Field(
        default_factory=list, description="profile fields the lesson relies on, e.g. 'language'"
    )


# --------------------------------------------------------------------------- delivery formats


class AgendaItem(Strict):
    """One slot of a session: a module (its own minutes) or a fixed item such as a break."""

    module: Slug | None = None
    title: ShortText | None = None
    minutes: int | None = Field(default=None, ge=1, le=240)
    kind: Literal["module", "opening", "break", "meal", "closing", "practice"] = "module"
    plan: Slug | None = Field(
        default=None, description="facilitator plan for an opening or closing: content/program/sessions/<plan>.md"
    )


class Session(Strict):
    title: ShortText
    start: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
    minutes: int = Field(ge=15, le=600)
    items: list[AgendaItem] = Field(min_length=1)


class DeliveryFormat(Strict):
    title: ShortText
    course: Literal["frontline", "leads"] = Field(description="the course this format schedules")
    description: Text
    sessions: list[Session] = Field(min_length=1)


class FormatsFile(Strict):
    """``content/program/formats.yaml``: the ways the program can be scheduled."""

    formats: dict[Slug, DeliveryFormat] = Field(min_length=1)


# --------------------------------------------------------------------------- role-play rounds and reinforcement


class RoundStep(Strict):
    name: ShortText
    minutes: int = Field(ge=1, le=30)
    what: Text


class ConversationRound(Strict):
    """How one round of a kind of conversation runs, and the least time it needs."""

    title: ShortText
    steps: list[RoundStep] = Field(min_length=2)

    @property
    def minutes(self) -> int:
        return sum(step.minutes for step in self.steps)


class RoleplayFile(Strict):
    """``content/program/roleplay.yaml``: one round per kind of conversation."""

    kinds: dict[ConversationKind, ConversationRound]


class FollowUp(Strict):
    when: ShortText
    who: ShortText
    minutes: int = Field(ge=1, le=120)
    what: Text


class ScorecardLine(Strict):
    behavior: ShortText
    good: Text


class ReinforcementFile(Strict):
    """``content/program/reinforcement.yaml``: the one follow-up schedule and the one scorecard."""

    follow_up: list[FollowUp] = Field(min_length=1)
    scorecard: list[ScorecardLine] = Field(min_length=1)


# --------------------------------------------------------------------------- loaded sources


@dataclass(frozen=True)
class Module:
    """A module as loaded from ``content/modules/NN-<id>/``: its spec and where it came from.

    ``number`` is the module's place in its own course (the folder's NN orders all modules); the
    frontline course and the team-lead workshop each count from 1.
    """

    number: int
    spec: ModuleSpec
    folder: str  # e.g. "content/modules/02-questioning"
    lesson_template: str  # Jinja name, e.g. "modules/02-questioning/lesson.md"
    lines: dict[tuple[str | int, ...], int]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def course(self) -> str:
        """The course the module belongs to: "frontline" or "leads"."""
        return self.spec.audience

    def line_of(self, path: tuple[str | int, ...]) -> int:
        return self.lines.get(path, 1)


@dataclass(frozen=True)
class Industry:
    """A validated profile and the file it came from: an industry's, or an organisation's merged
    over the industry it extends (``extends``), with every file its values came from (``files``)."""

    profile: Profile
    file: str  # e.g. "industries/hotel.yaml" or "organisations/harbourlight-hotels.yaml"
    extends: str | None = None  # the industry id an organisation extends
    sources: tuple[str, ...] = ()  # other project files it is made from: the industry, _brand.yml, the logo

    @property
    def files(self) -> tuple[str, ...]:
        """Every project file the profile is made from, its own first: an output depends on each."""
        return (self.file, *self.sources)

    @property
    def is_organisation(self) -> bool:
        return self.extends is not None
