"""RFC 9162 hashing, the complete-subtree store and appender, and a cross-check with pymerkle."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymerkle import InmemoryTree

from liandong.ledger.errors import LedgerError
from liandong.ledger.merkle import (
    MemoryHashStore,
    append_leaves,
    border_keys,
    consistency_proof,
    empty_root,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from tests.factories.ledger import LEAF_DATA, LEAF_HASHES, MAX_SIZE, build_store


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def test_known_answers_computed_by_hand() -> None:
    a, b, c = b"a", b"b", b"c"
    ha, hb, hc = sha256(b"\x00a"), sha256(b"\x00b"), sha256(b"\x00c")
    assert leaf_hash(a) == ha
    assert node_hash(ha, hb) == sha256(b"\x01" + ha + hb)
    assert empty_root() == sha256(b"")
    assert root_from_leaf_hashes([]) == sha256(b"")
    assert root_from_leaf_hashes([ha]) == ha
    assert root_from_leaf_hashes([ha, hb, hc]) == sha256(b"\x01" + sha256(b"\x01" + ha + hb) + hc)
    store = MemoryHashStore()
    store.append([leaf_hash(a), leaf_hash(b), leaf_hash(c)])
    assert root(store, 3) == sha256(b"\x01" + sha256(b"\x01" + ha + hb) + hc)
    assert inclusion_proof(store, 2, 3) == [sha256(b"\x01" + ha + hb)]
    assert inclusion_proof(store, 0, 3) == [hb, hc]


# The RFC 6962 reference vectors used by Certificate Transparency implementations (Trillian,
# transparency-dev/merkle): eight leaves and the root at each size.
RFC6962_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    bytes(range(0x60, 0x70)),
]
RFC6962_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_rfc6962_reference_roots() -> None:
    store = MemoryHashStore()
    store.append([leaf_hash(data) for data in RFC6962_LEAVES])
    for size, expected in enumerate(RFC6962_ROOTS, start=1):
        assert root(store, size).hex() == expected


RFC6962_INCLUSION = {
    (0, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (5, 8): [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}
RFC6962_CONSISTENCY = {
    (2, 8): [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (6, 8): [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}


def test_rfc6962_reference_proofs() -> None:
    store = MemoryHashStore()
    leaves = [leaf_hash(data) for data in RFC6962_LEAVES]
    store.append(leaves)
    root8 = bytes.fromhex(RFC6962_ROOTS[7])
    for (index, size), expected in RFC6962_INCLUSION.items():
        proof = inclusion_proof(store, index, size)
        assert [node.hex() for node in proof] == expected
        assert verify_inclusion(leaves[index], index, size, proof, root8)
    for (old, new), expected in RFC6962_CONSISTENCY.items():
        proof = consistency_proof(store, old, new)
        assert [node.hex() for node in proof] == expected
        assert verify_consistency(old, new, bytes.fromhex(RFC6962_ROOTS[old - 1]), root8, proof)


def test_store_roots_equal_reference_for_every_size(store300: MemoryHashStore) -> None:
    for size in range(MAX_SIZE + 1):
        assert root(store300, size) == root_from_leaf_hashes(LEAF_HASHES[:size]), size


def test_roots_equal_pymerkle_for_every_size() -> None:
    tree = InmemoryTree(algorithm="sha256")  # security on: 0x00 leaf and 0x01 node prefixes, as RFC 9162
    assert tree.security
    for data in LEAF_DATA:
        tree.append_entry(data)
    store = build_store(MAX_SIZE)
    assert tree.get_root(0) == root(store, 0)
    for size in range(1, MAX_SIZE + 1):
        assert tree.get_root(size) == root(store, size), size


def test_inclusion_proofs_equal_pymerkle() -> None:
    tree = InmemoryTree(algorithm="sha256")
    for data in LEAF_DATA[:70]:
        tree.append_entry(data)
    store = build_store(70)
    for size in range(1, 71):
        tree_root = tree.get_root(size)
        for index in range(size):
            theirs = tree.prove_inclusion(index + 1, size)  # pymerkle counts leaves from 1
            ours = inclusion_proof(store, index, size)
            assert theirs.path[0] == LEAF_HASHES[index]
            assert theirs.path[1:] == ours
            assert verify_inclusion(LEAF_HASHES[index], index, size, theirs.path[1:], tree_root)
            theirs.verify(LEAF_HASHES[index], root(store, size))  # raises InvalidProof if it disagrees


def test_append_returns_exactly_the_new_complete_subtrees() -> None:
    store = build_store(5)
    rows = append_leaves(store.size(), store.get, LEAF_HASHES[5:8])
    assert [(level, index) for level, index, _ in rows] == [
        (0, 5),
        (1, 2),
        (0, 6),
        (0, 7),
        (1, 3),
        (2, 1),
        (3, 0),
    ]
    assert store.size() == 5  # computing rows does not write them
    store.put_many(rows)
    assert store.size() == 8
    assert store.get(3, 0) == root_from_leaf_hashes(LEAF_HASHES[:8])
    assert store.get(2, 1) == root_from_leaf_hashes(LEAF_HASHES[4:8])


def test_about_two_rows_per_leaf() -> None:
    rows = append_leaves(0, MemoryHashStore().get, LEAF_HASHES[:256])
    assert len(rows) == 2 * 256 - 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), max_size=12))
def test_any_batching_gives_the_same_store(batches: list[int]) -> None:
    one_by_one = MemoryHashStore()
    batched = MemoryHashStore()
    position = 0
    for count in batches:
        chunk = LEAF_HASHES[position : position + count]
        batched.append(chunk)
        for value in chunk:
            one_by_one.append([value])
        position += len(chunk)
    assert batched.size() == one_by_one.size() == position
    for size in range(position + 1):
        assert root(batched, size) == root_from_leaf_hashes(LEAF_HASHES[:size])
    assert batched.get_many([(0, i) for i in range(position)]) == LEAF_HASHES[:position]


def test_border_keys() -> None:
    assert border_keys(0) == []
    assert border_keys(13) == [(3, 0), (2, 2), (0, 12)]
    assert border_keys(16) == [(4, 0)]


def test_bad_leaf_hash_refused() -> None:
    with pytest.raises(LedgerError) as caught:
        append_leaves(0, MemoryHashStore().get, [LEAF_HASHES[0], b"short"])
    assert caught.value.code == "ledger.bad_leaf_hash"
    assert caught.value.params["position"] == 1


def test_store_refuses_gaps_and_conflicts_atomically() -> None:
    store = build_store(4)
    with pytest.raises(LedgerError) as caught:
        store.put_many([(0, 4, LEAF_HASHES[4]), (0, 6, LEAF_HASHES[6])])
    assert caught.value.code == "ledger.store_gap"
    assert store.size() == 4  # nothing of the failed batch was written
    with pytest.raises(LedgerError) as caught:
        store.put_many([(0, 1, LEAF_HASHES[9])])
    assert caught.value.code == "ledger.store_conflict"
    store.put_many([(0, 1, LEAF_HASHES[1])])  # the same row again is a no-op
    assert store.size() == 4


def test_missing_subtree_named() -> None:
    store = build_store(3)
    with pytest.raises(LedgerError) as caught:
        store.get(1, 1)
    assert caught.value.code == "ledger.missing_subtree"
    assert caught.value.params == {"level": 1, "index": 1}
    with pytest.raises(LedgerError):
        store.get_many([(0, 0), (5, 0)])


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda s: root(s, 11), "ledger.bad_tree_size"),
        (lambda s: root(s, -1), "ledger.bad_tree_size"),
        (lambda s: inclusion_proof(s, 3, 3), "ledger.bad_proof_request"),
        (lambda s: inclusion_proof(s, 0, 11), "ledger.bad_tree_size"),
        (lambda s: consistency_proof(s, 5, 4), "ledger.bad_proof_request"),
        (lambda s: consistency_proof(s, 4, 11), "ledger.bad_tree_size"),
    ],
)
def test_requests_beyond_the_tree_refused(call, code: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LedgerError) as caught:
        call(build_store(10))
    assert caught.value.code == code


def test_negative_keys_are_missing_not_wrapped_around() -> None:
    store = build_store(4)
    for key in [(0, -1), (-1, 0)]:
        with pytest.raises(LedgerError) as caught:
            store.get_many([key])
        assert caught.value.code == "ledger.missing_subtree"
        with pytest.raises(LedgerError):
            store.get(*key)


def test_rows_beyond_the_deepest_level_refused() -> None:
    with pytest.raises(LedgerError) as caught:
        MemoryHashStore().put_many([(64, 0, bytes(32))])
    assert caught.value.code == "ledger.bad_row"
