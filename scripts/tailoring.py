"""Measure how much of each industry's participant workbook is its own.

For every pair of industries (A, B): the share of A's workbook sentences that do not occur in B's
workbook once each industry's own words (the people it serves, the organisation, the roles, the
industry's name) are swapped back to placeholders. 100 % means nothing of A reads the same in B.

Usage: python scripts/tailoring.py DIST_DIR PROFILES_DIR   (prints a Markdown table)
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from examples_rule import normalised, swap_back  # noqa: E402


def words_of(profile: dict) -> dict[str, str]:
    terms = profile["terms"]
    words = {terms["customer"]["plural"]: "<customers>", terms["customer"]["singular"]: "<customer>"}
    words[terms["organisation"]] = "<org>"
    words[terms["staff"]] = "<staff>"
    words[terms["manager_role"]] = "<manager>"
    for role in terms["frontline_roles"]:
        words[role] = "<role>"
    words[profile["name"]] = "<industry>"
    return words


def workbook_sentences(pdf: Path, profile: dict) -> set[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    words = words_of(profile)
    found = set()
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        clean = normalised(swap_back(sentence, words))
        if len(clean.split()) >= 6:
            found.add(clean)
    return found


def main(dist: Path, profiles: Path) -> None:
    books = {}
    for profile_file in sorted(profiles.glob("*.yaml")):
        profile = yaml.safe_load(profile_file.read_text(encoding="utf-8"))
        candidates = [dist / profile["id"] / "downloads" / f"{profile['id']}-workbook.pdf"]
        pdf = next((c for c in candidates if c.is_file()), None)
        if pdf:
            books[profile["id"]] = workbook_sentences(pdf, profile)
    ids = sorted(books)
    print("| A \\ B | " + " | ".join(ids) + " |")
    print("|---|" + "---:|" * len(ids))
    shares = []
    for a in ids:
        row = []
        for b in ids:
            if a == b:
                row.append("")
                continue
            own = 1 - len(books[a] & books[b]) / len(books[a])
            shares.append(own)
            row.append(f"{own:.0%}")
        print(f"| {a} | " + " | ".join(row) + " |")
    print(f"\nMean over all pairs: {sum(shares) / len(shares):.0%}; lowest: {min(shares):.0%}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
