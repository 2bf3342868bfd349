"""A brand: colours, logo and typeface, written the way Quarto's ``_brand.yml`` writes them.

An organisation file says ``brand:`` either inline or as the path of a ``_brand.yml`` it already
has. Only the parts trainkit uses are read (``color.palette``, ``color.primary``, ``color.background``,
``color.foreground``, ``logo``, ``typography.base``); the rest of a Quarto brand is allowed and
ignored. :func:`brand_document` turns it into the profile's ``branding`` fields, remembering the file
and line of each, and :func:`branding_problems` checks every profile's branding: colour pairs with
too little contrast where they are used, a logo that is not a safe SVG or PNG inside the project, a
typeface that is not installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated, Any
from xml.etree import ElementTree

from pydantic import BaseModel, ConfigDict, StringConstraints

from .errors import Problem
from .fonts import installed_families
from .load import Document, LoadFailed, PathKey, load_yaml, read_bounded
from .model import Branding

HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})\Z")
#: WCAG 2.1 AA, success criterion 1.4.3: text needs 4.5:1 against what it is written on.
AA_TEXT = 4.5
PAPER = "#ffffff"
LOGO_SUFFIXES = frozenset({".svg", ".png"})
MAX_LOGO_BYTES = 300_000
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _Lenient(BaseModel):
    """Quarto's brand has many more fields than trainkit uses: those are ignored, not errors."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)


class BrandColor(_Lenient):
    palette: dict[str, Name] = {}
    primary: Name | None = None
    background: Name | None = None
    foreground: Name | None = None


class BrandFont(_Lenient):
    family: Name


class BrandTypography(_Lenient):
    base: Name | BrandFont | None = None


class BrandImage(_Lenient):
    path: Name


class BrandLogo(_Lenient):
    images: dict[str, Name | BrandImage] = {}
    small: Name | BrandImage | None = None
    medium: Name | BrandImage | None = None
    large: Name | BrandImage | None = None


class Brand(_Lenient):
    """The parts of a Quarto ``_brand.yml`` trainkit reads."""

    color: BrandColor | None = None
    logo: Name | BrandImage | BrandLogo | None = None
    typography: BrandTypography | None = None


class InlineBrand(_Lenient):
    """An organisation file's ``brand:``: a Quarto brand, or the path of a ``_brand.yml``."""

    brand: Name | Brand


#: branding field → the Quarto colour that sets it
COLOURS = {"accent_colour": "primary", "background": "background", "foreground": "foreground"}


@dataclass(frozen=True)
class BrandResult:
    """The ``branding`` fields a brand sets, where each came from, and the files it was read from."""

    document: Document | None
    files: tuple[str, ...]
    problems: list[Problem]


def brand_document(root: Path, organisation: Document) -> BrandResult:
    """The ``branding`` an organisation's ``brand:`` sets, as a document to merge over the profile."""
    from .validate import schema_problems  # validate imports this module for its checks

    inline, problems = schema_problems(InlineBrand, organisation)
    if inline is None:
        return BrandResult(None, (), problems)
    if isinstance(inline.brand, Brand):
        return BrandResult(_branding(root, inline.brand, organisation, ("brand",), "brand."), (), [])
    shown = _project_path(root, organisation.file, inline.brand)
    if shown is None:
        return BrandResult(None, (), [_problem(organisation, ("brand",), "brand", _OUTSIDE.format(inline.brand))])
    try:
        brand_file = load_yaml(root / shown, shown, within=root)
    except LoadFailed as failed:
        return BrandResult(None, (), [Problem(shown, failed.line, "", failed.message)])
    brand, problems = schema_problems(Brand, brand_file)
    if brand is None:
        return BrandResult(None, (shown,), problems)
    merged = _branding(root, brand, brand_file, (), "")
    # The `brand:` line of the organisation is where the branding as a whole comes from.
    merged.lines[("branding",)] = organisation.line_of(("brand",))
    merged.files[("branding",)] = organisation.file
    return BrandResult(merged, (shown,), [])


_OUTSIDE = "'{}' is not a file inside the project; give a path from this file's folder, e.g. acme/_brand.yml"


