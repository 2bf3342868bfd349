"""The published JSON Schema of a profile, for editors and for industries/schema.json."""

from __future__ import annotations

import json

from .model import Profile


def profile_schema_json() -> str:
    """JSON Schema of :class:`~trainkit.model.Profile`, stable text with a trailing newline."""
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Industry profile"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def organisation_schema_json() -> str:
    """JSON Schema of an organisation file (``organisations/schema.json``): every profile field is
    optional (it is inherited), a list may also be ``{add: [...], remove: [...]}``, and ``extends``
    and ``brand`` are the organisation's own."""
    from .brand import Brand

    schema = Profile.model_json_schema()
    brand = Brand.model_json_schema()
    defs = {**schema.pop("$defs", {}), **brand.pop("$defs", {}), "Brand": brand}
    for node in [schema, *defs.values()]:
        if node is not brand:
            node.pop("required", None)  # inherited from the industry, so never required here
        for name, prop in node.get("properties", {}).items():
            if prop.get("type") == "array":
                node["properties"][name] = _list_or_edit(prop)
    schema["$defs"] = defs
    schema["properties"]["extends"] = {"type": "string", "description": "id of the industry this organisation extends"}
    schema["properties"]["brand"] = {
        "anyOf": [
            {"type": "string", "description": "path of a Quarto _brand.yml, from this folder"},
            {"$ref": "#/$defs/Brand"},
        ],
        "description": "colours, logo and typeface, as in Quarto's _brand.yml",
    }
    schema["properties"]["wording"] = {
        "type": "object",
        "additionalProperties": {"type": "string", "maxLength": 60},
        "description": "the industry's word for a thing, and yours: renamed in every text inherited from the industry",
    }
    schema["required"] = ["id", "name", "extends"]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Organisation profile"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def _list_or_edit(prop: dict[str, object]) -> dict[str, object]:
    edit = {
        "type": "object",
        "properties": {"add": prop, "remove": {"type": "array", "items": {"type": "string"}}},
        "additionalProperties": False,
    }
    return {"anyOf": [prop, edit], "description": prop.get("description", "")}
