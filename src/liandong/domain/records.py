"""Reading reference-data records (parsed TOML tables) with errors that name the entry and the rule.

Every refusal says which file, which entry and which field was wrong and what is allowed, so
that an administrator editing a responsibility list can fix it without reading code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from liandong.domain.errors import ReferenceDataError

T = TypeVar("T")


class Record:
    """One table of a data file, with its source and position for error messages."""

    def __init__(self, data: Any, *, source: str, entry: str) -> None:
        if not isinstance(data, Mapping):
            raise ReferenceDataError("data.not_table", source=source, entry=entry)
        self.data: Mapping[str, Any] = data
        self.source = source
        self.entry = entry

    def fail(self, code: str, **params: Any) -> ReferenceDataError:
        return ReferenceDataError(code, source=self.source, entry=self.entry, **params)

    def only(self, allowed: Iterable[str]) -> None:
        """Refuse keys that the format does not define (a typo would otherwise pass silently)."""
        allowed_set = set(allowed)
        extra = sorted(set(self.data) - allowed_set)
        if extra:
            raise self.fail("data.unknown_field", field=", ".join(extra),
                            allowed=", ".join(sorted(allowed_set)))

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail("data.missing_field", field=key)
            return default
        if not isinstance(value, str):
            raise self.fail("data.wrong_type", field=key, expected="string", got=repr(value))
        if required and not value.strip():
            raise self.fail("data.empty_field", field=key)
        return value.strip()

    def texts(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail("data.missing_field", field=key)
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail("data.wrong_type", field=key, expected="list of strings",
                            got=repr(value))
        return tuple(v.strip() for v in value)

    def flag(self, key: str, *, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail("data.wrong_type", field=key, expected="true or false", got=repr(value))
        return value

    def table(self, key: str) -> Mapping[str, Any]:
        value = self.data.get(key)
        if value is None:
            raise self.fail("data.missing_field", field=key)
        if not isinstance(value, Mapping):
            raise self.fail("data.wrong_type", field=key, expected="table", got=repr(value))
        return value

    def choice(self, key: str, value: str, allowed: Iterable[str]) -> str:
        options = list(allowed)
        if value not in options:
            raise self.fail("data.not_allowed", field=key, value=value,
                            allowed=", ".join(options))
        return value


def entries(document: Any, key: str, *, source: str) -> list[Record]:
    """The array of tables ``key`` of a document, each wrapped as a Record named by its code."""
    if not isinstance(document, Mapping):
        raise ReferenceDataError("data.not_table", source=source, entry="(file)")
    version = document.get("version")
    if not isinstance(version, str) or not version:
        raise ReferenceDataError("data.missing_field", source=source, entry="(file)",
                                 field="version")
    items = document.get(key)
    if not isinstance(items, list) or not items:
        raise ReferenceDataError("data.missing_array", source=source, field=key)
    records = []
    for n, item in enumerate(items, start=1):
        code = item.get("code") if isinstance(item, Mapping) else None
        records.append(Record(item, source=source, entry=f"{key}[{n}] {code or ''}".strip()))
    return records


def unique(records: Iterable[tuple[str, T]], *, source: str, what: str) -> dict[str, T]:
    """A mapping by code that refuses a repeated code."""
    seen: dict[str, T] = {}
    for code, item in records:
        if code in seen:
            raise ReferenceDataError("data.duplicate_code", source=source, entry=code, what=what)
        seen[code] = item
    return seen
