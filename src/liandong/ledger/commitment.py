"""Commitments to personal data in leaves (个人信息承诺): the log is public, the reporter is not.

A leaf that would carry a reporter's name, phone or account carries instead, per field,
``H(domain ‖ salt ‖ JCS([field, value]))``, with one random 32-byte salt per case kept in the case
store, never in the log. Anyone can verify a receipt and see that the report was made, what it was
about and when; no one can read or guess the personal data from it (the salt makes a phone number
as hard to guess as the salt). Whoever holds the stored values and the salt can show that the leaf
committed to exactly those values, and deleting the salt leaves the commitments meaningless
(erasure without rewriting the append-only log).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from typing import Any

from liandong.ledger.canonical import canonical_bytes
from liandong.ledger.suite import HashFactory

DOMAIN = b"liandong/commitment/v1\x00"
SALT_BYTES = 32


_ESCAPED = re.compile('["\\\\\x00-\x1f\ud800-\udfff]')
"""What JSON (and JCS) writes otherwise than as itself: a text without any is its own encoding."""


def commit(salt: bytes, name: str, value: object, *, hash_new: HashFactory = hashlib.sha256) -> bytes:
    """The commitment to ``value`` of field ``name`` under ``salt``: a text, or (free-text fields of
    version 3 leaves: an instrument's indicators) any JSON value, by its canonical bytes — for a
    text that JSON writes as itself, ``["name","value"]`` directly (the same bytes, without the
    general encoder: every report's leaf makes seven, and the state cross-check remakes them)."""
    if type(value) is str and _ESCAPED.search(value) is None and _ESCAPED.search(name) is None:
        return hash_new(b'%s%s["%s","%s"]' % (DOMAIN, salt, name.encode(), value.encode())).digest()
    return hash_new(DOMAIN + salt + canonical_bytes([name, value])).digest()


def conceal(payload: Mapping[str, Any], fields: Sequence[str], salt: bytes, *,
            hash_new: HashFactory = hashlib.sha256) -> tuple[dict[str, Any], dict[str, str]]:
    """``payload`` without ``fields``, and for each of them the base64 commitment to its value
    (empty values too, so a leaf does not tell whether a phone number was given). A missing field
    counts as ""; a text is committed as itself, a list by its JSON (personal fields are all texts,
    so version 2 commitments are unchanged)."""
    kept = {key: value for key, value in payload.items() if key not in fields}
    commitments = {name: base64.b64encode(commit(salt, name, _value(payload.get(name, "")),
                                                 hash_new=hash_new)).decode("ascii")
                   for name in fields}
    return kept, commitments


def _value(value: object) -> object:
    return value if isinstance(value, (str, list, tuple, dict)) else str(value)


def opens(commitments: Mapping[str, object], values: Mapping[str, object], salt: bytes, *,
          hash_new: HashFactory = hashlib.sha256) -> bool:
    """Whether ``values`` are exactly what ``commitments`` were made to under ``salt``."""
    if set(commitments) != set(values):
        return False
    expected = {name: base64.b64encode(commit(salt, name, _value(value), hash_new=hash_new)).decode("ascii")
                for name, value in values.items()}
    return all(isinstance(found, str) and hmac.compare_digest(found, expected[name])
               for name, found in commitments.items())
