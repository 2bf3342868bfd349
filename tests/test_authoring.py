"""Authoring help: `build.py new` scaffolds a working, commented profile; editors get the schema."""

from __future__ import annotations

import yaml
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


def test_check_names_each_entry_still_copied_once_the_rest_is_rewritten(make_project, capsys):
    """Rewritten field by field, a copy can keep a few of its source's entries unnoticed: a
    glossary term, an example, a knowledge-check question. Each is named until rewritten."""
    hotel_text = (PROJECT_ROOT / "industries" / "hotel.yaml").read_text(encoding="utf-8")
    hotel, airline = (
        yaml.safe_load(hotel_text),
        yaml.safe_load(PROJECT_ROOT.joinpath("industries", "airline.yaml").read_text(encoding="utf-8")),
    )
    kept_term = next(iter(hotel["glossary"]))
    module, slots = next(iter(hotel["examples"].items()))
    kept_slot = next(iter(slots))
    rewritten = {**airline, "id": "cruise-line", "name": "Cruise line"}
    rewritten["glossary"] = {**airline["glossary"], kept_term: hotel["glossary"][kept_term]}
    rewritten["examples"] = {
        **airline["examples"],
        module: {**airline["examples"][module], kept_slot: slots[kept_slot]},
    }
    header = f"{SCHEMA_LINE}\n# Profile for Cruise line, started from hotel.yaml. Rewrite every value.\n"
    root = make_project(
        {
            "hotel.yaml": PROJECT_ROOT / "industries" / "hotel.yaml",
            "cruise-line.yaml": (header + yaml.safe_dump(rewritten, sort_keys=False, allow_unicode=True)).encode(),
        }
    )
    assert main(["check"], root=root) == 2
    err = capsys.readouterr().err
    problems = [line for line in err.splitlines() if line.startswith("industries/cruise-line.yaml:")]
    assert len(problems) == 2, err
    assert f"glossary: 1 entry still as in industries/hotel.yaml ({kept_term});" in err
    assert f"examples: 1 entry still as in industries/hotel.yaml ({module} {kept_slot});" in err
    assert "delete the 'started from' comment on line 2" in err

    # Deleting the comment says the rest was kept on purpose.
    cruise = root / "industries" / "cruise-line.yaml"
    cruise.write_text(
        cruise.read_text(encoding="utf-8").replace("# Profile for Cruise line, started from hotel.yaml.", "#"),
        encoding="utf-8",
    )
    assert main(["check"], root=root) == 0, capsys.readouterr().err
