"""Canonical bytes of signed payloads (规范化编码): RFC 8785 JSON, with floats refused.

Two nodes must derive byte-identical leaves from the same event, so every signed payload goes through
``canonical_bytes``. Floats are refused outright: their JCS text depends on shortest-round-trip
formatting and invites silent loss of precision in amounts; signed payloads carry integers (e.g. fen,
seconds) or decimal strings instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TypeAlias

import rfc8785

from liandong.ledger.errors import LedgerError

JsonValue: TypeAlias = str | int | bool | Sequence["JsonValue"] | Mapping[str, "JsonValue"] | None
"""What a signed payload may contain: str, int, bool, None, lists (or tuples) and str-keyed dicts."""

MAX_SAFE_INTEGER = 2**53 - 1
"""RFC 8785 numbers are IEEE doubles; larger integers would not survive a round trip elsewhere."""

MAX_DEPTH = 64


def canonical_bytes(obj: object) -> bytes:
    """The RFC 8785 (JCS) encoding of ``obj``; raises ``LedgerError`` naming the path of a bad value.

    For payloads whose keys are all ASCII (every payload the platform signs), JCS coincides with
    ``json.dumps`` with sorted keys, no whitespace and no ASCII escaping: key order by UTF-16 code
    units equals code-point order for ASCII, strings escape the same characters the same way, and
    integers print alike. That fast path is checked against ``rfc8785`` by property tests.
    """
    if _plain(obj, 0):
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True,
                          allow_nan=False).encode("utf-8")
    _check(obj, "$", 0)
    try:
        return rfc8785.dumps(obj)  # type: ignore[arg-type]  # checked by _check above
    except rfc8785.CanonicalizationError as exc:  # pragma: no cover - _check rejects these first
        raise LedgerError("ledger.not_canonicalisable", path="$", problem=str(exc)) from exc


def canonical_members(members: Mapping[str, bytes]) -> bytes:
    """The RFC 8785 encoding of an object whose members' values are already canonical bytes.

    An envelope is encoded once to be signed and once more with its signature added: encoding the
    members once and joining them twice gives the same bytes (JCS sorts the members of an object
    and writes ``{"key":value,…}`` without whitespace) without walking the event twice. Keys must
    be ASCII, where sorting by UTF-16 code units is sorting by code points."""
    if not all(type(key) is str and key.isascii() for key in members):
        raise LedgerError("ledger.non_ascii_member", keys=", ".join(map(repr, members)))
    joined = b",".join(json.dumps(key, ensure_ascii=False).encode() + b":" + members[key]
                       for key in sorted(members))
    return b"{" + joined + b"}"


def _plain(obj: object, depth: int) -> bool:
    """True when ``obj`` is valid and every key is ASCII (no path bookkeeping: the fast check)."""
    if obj is None or isinstance(obj, bool):
        return True
    if isinstance(obj, str):
        return type(obj) is str and (obj.isascii() or _encodable(obj))
    if isinstance(obj, int):
        return type(obj) is int and -MAX_SAFE_INTEGER <= obj <= MAX_SAFE_INTEGER
    if depth >= MAX_DEPTH:
        return False
    if isinstance(obj, dict):
        return type(obj) is dict and all(
            type(k) is str and k.isascii() and _plain(v, depth + 1) for k, v in obj.items())
    if isinstance(obj, list | tuple):
        return type(obj) in (list, tuple) and all(_plain(v, depth + 1) for v in obj)
    return False


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check(obj: object, path: str, depth: int) -> None:
    """Walk ``obj`` and refuse anything JCS would encode ambiguously or that we do not sign."""
    if depth > MAX_DEPTH:
        raise LedgerError("ledger.payload_too_deep", path=path, max_depth=MAX_DEPTH)
    if obj is None or isinstance(obj, bool):
        return
    if isinstance(obj, int):
        if not -MAX_SAFE_INTEGER <= obj <= MAX_SAFE_INTEGER:
            raise LedgerError("ledger.integer_out_of_range", path=path, value=obj)
        return
    if isinstance(obj, float):
        raise LedgerError("ledger.float_in_payload", path=path, value=obj)
    if isinstance(obj, str):
        _check_str(obj, path)
        return
    if isinstance(obj, list | tuple):
        for position, item in enumerate(obj):
            _check(item, f"{path}[{position}]", depth + 1)
        return
    if isinstance(obj, dict):
        for key, item in obj.items():
            if not isinstance(key, str):
                raise LedgerError("ledger.non_string_key", path=path, key=repr(key))
            _check_str(key, f"{path} (key)")
            _check(item, f"{path}.{key}", depth + 1)
        return
    raise LedgerError("ledger.unsupported_type", path=path, type=type(obj).__name__)


def _check_str(value: str, path: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise LedgerError("ledger.invalid_string", path=path, problem="lone surrogate") from exc
