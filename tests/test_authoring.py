"""Authoring help: `build.py new` scaffolds a working, commented profile; editors get the schema."""

from __future__ import annotations

from conftest import SHIPPED_IDS

from trainkit.cli import main
from trainkit.pipeline import PROJECT_ROOT
from trainkit.scaffold import SCHEMA_LINE


def test_every_shipped_profile_points_editors_at_the_schema():
    for industry_id in SHIPPED_IDS:
        first = (PROJECT_ROOT / "industries" / f"{industry_id}.yaml").read_text(encoding="utf-8").splitlines()[0]
        assert first == SCHEMA_LINE, industry_id


def test_new_scaffolds_a_commented_profile_that_check_flags_until_it_is_rewritten(make_project, capsys):
    root = make_project({"hotel.yaml": PROJECT_ROOT / "industries" / "hotel.yaml"})
    assert main(["new", "cruise-line", "--from", "hotel"], root=root) == 0
    text = (root / "industries" / "cruise-line.yaml").read_text(encoding="utf-8")
    assert text.startswith(SCHEMA_LINE)
    assert "\nid: cruise-line\n" in text
    assert "# difficult_situations: real situations for role-plays" in text
    capsys.readouterr()

    assert main(["check"], root=root) == 2, "valid, but still a copy of the hotel profile"

    err = capsys.readouterr().err
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("summary:"))
    assert f"industries/cruise-line.yaml:{line}: summary: still the same as in industries/hotel.yaml" in err
    for field in ("terms", "channels", "difficult_situations", "regulations"):
        assert f" {field}: still the same as in industries/hotel.yaml; rewrite it for Cruise line" in err
    assert "industries/hotel.yaml:" not in err.replace("as in industries/hotel.yaml", "")


def test_new_refuses_an_existing_id_or_a_bad_slug(make_project, capsys):
    root = make_project({"hotel.yaml": PROJECT_ROOT / "industries" / "hotel.yaml"})
    assert main(["new", "hotel"], root=root) == 2
    assert main(["new", "Cruise Line"], root=root) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and "Expected a slug" in err
