"""Organisation profiles: ``organisations/<id>.yaml`` extends one industry with one client's facts and brand.

An organisation file names the industry it ``extends`` and overrides any field of it (the rules are in
trainkit/merge.py); ``brand:`` gives its colours, logo and typeface the way Quarto's ``_brand.yml``
does (trainkit/brand.py). The merged result is checked like any profile, so every stage downstream
sees an ordinary :class:`~trainkit.model.Industry`, and every problem names the file that holds the value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .brand import brand_document
from .errors import Problem
from .load import Document, LoadFailed, load_yaml
from .merge import merge_documents
from .model import Industry
from .wording import renamed_document

if TYPE_CHECKING:
    from .validate import ProfileCheck

ORGANISATIONS = "organisations"
#: Fields only an organisation file has: they are not profile fields, so they are not merged.
OWN_FIELDS = ("extends", "brand", "wording")
#: Fields an organisation must write itself: inheriting them would make it its industry again.
REQUIRED = {
    "id": "the file name without .yaml",
    "name": "the organisation's name as its staff say it",
    "extends": "the id of the industry it belongs to, e.g. hotel (see `build.py list`)",
}


@dataclass
class Organisations:
    """Every organisation that loaded, the problems of each (by file stem), and the industry each extends."""

    loaded: list[Industry] = field(default_factory=list)
    problems: dict[str, list[Problem]] = field(default_factory=dict)
    extends: dict[str, str] = field(default_factory=dict)


def load_organisations(
    folder: Path,
    root: Path,
    industries: Mapping[str, tuple[Industry, Document]],
    industry_files: Mapping[str, str],
    check: ProfileCheck,
) -> Organisations:
    """Load, merge and check every ``organisations/*.yaml``.

    ``industries`` are the industries that loaded without problems (with their documents);
    ``industry_files`` maps every industry file's stem to its file, loaded or not.
    """
    from .validate import SLUG, profile_paths

    result = Organisations()
    if not folder.is_dir():
        return result
    for path in profile_paths(folder):
        shown = path.relative_to(root).as_posix()
        if not SLUG.match(path.stem):
            message = f"file name must be a slug (e.g. acme-hotels.yaml); rename '{path.name}'"
            result.problems[path.stem] = [Problem(shown, None, "", message)]
            continue
        try:
            doc = load_yaml(path, shown, within=root)
        except LoadFailed as failed:
            result.problems[path.stem] = [Problem(shown, failed.line, "", failed.message)]
            continue
        extends = doc.data.get("extends")
        if isinstance(extends, str):
            result.extends[path.stem] = extends
        organisation, found = load_organisation(root, doc, path.stem, industries, industry_files, check)
        if found:
            result.problems[path.stem] = found
        if organisation is not None:
            result.loaded.append(organisation)
    return result


def load_organisation(
    root: Path,
    doc: Document,
    stem: str,
    industries: Mapping[str, tuple[Industry, Document]],
    industry_files: Mapping[str, str],
    check: ProfileCheck,
) -> tuple[Industry | None, list[Problem]]:
    """One organisation: its own checks, then the merged profile's (None when it cannot be made)."""
    problems = [
        Problem(doc.file, 1, name, f"required field is missing; add {name}: ({what})")
        for name, what in REQUIRED.items()
        if name not in doc.data
    ]
    if stem in industry_files:
        problems.append(
            Problem(
                doc.file,
                doc.line_of(("id",)),
                "id",
                f"'{stem}' is the id of an industry ({industry_files[stem]}); an organisation needs an id of its "
                "own: rename this file and its id",
            )
        )
    extends = doc.data.get("extends")
    if "extends" in doc.data and extends not in industries:
        problems.append(_extends_problem(doc, extends, industries, industry_files))
    if problems:
        return None, problems
    industry, industry_doc = industries[extends]
    industry_doc, problems = renamed_document(industry_doc, doc)
    if problems:
        return None, problems
    own = Document(doc.file, {k: v for k, v in doc.data.items() if k not in OWN_FIELDS}, doc.lines)
    merged, problems = merge_documents(industry_doc, own)
    brand_files: tuple[str, ...] = ()
    if "brand" in doc.data:
        brand = brand_document(root, doc)
        problems += brand.problems
        brand_files = brand.files
        if brand.document is not None:
            merged, found = merge_documents(merged, brand.document)
            merged = dataclasses.replace(merged, file=doc.file)
            problems += found
    if problems:
        return None, problems
    profile, problems = check(merged, stem)
    if profile is None:
        return None, problems
    logo = (profile.branding.logo,) if profile.branding.logo else ()
    return Industry(profile, doc.file, extends=extends, sources=(*industry.files, *brand_files, *logo)), problems


def _extends_problem(
    doc: Document, extends: object, industries: Mapping[str, object], industry_files: Mapping[str, str]
) -> Problem:
    where = doc.line_of(("extends",))
    if isinstance(extends, str) and extends in industry_files:
        message = f"extends '{extends}', whose profile {industry_files[extends]} has problems; fix those first"
    else:
        known = ", ".join(sorted(industry_files)) or "none"
        message = f"Expected the id of an industry in industries/ ({known}) but received {extends!r}"
    return Problem(doc.file, where, "extends", message)