def _branding(root: Path, brand: Brand, doc: Document, at: PathKey, prefix: str) -> Document:
    """The branding fields ``brand`` sets, each located where ``doc`` wrote it."""
    data: dict[str, Any] = {}
    lines: dict[PathKey, int] = {("branding",): doc.line_of(at)}
    files: dict[PathKey, str] = {("branding",): doc.file}
    labels: dict[PathKey, str] = {}

    def put(name: str, value: str, loc: PathKey) -> None:
        data[name] = value
        lines[("branding", name)] = doc.line_of((*at, *loc))
        files[("branding", name)] = doc.file
        labels[("branding", name)] = prefix + ".".join(str(part) for part in loc)

    palette = brand.color.palette if brand.color else {}
    for field, quarto in COLOURS.items():
        written = getattr(brand.color, quarto) if brand.color else None
        if written is not None:
            # A palette name resolves to its colour; anything else is checked as a colour by the profile schema.
            colour = palette.get(written, written)
            if HEX.match(colour) and len(colour) == 4:  # CSS shorthand: #abc is #aabbcc
                colour = "#" + "".join(digit * 2 for digit in colour[1:])
            put(field, colour, ("color", quarto))
    logo = _logo_path(brand.logo)
    if logo is not None:
        path, loc = logo
        put("logo", _project_path(root, doc.file, path) or path, loc)
    base = brand.typography.base if brand.typography else None
    if base is not None:
        family = base if isinstance(base, str) else base.family
        put("font", family, ("typography", "base") if isinstance(base, str) else ("typography", "base", "family"))
    return Document(doc.file, {"branding": data}, lines, files, labels)


def _logo_path(logo: str | BrandImage | BrandLogo | None) -> tuple[str, PathKey] | None:
    """The logo for covers and headers, and where it was written: Quarto's medium size first."""
    if logo is None:
        return None
    if isinstance(logo, str):
        return logo, ("logo",)
    if isinstance(logo, BrandImage):
        return logo.path, ("logo", "path")
    for size in ("medium", "large", "small"):
        chosen = getattr(logo, size)
        if chosen is None:
            continue
        if isinstance(chosen, BrandImage):
            return chosen.path, ("logo", size, "path")
        named = logo.images.get(chosen, chosen)  # a size may name one of `images`
        return (named.path if isinstance(named, BrandImage) else named), ("logo", size)
    return None


def _project_path(root: Path, holder: str, path: str) -> str | None:
    """``path`` written in the file ``holder`` (relative to its folder), as a path from the project
    folder; None when it leads outside the project."""
    if PurePosixPath(path).is_absolute() or "\\" in path:
        return None
    target = (root / PurePosixPath(holder).parent / path).resolve()
    if not target.is_relative_to(root.resolve()):
        return None
    return target.relative_to(root.resolve()).as_posix()


# --------------------------------------------------------------------------- checks of every profile


def branding_problems(root: Path, branding: Branding, doc: Document) -> list[Problem]:
    """Contrast of every colour pair where it is used, the logo file and the typeface."""
    problems = contrast_problems(branding, doc)
    if branding.logo is not None:
        problems += _logo_problems(root, branding.logo, doc)
    if branding.font is not None:
        families = installed_families()
        if families is None:
            message = "cannot check the typeface: fontconfig (fc-list) is missing; run `make build`"
            problems.append(_problem(doc, ("branding", "font"), "branding.font", message))
        elif branding.font not in families:
            problems.append(
                _problem(
                    doc,
                    ("branding", "font"),
                    "branding.font",
                    f"the typeface '{branding.font}' is not installed; choose one that `fc-list : family` lists, "
                    f"such as {', '.join(sorted(families)[:4])}",
                )
            )
    return problems


@dataclass(frozen=True)
class ColourPair:
    """Text in one colour on another, and where the outputs use it."""

    text: str  # a branding field
    on: str  # a branding field, or PAPER for printed pages
    used_for: str


