"""C2SP tlog-tiles over the stored tree (decision 0031): strict paths, tiles that are exactly the
tree's complete subtrees (checked against the ledger's own inclusion and consistency proofs) and
entry bundles that hash to the level 0 tile."""

from __future__ import annotations

import pytest

from liandong.ledger.errors import LedgerError
from liandong.ledger.merkle import (
    MemoryHashStore,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)
from liandong.ledger.tiles import (
    TileRef,
    encode_index,
    entry_bundle,
    parse_tile_path,
    split_bundle,
    tile_bounds,
    tile_hashes,
)
from tests.factories.ledger import LEAF_DATA, LEAF_HASHES, build_store
from tests.support.tiles import root_from_tiles, subtree_hash


@pytest.mark.parametrize(("index", "encoded"), [(0, "000"), (5, "005"), (999, "999"), (1000, "x001/000"),
                                                (1234067, "x001/x234/067"), (256, "256")])
def test_an_index_is_written_in_groups_of_three(index: int, encoded: str) -> None:
    assert encode_index(index) == encoded
    assert parse_tile_path(f"0/{encoded}") == TileRef(0, index, 256)


@pytest.mark.parametrize(("path", "expected"), [
    ("0/000", TileRef(0, 0, 256)),
    ("0/001.p/7", TileRef(0, 1, 7)),
    ("3/x001/x234/067.p/255", TileRef(3, 1234067, 255)),
    ("63/000.p/1", TileRef(63, 0, 1)),
    ("entries/000", TileRef(None, 0, 256)),
    ("entries/x001/002.p/9", TileRef(None, 1002, 9)),
    ("0/x001/x002/003", TileRef(0, 1002003, 256)),  # well formed: 1,002,003 (only past the tree)
])
def test_well_formed_paths_parse_and_print_back(path: str, expected: TileRef) -> None:
    ref = parse_tile_path(path)
    assert ref == expected
    assert ref.path == "tile/" + path


@pytest.mark.parametrize(("path", "part"), [
    ("64/000", "level"), ("-1/000", "level"), ("07/000", "level"), ("x/000", "level"), ("/000", "level"),
    ("0/1", "index"), ("0/0001", "index"), ("0/x001", "index"), ("0/001/002", "index"),
    ("0/x000/005", "index"), ("0/xx01/005", "index"), ("0/", "index"), ("0", "index"),
    ("0/x001/x002/x003", "index"), ("0/abc", "index"), ("0/000.p", "index"),
    ("0/000.p/0", "width"), ("0/000.p/256", "width"), ("0/000.p/007", "width"), ("0/000.p/-1", "width"),
    ("0/000.p/1000", "width"), ("entries/000.p/0", "width"), ("entries/x001", "index"),
    ("0/x001/x001/x001/x001/x001/x001/x001/001", "index"),
])
def test_malformed_paths_are_refused_naming_the_part(path: str, part: str) -> None:
    with pytest.raises(LedgerError) as caught:
        parse_tile_path(path)
    assert caught.value.code == "ledger.bad_tile_path"
    assert caught.value.params["part"] == part and caught.value.params["allowed"].startswith(part)


def store_of(size: int) -> MemoryHashStore:
    return build_store(size)


def fetch_from(store: MemoryHashStore, size: int):  # type: ignore[no-untyped-def]
    return lambda ref: tile_hashes(store, ref, size)


@pytest.mark.parametrize("size", [1, 2, 7, 255, 256, 257, 300])
def test_tiles_are_the_trees_hashes(size: int) -> None:
    store = store_of(size)
    fetch = fetch_from(store, size)
    full, rest = divmod(size, 256)
    level0 = b"".join(fetch(TileRef(0, n, 256)) for n in range(full))
    if rest:
        level0 += fetch(TileRef(0, full, rest))
    assert level0 == b"".join(LEAF_HASHES[:size])  # the leaf hashes, in order
    if size >= 256:  # a level 1 tile holds the roots of the 256-leaf subtrees
        assert fetch(TileRef(1, 0, size // 256)) == root(store, 256)
    assert root_from_tiles(fetch, size) == root(store, size)
    for index in range(0, size, 37):  # every hash of an inclusion proof is found in the tiles
        proof = inclusion_proof(store, index, size)
        assert verify_inclusion(level0[index * 32:(index + 1) * 32], index, size, proof, root(store, size))
    for old in (1, size // 2, size - 1):
        if 0 < old < size:
            proof = consistency_proof(store, old, size)
            assert verify_consistency(old, size, root_from_tiles(fetch, old), root_from_tiles(fetch, size),
                                      proof)


def test_subtrees_below_a_tile_level_are_hashed_up_inside_the_tile() -> None:
    store = store_of(300)
    fetch = fetch_from(store, 300)
    for level, index in ((1, 0), (3, 5), (7, 1), (8, 0), (5, 8)):
        assert subtree_hash(fetch, level, index, 300) == store.get(level, index)


def test_a_tile_past_the_tree_says_how_far_the_tree_reaches() -> None:
    store = store_of(300)
    assert len(tile_hashes(store, TileRef(0, 1, 44), 300)) == 44 * 32
    assert tile_hashes(store, TileRef(0, 1, 3), 300) == b"".join(LEAF_HASHES[256:259])  # a prefix
    for ref in (TileRef(0, 1, 45), TileRef(0, 1, 256), TileRef(0, 2, 1), TileRef(1, 0, 2), TileRef(2, 0, 1),
                TileRef(None, 1, 256)):
        with pytest.raises(LedgerError) as caught:
            tile_bounds(ref, 300)
        assert caught.value.code == "ledger.tile_beyond_tree"
        assert caught.value.params["path"] == ref.path
    with pytest.raises(LedgerError) as caught:
        tile_bounds(TileRef(0, 1, 44), 299)  # against the checkpoint's size, not the store's
    assert caught.value.params["available"] == 299 and caught.value.params["partial_width"] == 43


def test_an_entry_bundle_hashes_to_the_level_0_tile() -> None:
    bundle = entry_bundle(LEAF_DATA[:256])
    assert split_bundle(bundle) == LEAF_DATA[:256]
    assert b"".join(leaf_hash(leaf) for leaf in split_bundle(bundle)) == tile_hashes(
        store_of(256), TileRef(0, 0, 256), 256)
    assert bundle[:2] == len(LEAF_DATA[0]).to_bytes(2, "big")
    with pytest.raises(LedgerError) as caught:
        split_bundle(bundle[:-1])
    assert caught.value.code == "ledger.malformed_bundle"
    with pytest.raises(LedgerError) as caught:
        entry_bundle([b"x" * 0x10000])
    assert caught.value.code == "ledger.entry_too_large"
