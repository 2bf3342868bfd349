"""Read-only views of profile data for templates, which record which fields they read.

Templates see profile values through :class:`DataView`: strings arrive as
:class:`~trainkit.escape.ProfileText` (so autoescape treats them as data), a field that does not
exist is a clear error, and every field read is noted for the coverage report.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from jinja2.exceptions import UndefinedError
from pydantic import BaseModel

from .escape import ProfileText


class MissingField(UndefinedError):
    """A template asked for a profile field that the schema does not have."""


class DataView:
    """Attribute access over a pydantic model, recording dotted paths in ``reads``."""

    __slots__ = ("_model", "_path", "_reads")

    def __init__(self, model: BaseModel, path: str, reads: set[str]) -> None:
        self._model = model
        self._path = path
        self._reads = reads

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in type(self._model).model_fields:
            known = ", ".join(type(self._model).model_fields)
            raise MissingField(f"profile field '{self._path}.{name}' does not exist; fields here: {known}")
        dotted = f"{self._path}.{name}"
        self._reads.add(dotted)
        return wrap(getattr(self._model, name), dotted, self._reads)

    def __getitem__(self, name: str) -> Any:
        # Jinja's attribute filters (groupby, map, selectattr) try item access first.
        if not isinstance(name, str):
            raise TypeError(name)
        return self.__getattr__(name)

    def __repr__(self) -> str:
        return f"<{self._path}>"


class ListView(tuple[Any, ...]):
    """A tuple of wrapped items; reading it counts as reading the list field."""


def wrap(value: Any, path: str, reads: set[str]) -> Any:
    """Wrap a model value for templates. Lists keep their path (items share the field's path)."""
    if isinstance(value, BaseModel):
        return DataView(value, path, reads)
    if isinstance(value, str):
        return ProfileText(value)
    if isinstance(value, list | tuple):
        return ListView(wrap(item, path, reads) for item in value)
    if isinstance(value, dict):
        return {ProfileText(k): wrap(v, path, reads) for k, v in value.items()}
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def leaf_fields(model: type[BaseModel], prefix: str) -> Iterator[str]:
    """Every dotted leaf path a model can hold (lists and dicts count as leaves of their items)."""
    for name, info in model.model_fields.items():
        dotted = f"{prefix}.{name}"
        inner = _model_in(info.annotation)
        if inner is None:
            yield dotted
        else:
            yield from leaf_fields(inner, dotted)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