PAIRS = (
    ColourPair("accent_colour", "background", "headings, links, the site header, the covers and the portal"),
    ColourPair("foreground", "background", "body text on the site, the covers and the portal"),
    ColourPair("accent_colour", PAPER, "headings and running heads on printed pages"),
    ColourPair("foreground", PAPER, "body text on printed pages"),
)


def contrast_problems(branding: Branding, doc: Document) -> list[Problem]:
    """Every pair of colours used together whose contrast is under WCAG AA for text (4.5:1)."""
    problems = []
    seen: set[tuple[str, str]] = set()
    for pair in PAIRS:
        text = getattr(branding, pair.text)
        on = PAPER if pair.on == PAPER else getattr(branding, pair.on)
        if (text.lower(), on.lower()) in seen:
            continue  # on white paper the printed pair is the screen pair: report it once
        seen.add((text.lower(), on.lower()))
        ratio = contrast_ratio(text, on)
        if ratio >= AA_TEXT:
            continue
        loc = ("branding", pair.text)
        other = "white paper" if pair.on == PAPER else f"{doc.label(('branding', pair.on), f'branding.{pair.on}')}"
        problems.append(
            _problem(
                doc,
                loc,
                f"branding.{pair.text}",
                f"{text} on {on} ({other}) has a contrast of {ratio:.2f}:1, under the 4.5:1 WCAG AA needs for "
                f"text; they are used together for {pair.used_for}: choose a darker or lighter colour",
            )
        )
    return problems


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two #RRGGBB colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #RRGGBB colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _logo_problems(root: Path, logo: str, doc: Document) -> list[Problem]:
    loc = ("branding", "logo")

    def problem(message: str) -> list[Problem]:
        return [_problem(doc, loc, "branding.logo", message)]

    path = PurePosixPath(logo)
    if path.is_absolute() or ".." in path.parts or path.suffix.lower() not in LOGO_SUFFIXES:
        return problem(f"Expected an .svg or .png file inside the project but received '{logo}'")
    if not (root / logo).exists() and not (root / logo).is_symlink():
        return problem(
            f"'{logo}' does not exist; a brand's paths start from the folder of the file that holds them "
            "(in organisations/acme.yaml, write acme/logo.svg for organisations/acme/logo.svg)"
        )
    try:
        data = read_bounded(root / logo, within=root)
    except LoadFailed as failed:
        return problem(f"'{logo}' {failed.message}")
    if len(data) > MAX_LOGO_BYTES:
        return problem(f"'{logo}' is {len(data):,} bytes; a logo must be under {MAX_LOGO_BYTES:,}: export it smaller")
    if path.suffix.lower() == ".png":
        return [] if data.startswith(_PNG_MAGIC) else problem(f"'{logo}' is not a PNG image; export it again as PNG")
    unsafe = svg_problem(data)
    return problem(f"'{logo}' {unsafe}") if unsafe else []


_ACTIVE_SVG = frozenset({"script", "foreignObject", "iframe", "embed", "object"})


def svg_problem(data: bytes) -> str | None:
    """Why an SVG cannot be a logo (None if it can): it must be plain drawing, with no scripts, no
    event handlers, no entities and no link to anything outside itself."""
    text = data.decode("utf-8", errors="replace")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return "declares a DOCTYPE or entities; save it as plain SVG"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as err:
        return f"is not well-formed SVG ({err}); export it again"
    if root.tag.rsplit("}", 1)[-1] != "svg":
        return "is not an SVG image (its root element is not <svg>)"
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] in _ACTIVE_SVG:
            return f"holds a <{element.tag.rsplit('}', 1)[-1]}> element; a logo must be a drawing only"
        for name, value in element.attrib.items():
            bare = name.rsplit("}", 1)[-1]
            if bare.lower().startswith("on"):
                return f"holds an event handler ({bare}); a logo must be a drawing only"
            if bare == "href" and not value.startswith("#"):
                return f"links to '{value[:60]}'; a logo must hold everything it draws"
    return None


def _problem(doc: Document, loc: PathKey, shown: str, message: str) -> Problem:
    file, line = doc.where(loc)
    return Problem(file, line, doc.label(loc, shown), message)
