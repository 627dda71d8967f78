"""One codec for every aggregate's events: frozen event dataclasses ⇄ JSON-friendly payloads (no
floats; aware times as UTC ISO strings; enums by value; tuples, nested ones included, as lists;
optional fields as null). A field missing from a stored payload takes its default, so an event
type may gain a defaulted field without rewriting what was stored."""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, datetime
from enum import Enum
from types import NoneType, UnionType
from typing import Any, Generic, TypeVar

from liandong.domain.aggregate import ABSENT_WHEN_NONE, DomainEvent
from liandong.domain.errors import DomainError

E = TypeVar("E", bound=DomainEvent)
Decoder = Callable[[Any], Any]


def encode(value: Any) -> Any:
    """One field's value in its JSON form."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise DomainError("time.naive", value=str(value))
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [encode(v) for v in value]
    return value


def moment(value: str) -> datetime:
    """``2026-03-02T01:00:00.000000Z`` (as ``encode`` writes it) → an aware UTC datetime."""
    return datetime.fromisoformat(value).astimezone(UTC)


def _same(value: Any) -> Any:
    return value


def decoder(hint: Any) -> Decoder:
    """A function that turns the JSON form of a field of type ``hint`` back into its value."""
    if hint is datetime:
        return moment
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    origin = typing.get_origin(hint)
    if origin in (UnionType, typing.Union):
        options = [a for a in typing.get_args(hint) if a is not NoneType]
        if len(options) == 1:
            inner = decoder(options[0])
            return lambda value: None if value is None else inner(value)
        return _same
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            each = decoder(args[0])
            if each is _same:
                return tuple
            return lambda value: tuple(each(v) for v in value)
        parts = [decoder(a) for a in args]
        return lambda value: tuple(d(v) for v, d in zip(value, parts, strict=True))
    return _same


_FIELDS: dict[type, tuple[tuple[str, bool], ...]] = {}
"""Each event type's fields in order, and whether the field is left out while None."""


def _fields_of(cls: type) -> tuple[tuple[str, bool], ...]:
    found = _FIELDS[cls] = tuple((f.name, bool(f.metadata.get(ABSENT_WHEN_NONE)))
                                 for f in fields(cls))
    return found


def to_payload(event: DomainEvent) -> dict[str, Any]:
    """Any aggregate's event as its payload: its type's name and each field's JSON form (a field
    marked ``ABSENT_WHEN_NONE``, the claimed time, only when it is set)."""
    cls = type(event)
    out: dict[str, Any] = {"type": cls.__name__}
    for name, optional in _FIELDS.get(cls) or _fields_of(cls):
        value = getattr(event, name)
        if value is None and optional:
            continue
        out[name] = encode(value)
    return out


class EventCodec(Generic[E]):
    """The codec of one aggregate's events: every subclass of ``base`` by its class name."""

    def __init__(self, base: type[E]) -> None:
        self.types: dict[str, type[E]] = {cls.__name__: cls for cls in base.__subclasses__()}
        self._decoders: dict[type[E], tuple[tuple[str, Decoder], ...]] = {}

    def to_payload(self, event: E) -> dict[str, Any]:
        return to_payload(event)

    def from_payload(self, payload: dict[str, Any]) -> E:
        cls = self.types.get(str(payload.get("type")))
        if cls is None:
            raise DomainError("event.unknown_type", value=str(payload.get("type")))
        decoders = self._decoders.get(cls)
        if decoders is None:
            hints = typing.get_type_hints(cls)
            decoders = self._decoders[cls] = tuple(
                (f.name, decoder(hints[f.name])) for f in fields(cls))  # type: ignore[arg-type]
        return cls(**{name: decode(payload[name]) for name, decode in decoders if name in payload})
