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
