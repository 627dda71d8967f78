"""Request bodies derived from the commands' declarations (``liandong.domain.declare``): one Pydantic
model per command, named after it, with the bounds and choices the command declares. Cases' and
instruments' alike: the envelope (who acts, which aggregate, the version seen) and the fields the
URL carries (``tasks/{task}/complete``) are the edge's, the rest is the body."""

from __future__ import annotations

import re
import typing
from dataclasses import MISSING, fields
from datetime import datetime
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, Field, create_model

from liandong.api.fields import LocalTime
from liandong.api.schemas import ReporterPhone
from liandong.domain.declare import PHONE, Param, base_type, param_of

ENVELOPE = ("by", "case_id", "instrument_id", "expected_version")
"""Fields the edge fills itself: who acts (the signed-in department), which case or instrument, the
version seen."""


def _describe(p: Param) -> str:
    return p.help or f"{p.label[0]} {p.label[1]}"


def _type(hint: Any, p: Param) -> Any:
    """The annotated type of one field, with its declared bounds."""
    base, optional = base_type(hint)
    if p.kind == PHONE:
        kind: Any = ReporterPhone  # a Chinese mobile or landline, checked at the door
    elif base is datetime:
        kind = LocalTime
    elif base is bool:
        kind = bool
    elif base is int:
        kind = Annotated[int, Field(ge=p.minimum, le=p.maximum)]
    elif typing.get_origin(base) is tuple:
        element = typing.get_args(base)[0]
        if typing.get_origin(element) is tuple:  # pairs, triples: (indicator, value) …
            item: Any = tuple.__class_getitem__(typing.get_args(element))
        else:
            item = Annotated[str, Field(min_length=1, max_length=p.items)] if p.items else str
        kind = Annotated[list[item], Field(min_length=p.min_length or None,  # type: ignore[valid-type]
                                           max_length=p.max_length)]
    else:
        pattern = ("^(" + "|".join(re.escape(v) for v, _ in p.choices) + ")$") if p.choices else None
        kind = Annotated[str, Field(min_length=p.min_length or None, max_length=p.max_length,
                                    pattern=pattern)]
    return kind | None if optional else kind


@cache
def body_of(cls: type) -> type[BaseModel] | None:
    """The body a command's endpoint takes (None: it has no field of its own beside those of its
    URL), with ``expected_version``; booleans with choices (同意/不同意) are plain booleans in JSON."""
    hints = typing.get_type_hints(cls)
    declared = getattr(cls, "declared", None)
    in_path = declared.path_fields if declared is not None else ()
    spec: dict[str, Any] = {}
    for f in fields(cls):
        if f.name in ENVELOPE or f.name in in_path:
            continue
        p = param_of(f)
        if p.edge:
            continue
        kind = _type(hints[f.name], p)
        if hints[f.name] is bool:
            kind = bool
        default = f.default if f.default is not MISSING else ...
        spec[f.name] = (kind, Field(default, description=_describe(p)))
    if not spec:
        return None
    if any(f.name == "expected_version" for f in fields(cls)):  # a command on an existing aggregate
        spec["expected_version"] = (int | None, Field(default=None, ge=0))
    return create_model(f"{cls.__name__}Body", **spec)


def command_of(cls: type, body: BaseModel | None, **envelope: Any) -> Any:
    """The command from a validated body and the envelope the edge fills (with the URL's fields)."""
    values = body.model_dump(exclude={"expected_version"}) if body is not None else {}
    hints = typing.get_type_hints(cls)
    for name, value in values.items():
        if typing.get_origin(hints[name]) is tuple and value is not None:
            values[name] = tuple(value)
    return cls(**envelope, **values)
