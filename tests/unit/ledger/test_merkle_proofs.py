"""Exhaustive RFC 9162 inclusion and consistency proofs: generated ones verify, tampered ones do not.

A proof alone does not bind the tree size (the paths for leaf 0 in trees of 3 and 4 leaves have the same
shape); the signed root does. So tampering tests change the proof, the leaf, the root or the index, and a
wrong size is only tested together with that size's own root.
"""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liandong.ledger.merkle import (
    MemoryHashStore,
    consistency_proof,
    empty_root,
    inclusion_proof,
    leaf_hash,
    root,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from tests.factories.ledger import LEAF_HASHES, MAX_SIZE


def flip(value: bytes, position: int = 0) -> bytes:
    return value[:position] + bytes([value[position] ^ 0x80]) + value[position + 1 :]


@pytest.mark.parametrize("size", range(1, MAX_SIZE + 1))
def test_inclusion_every_index(size: int, store300: MemoryHashStore) -> None:
    tree_root = root(store300, size)
    for index in range(size):
        leaf = LEAF_HASHES[index]
        proof = inclusion_proof(store300, index, size)
        assert len(proof) <= (size - 1).bit_length()
        assert verify_inclusion(leaf, index, size, proof, tree_root), (index, size)
        assert not verify_inclusion(flip(leaf), index, size, proof, tree_root)
        assert not verify_inclusion(leaf, index, size, proof, flip(tree_root, 31))
        assert not verify_inclusion(leaf, size, size, proof, tree_root)
        assert not verify_inclusion(leaf, -1, size, proof, tree_root)
        assert not verify_inclusion(leaf, index, size, [*proof, LEAF_HASHES[0]], tree_root)
        if proof:
            assert not verify_inclusion(leaf, index, size, proof[:-1], tree_root)
            tampered = list(proof)
            position = index % len(proof)
            tampered[position] = flip(tampered[position], index % 32)
            assert not verify_inclusion(leaf, index, size, tampered, tree_root)
        if index:
            assert not verify_inclusion(leaf, index - 1, size, proof, tree_root)
        if index + 1 < size:
            assert not verify_inclusion(leaf, index + 1, size, proof, tree_root)


@pytest.mark.parametrize("size", range(1, 65))
def test_every_element_of_every_inclusion_proof_matters(size: int, store300: MemoryHashStore) -> None:
    tree_root = root(store300, size)
    for index in range(size):
        proof = inclusion_proof(store300, index, size)
        for position in range(len(proof)):
            for byte in (0, 17, 31):
                tampered = list(proof)
                tampered[position] = flip(tampered[position], byte)
                assert not verify_inclusion(LEAF_HASHES[index], index, size, tampered, tree_root)


@pytest.mark.parametrize("size", range(1, 65))
def test_inclusion_proof_binds_the_index(size: int, store300: MemoryHashStore) -> None:
    tree_root = root(store300, size)
    for index in range(size):
        proof = inclusion_proof(store300, index, size)
        for other in range(size):
            if other != index:
                assert not verify_inclusion(LEAF_HASHES[index], other, size, proof, tree_root)
                assert not verify_inclusion(LEAF_HASHES[other], index, size, proof, tree_root)


@pytest.mark.parametrize("size", range(2, 65))
def test_a_proof_for_one_size_does_not_verify_against_another_sizes_root(
    size: int, store300: MemoryHashStore
) -> None:
    for index in range(size - 1):
        proof = inclusion_proof(store300, index, size)
        assert not verify_inclusion(LEAF_HASHES[index], index, size - 1, proof, root(store300, size - 1))
        assert not verify_inclusion(LEAF_HASHES[index], index, size + 1, proof, root(store300, size + 1))


def check_consistency(old: int, new: int, store: MemoryHashStore) -> None:
    old_root, new_root = root(store, old), root(store, new)
    proof = consistency_proof(store, old, new)
    assert verify_consistency(old, new, old_root, new_root, proof), (old, new)
    if old in (0, new):
        assert proof == []
        assert not verify_consistency(old, new, old_root, new_root, [LEAF_HASHES[0]])
    else:
        assert 1 <= len(proof) <= 2 * (new - 1).bit_length()
    if old == new:
        assert not verify_consistency(old, new, old_root, flip(new_root), proof)
        return
    assert not verify_consistency(old, new, flip(old_root), new_root, proof)
    assert not verify_consistency(new, old, new_root, old_root, proof)
    if old == 0:
        return  # the empty tree is a prefix of every tree: no proof, nothing binds the new root
    assert not verify_consistency(old, new, old_root, flip(new_root), proof)
    for position in range(len(proof)):
        tampered = list(proof)
        tampered[position] = flip(tampered[position], position % 32)
        assert not verify_consistency(old, new, old_root, new_root, tampered), (old, new, position)
    assert not verify_consistency(old, new, old_root, new_root, proof[:-1])
    assert not verify_consistency(old, new, old_root, new_root, [*proof, LEAF_HASHES[0]])
    assert not verify_consistency(old, new, old_root, new_root, [])
    if old > 1:
        assert not verify_consistency(old - 1, new, root(store, old - 1), new_root, proof)
    if old + 1 < new:
        assert not verify_consistency(old + 1, new, root(store, old + 1), new_root, proof)
    if new < MAX_SIZE:
        assert not verify_consistency(old, new + 1, old_root, root(store, new + 1), proof)


@pytest.mark.parametrize("new", range(0, 65))
def test_consistency_every_pair_up_to_64(new: int, store300: MemoryHashStore) -> None:
    for old in range(new + 1):
        check_consistency(old, new, store300)


@pytest.mark.parametrize("new", [65, 100, 127, 128, 129, 200, 255, 256, 257, 299, 300])
def test_consistency_every_old_size_for_larger_trees(new: int, store300: MemoryHashStore) -> None:
    for old in range(new + 1):
        check_consistency(old, new, store300)


def test_consistency_random_pairs_up_to_300(store300: MemoryHashStore) -> None:
    rng = random.Random(9162)
    for _ in range(1500):
        new = rng.randint(1, MAX_SIZE)
        check_consistency(rng.randint(0, new), new, store300)


def test_consistency_proofs_chain(store300: MemoryHashStore) -> None:
    """A witness following the log step by step accepts every step and ends at the latest root."""
    sizes = [0, 1, 2, 3, 7, 8, 9, 31, 64, 65, 100, 255, 256, 300]
    for old, new in itertools.pairwise(sizes):
        proof = consistency_proof(store300, old, new)
        assert verify_consistency(old, new, root(store300, old), root(store300, new), proof)


def test_proofs_for_past_sizes_do_not_change_as_the_tree_grows() -> None:
    small, grown = MemoryHashStore(), MemoryHashStore()
    small.append(LEAF_HASHES[:37])
    grown.append(LEAF_HASHES[:37])
    grown.append(LEAF_HASHES[37:150])
    for index in range(37):
        assert inclusion_proof(small, index, 37) == inclusion_proof(grown, index, 37)
    for old in range(38):
        assert consistency_proof(small, old, 37) == consistency_proof(grown, old, 37)


def test_empty_tree_edges() -> None:
    empty = empty_root()
    five = root_of_five()
    assert verify_consistency(0, 0, empty, empty, [])
    assert verify_consistency(0, 5, empty, five, [])
    assert not verify_consistency(0, 5, b"\x00" * 32, five, [])
    assert not verify_consistency(0, 5, empty, five, [five])
    assert not verify_consistency(-1, 5, empty, five, [])
    assert not verify_consistency(5, 5, five, flip(five), [])
    assert not verify_inclusion(LEAF_HASHES[0], 0, 0, [], empty)
    assert not verify_inclusion(LEAF_HASHES[0], -1, 5, [], empty)


def test_single_leaf_tree() -> None:
    store = MemoryHashStore()
    store.append(LEAF_HASHES[:1])
    assert inclusion_proof(store, 0, 1) == []
    assert root(store, 1) == LEAF_HASHES[0]
    assert verify_inclusion(LEAF_HASHES[0], 0, 1, [], LEAF_HASHES[0])
    assert not verify_inclusion(LEAF_HASHES[0], 0, 1, [LEAF_HASHES[1]], LEAF_HASHES[0])


def root_of_five() -> bytes:
    store = MemoryHashStore()
    store.append(LEAF_HASHES[:5])
    return root(store, 5)


BIG = 4100
_big: list[MemoryHashStore] = []


def big_store() -> MemoryHashStore:
    """A tree past 2**12 leaves, built once, for property tests at sizes the exhaustive tests do not reach."""
    if not _big:
        store = MemoryHashStore()
        store.append([leaf_hash(b"big %d" % i) for i in range(BIG)])
        _big.append(store)
    return _big[0]


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=BIG).flatmap(lambda n: st.tuples(st.integers(0, n - 1), st.just(n)))
)
def test_inclusion_property_on_a_larger_tree(index_size: tuple[int, int]) -> None:
    index, size = index_size
    store = big_store()
    tree_root = root(store, size)
    proof = inclusion_proof(store, index, size)
    leaf = store.get(0, index)
    assert verify_inclusion(leaf, index, size, proof, tree_root)
    assert tree_root == root_from_leaf_hashes([store.get(0, i) for i in range(size)])
    if proof:
        assert not verify_inclusion(leaf, index, size, [*proof[:-1], flip(proof[-1], 9)], tree_root)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=BIG).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_consistency_property_on_a_larger_tree(old_new: tuple[int, int]) -> None:
    old, new = old_new
    store = big_store()
    proof = consistency_proof(store, old, new)
    assert verify_consistency(old, new, root(store, old), root(store, new), proof)
    if 0 < old < new:
        tampered = [*proof[:-1], flip(proof[-1], 9)]
        assert not verify_consistency(old, new, root(store, old), root(store, new), tampered)
