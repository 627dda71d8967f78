"""RFC 8785 canonical bytes: ordering, Unicode, and the refusals that keep signed payloads unambiguous."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liandong.ledger.canonical import MAX_SAFE_INTEGER, canonical_bytes, canonical_members
from liandong.ledger.errors import LedgerError


def test_keys_are_sorted_and_whitespace_removed() -> None:
    assert canonical_bytes({"b": 1, "a": [True, None, "x"], "c": {"z": 0, "y": -1}}) == (
        b'{"a":[true,null,"x"],"b":1,"c":{"y":-1,"z":0}}'
    )


def test_key_order_does_not_depend_on_insertion_order() -> None:
    assert canonical_bytes({"x": 1, "y": 2}) == canonical_bytes({"y": 2, "x": 1})


def test_chinese_is_written_as_utf8_not_escaped() -> None:
    payload = {"事项": "吹哨报到", "部门": "城管局"}
    encoded = canonical_bytes(payload)
    assert encoded == '{"事项":"吹哨报到","部门":"城管局"}'.encode()
    assert json.loads(encoded) == payload


def test_keys_sort_by_utf16_code_units() -> None:
    # U+1F600 (surrogates D83D DE00) sorts before U+FB01 in UTF-16, although after it by code point.
    assert canonical_bytes({"\ufb01": 1, "\U0001f600": 2}) == '{"\U0001f600":2,"\ufb01":1}'.encode()


def test_control_characters_are_escaped() -> None:
    assert canonical_bytes("a\nb\u0001") == b'"a\\nb\\u0001"'


def test_float_refused_with_its_path() -> None:
    with pytest.raises(LedgerError) as caught:
        canonical_bytes({"case": {"amounts": [1, 2.5]}})
    assert caught.value.code == "ledger.float_in_payload"
    assert caught.value.params["path"] == "$.case.amounts[1]"
    assert isinstance(caught.value, ValueError)


def test_integral_float_is_still_refused() -> None:
    with pytest.raises(LedgerError) as caught:
        canonical_bytes([1.0])
    assert caught.value.code == "ledger.float_in_payload"
    assert caught.value.params["path"] == "$[0]"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({1: "x"}, "ledger.non_string_key"),
        ({"x": b"raw"}, "ledger.unsupported_type"),
        ({"x": {1, 2}}, "ledger.unsupported_type"),
        ({"x": MAX_SAFE_INTEGER + 1}, "ledger.integer_out_of_range"),
        ({"x": "\ud800"}, "ledger.invalid_string"),
    ],
)
def test_other_unsupported_values_refused(payload: object, code: str) -> None:
    with pytest.raises(LedgerError) as caught:
        canonical_bytes(payload)
    assert caught.value.code == code


def test_largest_safe_integer_and_booleans_allowed() -> None:
    assert canonical_bytes([MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER, True, False]) == (
        b"[9007199254740991,-9007199254740991,true,false]"
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_canonical_bytes_round_trip_and_are_a_fixed_point(value: object) -> None:
    encoded = canonical_bytes(value)
    decoded = json.loads(encoded)
    assert decoded == value
    assert canonical_bytes(decoded) == encoded


# The fast path (json.dumps for ASCII-keyed payloads) must equal RFC 8785 byte for byte.
from hypothesis import given as _given  # noqa: E402
from hypothesis import settings as _settings  # noqa: E402
from hypothesis import strategies as _st  # noqa: E402

_scalars = (_st.none() | _st.booleans() | _st.integers(-(2**53) + 1, 2**53 - 1)
            | _st.text(_st.characters(blacklist_categories=("Cs",))))
_payloads = _st.recursive(
    _scalars,
    lambda inner: _st.lists(inner, max_size=4)
    | _st.dictionaries(_st.text(_st.characters(max_codepoint=127), max_size=6), inner, max_size=4),
    max_leaves=20,
)


@_settings(max_examples=400, deadline=None)
@_given(_payloads)
def test_fast_path_equals_rfc8785(payload: object) -> None:
    import rfc8785

    from liandong.ledger.canonical import canonical_bytes

    assert canonical_bytes(payload) == rfc8785.dumps(payload)


@given(st.dictionaries(st.text(alphabet=st.characters(max_codepoint=127), max_size=8), json_values,
                       max_size=6), st.text())
def test_joined_members_are_the_canonical_bytes_of_the_object(members: dict[str, object],
                                                               extra: str) -> None:
    parts = {key: canonical_bytes(value) for key, value in members.items()}
    assert canonical_members(parts) == canonical_bytes(members)
    # one member more (the signature added to an envelope) joins in its sorted place
    signed = canonical_members({**parts, "sig": canonical_bytes(extra)})
    assert signed == canonical_bytes({**members, "sig": extra})


def test_joined_members_need_ascii_keys() -> None:
    with pytest.raises(LedgerError, match="non_ascii_member"):
        canonical_members({"事项": b"1"})
