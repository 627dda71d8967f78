"""The byte-level fast paths of ``ledger verify`` (decision 0047) agree with the slow ones: a leaf is
accepted by bytes only when it records exactly the stored event (or carries its signer's signature
over exactly those bytes), and everything else falls to the member-by-member path that names it."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets

import rfc8785

from liandong.ledger.canonical import canonical_bytes
from liandong.ledger.commitment import DOMAIN, commit, conceal
from liandong.ledger.suite import suite_by_name
from liandong.services.ledger_audit import _first_bad, _signed_part
from liandong.services.state_leaf import _commitment, case_leaf_matches

SALT = bytes(range(32))
REPORT = {"actor": "platform", "address": "", "affected": ["320213001"], "at": "2026-12-06T18:05:19.108794Z",
          "case_id": "C1", "description": "广场夜间噪声 \"引号\" \\ 换行\n", "matter": "social_life_noise",
          "reporter_phone": "13800000000", "type": "CaseReported"}
CONCEALED = ("address", "description", "reporter_phone")


def leaf_of(payload: dict[str, object], seq: int, *, concealed: tuple[str, ...] = (), salt: bytes = SALT,
            extra: dict[str, object] | None = None) -> bytes:
    body: dict[str, object] = {"v": 3, "seq": seq, "signer": "platform", "event": payload,
                               "sig": "c2ln", **(extra or {})}
    if concealed:
        body["event"], body["commitments"] = conceal(payload, concealed, salt)
    return canonical_bytes(body)


def stored(payload: dict[str, object]) -> str:
    return canonical_bytes(payload).decode()


def test_a_leaf_with_commitments_matches_its_event_and_nothing_else() -> None:
    leaf = leaf_of(REPORT, 7, concealed=CONCEALED)
    text = stored(REPORT)
    assert case_leaf_matches(leaf, text, 7, json.loads(text), SALT, hashlib.sha256)
    assert not case_leaf_matches(leaf, text, 8, json.loads(text), SALT, hashlib.sha256)  # another seq
    assert not case_leaf_matches(leaf, text, 7, json.loads(text), bytes(32), hashlib.sha256)  # another salt
    assert not case_leaf_matches(leaf, text, 7, json.loads(text), None, hashlib.sha256)  # erased: slow path
    for name, value in (("description", "已撤诉"), ("matter", "other"), ("reporter_phone", "1")):
        edited = stored({**REPORT, name: value})
        assert not case_leaf_matches(leaf, edited, 7, json.loads(edited), SALT, hashlib.sha256), name


def test_a_leaf_without_commitments_matches_by_its_prefix() -> None:
    routed = {"actor": "320200-gov", "at": "2026-12-06T18:05:19.252181Z", "case_id": "C1",
              "lead": "320213001-urban_management", "type": "CaseRouted"}
    leaf, text = leaf_of(routed, 9), stored(routed)
    assert case_leaf_matches(leaf, text, 9, routed, SALT, hashlib.sha256)
    edited = stored({**routed, "lead": "320213-urban_management"})
    assert not case_leaf_matches(leaf, edited, 9, json.loads(edited), SALT, hashlib.sha256)
    instrument = leaf_of(routed, 9, extra={"stream": "instrument"})  # not a case's leaf
    assert not case_leaf_matches(instrument, text, 9, routed, SALT, hashlib.sha256)


def test_the_quick_commitment_is_the_commitment() -> None:
    """Texts JSON writes as themselves are committed without the general encoder: the same bytes as
    RFC 8785's (the reference implementation), escapes and non-ASCII included."""
    for name, value in (("description", "广场 \"x\" \\ \n\x00\u2028\x7f"), ("reporter_phone", ""),
                        ("reporter_name", "张三"), ("address", "人民中路 8 号"), ("indicators", ["a", 1]),
                        ("count", 5)):
        shown = value if isinstance(value, (str, list)) else str(value)
        expected = hashlib.sha256(DOMAIN + SALT + rfc8785.dumps([name, shown])).digest()
        assert commit(SALT, name, shown) == expected, name
        assert _commitment(SALT, name, value, hashlib.sha256) == base64.b64encode(expected).decode()


def test_a_signature_is_checked_on_the_leaf_bytes_and_a_forgery_still_refused() -> None:
    suite = suite_by_name("sha256-ed25519")
    key, other = secrets.token_bytes(32), secrets.token_bytes(32)
    body = {"event": {"type": "HeatChanged", "heat": 1}, "seq": 3, "signer": "a-dept", "v": 3}
    leaf = canonical_bytes({**body, "sig": base64.b64encode(suite.sign(key, canonical_bytes(body))).decode()})
    part = _signed_part(leaf, "a-dept")
    assert part is not None and part[0] == canonical_bytes(body)
    keys = {"a-dept": suite.public_key(key), "b-dept": suite.public_key(other)}
    assert _first_bad([(0, "a-dept", leaf)], keys, suite) is None
    assert _signed_part(leaf, "b-dept") is None  # another signer named in the row
    bad = _first_bad([(0, "b-dept", leaf)], keys, suite)
    assert bad is not None and bad[0] == 0
    signature = base64.b64encode(suite.sign(other, canonical_bytes(body))).decode()
    forged = canonical_bytes({**body, "sig": signature})
    bad = _first_bad([(4, "a-dept", forged)], keys, suite)
    assert bad == (4, "signature of a-dept does not verify")
    spaced = json.dumps({**body, "sig": "x"}, indent=1).encode()  # not canonical: the slow path decides
    assert _signed_part(spaced, "a-dept") is None
