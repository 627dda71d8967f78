"""A reader of the log from its tiles alone, as a client that trusts nothing but a checkpoint would
read it (the tlog client's algorithm, written again here in a few lines): any complete subtree of
the tree from the tile holding its level, hashed up within the tile when its level is not a
multiple of 8."""

from __future__ import annotations

from collections.abc import Callable

from liandong.ledger.merkle import border_keys, fold_right, node_hash
from liandong.ledger.tiles import TILE_HEIGHT, TILE_WIDTH, TileRef

Fetch = Callable[[TileRef], bytes]


def tile_for(level: int, index: int, size: int) -> tuple[TileRef, int, int]:
    """The tile holding subtree ``(level, index)`` of a tree of ``size`` (the widest it can be),
    the first position inside it, and how many of its hashes make up that subtree."""
    tile_level, height = divmod(level, TILE_HEIGHT)
    span = 1 << height  # hashes of the tile's level under the subtree
    first = index * span
    tile_index = first // TILE_WIDTH
    available = size >> (tile_level * TILE_HEIGHT)
    width = min(TILE_WIDTH, available - tile_index * TILE_WIDTH)
    return TileRef(tile_level, tile_index, width), first % TILE_WIDTH, span


def subtree_hash(fetch: Fetch, level: int, index: int, size: int) -> bytes:
    """The hash of complete subtree ``(level, index)`` read from the tiles."""
    ref, start, span = tile_for(level, index, size)
    data = fetch(ref)
    assert len(data) == ref.width * 32, (ref.path, len(data))
    hashes = [data[i * 32:(i + 1) * 32] for i in range(start, start + span)]
    while len(hashes) > 1:
        hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
    return hashes[0]


def root_from_tiles(fetch: Fetch, size: int) -> bytes:
    """The tree head at ``size`` from tiles alone."""
    return fold_right([subtree_hash(fetch, level, index, size) for level, index in border_keys(size)])
