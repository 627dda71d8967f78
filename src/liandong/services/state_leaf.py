"""The state cross-check's fast comparison of a stored case event with its leaf (decision 0028, issue
22's performance target): by bytes, without parsing the leaf.

A leaf is canonical JSON with sorted keys — ``{"commitments":{…},"event":{…},"seq":N,"sig":"…",
"signer":"…","v":3}`` — and a case event's stored payload is already the canonical JSON of the
event. So the leaf of an event without concealed fields must begin with ``{"event":<payload>,
"seq":N,"sig":"``; the leaf of an event with some (a report: its personal and free-text fields)
must begin with its commitments, then the payload without those fields encoded canonically, then
the same ``seq``, and every commitment must be remade from the stored value and the case's salt.
A leaf that passes is equal to the stored event member for member; one that does not is compared
member by member by ``StateCheck.leaf``, which names the field (it may still be equal: a leaf
written in another byte form, or a salt erased)."""

from __future__ import annotations

import base64
import json
from typing import Any

from liandong.ledger.commitment import commit
from liandong.ledger.suite import HashFactory

_OPEN = b'{"commitments":'


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def _dumps(payload: dict[str, Any]) -> bytes:
    return _ENCODE(payload).encode()


def _commitment(salt: bytes, name: str, value: object, hash_new: HashFactory) -> str:
    """``commitment.commit`` in base64, of the value as ``conceal`` commits it."""
    value = value if isinstance(value, (str, list, tuple, dict)) else str(value)
    return base64.b64encode(commit(salt, name, value, hash_new=hash_new)).decode("ascii")


def _tail(leaf: bytes, head: int) -> bool:
    """After the signature: the signer and the version, no other stream than the cases'."""
    end = leaf.find(b'"', head)
    return end > 0 and leaf.startswith(b',"signer":"', end + 1) and leaf.find(b'"stream":', end) < 0


def case_leaf_matches(leaf: bytes, payload: str, seq: int, stored: dict[str, Any], salt: bytes | None,
                      hash_new: HashFactory) -> bool:
    """Whether ``leaf`` records exactly this stored case event (``payload`` its text, ``stored`` the
    same parsed); False: compare member by member to know (and name) the difference."""
    if not leaf.startswith(_OPEN):
        head = b'{"event":%s,"seq":%d,"sig":"' % (payload.encode(), seq)
        return leaf.startswith(head) and _tail(leaf, len(head))
    close = leaf.find(b'},"event":')  # names and base64 values hold no brace
    if salt is None or close < 0:
        return False
    section = leaf[len(_OPEN):close + 1]
    try:
        commitments = json.loads(section)
    except ValueError:
        return False
    if not isinstance(commitments, dict):
        return False
    kept = {name: value for name, value in stored.items() if name not in commitments}
    head = b'%s%s,"event":%s,"seq":%d,"sig":"' % (_OPEN, section, _dumps(kept), seq)
    if not (leaf.startswith(head) and _tail(leaf, len(head))):
        return False
    return all(found == _commitment(salt, name, stored.get(name, ""), hash_new)
               for name, found in commitments.items())
