"""RFC 9162 §2.1 Merkle trees (默克尔树) over stored complete subtrees, with proofs as look-ups.

Leaves are numbered from 0. ``leaf_hash = H(0x00 ‖ data)``, ``node_hash = H(0x01 ‖ left ‖ right)``, the
empty tree's root is ``H("")``. A *complete subtree* ``(level, index)`` is the perfect subtree of
``2**level`` leaves starting at leaf ``index * 2**level``; once a tree has grown over it its hash never
changes, so a store keeps one row per complete subtree and the root or any proof for any past size is
a combination of at most O(log n) rows. Appends go in batches (group commit, as Trillian and Tessera):
``append_leaves`` returns exactly the rows a batch creates.

Hot paths take ``hash_new`` (a hashlib constructor, ``hashlib.sha256`` by default) and call it
directly; there is no recursion and no per-node object beyond the bytes themselves.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence

from liandong.ledger.errors import LedgerError
from liandong.ledger.suite import HashFactory

SHA256: HashFactory = hashlib.sha256
Key = tuple[int, int]
"""A complete subtree ``(level, index)``."""
Row = tuple[int, int, bytes]
"""A stored complete-subtree hash ``(level, index, hash)``."""
Getter = Callable[[int, int], bytes]
"""Reads one stored complete-subtree hash: ``get(level, index)``."""

MAX_LEVELS = 64


def leaf_hash(data: bytes, *, hash_new: HashFactory = SHA256) -> bytes:
    """RFC 9162 leaf hash ``H(0x00 ‖ data)``."""
    return hash_new(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes, *, hash_new: HashFactory = SHA256) -> bytes:
    """RFC 9162 interior node hash ``H(0x01 ‖ left ‖ right)``."""
    return hash_new(b"\x01" + left + right).digest()


def empty_root(*, hash_new: HashFactory = SHA256) -> bytes:
    """The root of the empty tree, ``H("")``."""
    return hash_new(b"").digest()


def root_from_leaf_hashes(leaf_hashes: Sequence[bytes], *, hash_new: HashFactory = SHA256) -> bytes:
    """MTH by the RFC's own recursive definition (split at the largest power of two < n): the reference."""
    n = len(leaf_hashes)
    if n == 0:
        return empty_root(hash_new=hash_new)
    if n == 1:
        return leaf_hashes[0]
    k = 1 << ((n - 1).bit_length() - 1)
    left = root_from_leaf_hashes(leaf_hashes[:k], hash_new=hash_new)
    right = root_from_leaf_hashes(leaf_hashes[k:], hash_new=hash_new)
    return hash_new(b"\x01" + left + right).digest()


# --- storage of complete subtrees -------------------------------------------------------------------


class HashStore(ABC):
    """Complete-subtree hashes of one append-only tree; ``size()`` is its number of leaves (level-0 rows)."""

    @abstractmethod
    def get(self, level: int, index: int) -> bytes:
        """Hash of complete subtree ``(level, index)``; ``ledger.missing_subtree`` if it is not stored."""

    @abstractmethod
    def put_many(self, items: Iterable[Row]) -> None:
        """Store rows (as ``append_leaves`` returns them), all or none; an identical row again is a no-op."""

    @abstractmethod
    def size(self) -> int:
        """Number of leaves stored."""

    def get_many(self, keys: Sequence[Key]) -> list[bytes]:
        """Hashes of several subtrees in order; SQL stores override this with a single query."""
        get = self.get
        return [get(level, index) for level, index in keys]

    def get_range(self, level: int, start: int, count: int) -> list[bytes]:
        """The hashes ``(level, start)`` … ``(level, start + count - 1)``: a tile (``tiles``)."""
        return self.get_many([(level, start + i) for i in range(count)])

    def append(self, leaf_hashes: Iterable[bytes], *, hash_new: HashFactory = SHA256) -> int:
        """Append a batch of leaf hashes and store every subtree it completes; returns the new size."""
        self.put_many(append_leaves(self.size(), self.get, list(leaf_hashes), hash_new=hash_new))
        return self.size()


class MemoryHashStore(HashStore):
    """Complete subtrees in lists, one per level: for tests, the simulator and benchmarks."""

    __slots__ = ("_levels",)

    def __init__(self) -> None:
        self._levels: list[list[bytes]] = []

    def get(self, level: int, index: int) -> bytes:
        if 0 <= level < len(self._levels) and 0 <= index < len(self._levels[level]):
            return self._levels[level][index]
        raise LedgerError("ledger.missing_subtree", level=level, index=index)

    def get_many(self, keys: Sequence[Key]) -> list[bytes]:
        levels = self._levels
        try:
            if all(level >= 0 and index >= 0 for level, index in keys):  # no Python negative indexing
                return [levels[level][index] for level, index in keys]
        except IndexError:
            pass
        return [self.get(level, index) for level, index in keys]  # raises naming the missing key

    def get_range(self, level: int, start: int, count: int) -> list[bytes]:
        if 0 <= level < len(self._levels) and start >= 0 and start + count <= len(self._levels[level]):
            return self._levels[level][start:start + count]
        return super().get_range(level, start, count)  # raises naming the missing key

    def put_many(self, items: Iterable[Row]) -> None:
        levels = self._levels
        lengths = [len(level) for level in levels]
        fresh: list[Row] = []
        for level, index, value in items:
            if not 0 <= level < MAX_LEVELS:
                raise LedgerError("ledger.bad_row", level=level, index=index, max_level=MAX_LEVELS - 1)
            while len(lengths) <= level:
                lengths.append(0)
            if index == lengths[level]:
                lengths[level] += 1
                fresh.append((level, index, value))
            elif level < len(levels) and 0 <= index < len(levels[level]) and levels[level][index] == value:
                continue
            elif 0 <= index < lengths[level]:
                raise LedgerError("ledger.store_conflict", level=level, index=index)
            else:
                raise LedgerError("ledger.store_gap", level=level, index=index, next_index=lengths[level])
        for level, _index, value in fresh:
            while len(levels) <= level:
                levels.append([])
            levels[level].append(value)

    def size(self) -> int:
        return len(self._levels[0]) if self._levels else 0


# --- appending --------------------------------------------------------------------------------------


def border_keys(size: int) -> list[Key]:
    """The complete subtrees tiling leaves ``[0, size)``, leftmost (largest) first."""
    return [
        (level, (size >> level) - 1) for level in range(size.bit_length() - 1, -1, -1) if size >> level & 1
    ]


def fold_right(hashes: Sequence[bytes], hash_new: HashFactory = SHA256) -> bytes:
    """Root over adjacent complete subtrees, leftmost first: ``node(h0, node(h1, … node(hk-1, hk)))``."""
    acc = hashes[-1]
    for position in range(len(hashes) - 2, -1, -1):
        acc = hash_new(b"\x01" + hashes[position] + acc).digest()
    return acc


def load_border(get: Getter, size: int) -> list[bytes]:
    """The appender's state for a tree of ``size`` leaves: border subtree hashes indexed by level."""
    pending = [b""] * MAX_LEVELS
    for level, index in border_keys(size):
        pending[level] = get(level, index)
    return pending


def extend(
    pending: list[bytes],
    size: int,
    leaf_hashes: Iterable[bytes],
    rows: list[Row],
    hash_new: HashFactory = SHA256,
) -> int:
    """Append leaves to the border state ``pending`` of a ``size``-leaf tree, adding new rows to ``rows``.

    The new size is returned. A leaf with an odd index completes its parent with the pending left
    sibling, and so on up while indices stay odd; an even-indexed node waits in ``pending``.
    """
    add = rows.append
    for value in leaf_hashes:
        add((0, size, value))
        index = size
        level = 0
        while index & 1:
            value = hash_new(b"\x01" + pending[level] + value).digest()
            index >>= 1
            level += 1
            add((level, index, value))
        pending[level] = value
        size += 1
    return size


def append_leaves(
    store_size: int, get: Getter, leaf_hashes: Sequence[bytes], *, hash_new: HashFactory = SHA256
) -> list[Row]:
    """Every complete-subtree row created by appending ``leaf_hashes`` to a tree of ``store_size`` leaves.

    ``get(level, index)`` reads stored rows (popcount(store_size) of them, the tree's border). One call
    per batch (group commit): the caller inserts exactly the returned rows, in creation order, in the
    same transaction as the leaves, e.g. ``store.put_many(rows)``. About two rows per leaf.
    """
    digest_size = len(empty_root(hash_new=hash_new))
    for position, value in enumerate(leaf_hashes):
        if not isinstance(value, bytes) or len(value) != digest_size:
            raise LedgerError("ledger.bad_leaf_hash", position=position, expected_bytes=digest_size)
    if store_size < 0:
        raise LedgerError("ledger.bad_tree_size", size=store_size, store_size=store_size)
    rows: list[Row] = []
    extend(load_border(get, store_size), store_size, leaf_hashes, rows, hash_new)
    return rows


# --- roots and proofs -------------------------------------------------------------------------------


def root(store: HashStore, size: int, *, hash_new: HashFactory = SHA256) -> bytes:
    """The tree head at any ``size`` up to the store's current size: popcount(size) look-ups."""
    _check_size(store, size)
    if size == 0:
        return empty_root(hash_new=hash_new)
    return fold_right(store.get_many(border_keys(size)), hash_new)


def inclusion_proof(
    store: HashStore, index: int, size: int, *, hash_new: HashFactory = SHA256
) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(index, D[0:size]), leaf to root, from stored complete subtrees.

    Below the *fork* (the highest level where ``index`` and ``size`` differ) the path is the plain
    siblings; then comes the right part ``[fork end, size)`` (folded when it is not one subtree) and the
    complete subtrees left of the fork.
    """
    if not 0 <= index < size:
        raise LedgerError("ledger.bad_proof_request", index=index, size=size, problem="index must be < size")
    _check_size(store, size)
    inner = (index ^ size).bit_length() - 1
    keys = [(level, (index >> level) ^ 1) for level in range(inner)]
    for level in range(inner - 1, -1, -1):
        if size >> level & 1:
            keys.append((level, (size >> level) - 1))
    right_end = len(keys)
    for level in range(inner + 1, size.bit_length()):
        if size >> level & 1:
            keys.append((level, (size >> level) - 1))
    hashes = store.get_many(keys)
    if right_end - inner <= 1:
        return hashes
    hashes[inner:right_end] = [fold_right(hashes[inner:right_end], hash_new)]
    return hashes


def consistency_proof(
    store: HashStore, old_size: int, new_size: int, *, hash_new: HashFactory = SHA256
) -> list[bytes]:
    """RFC 9162 §2.1.4.1 PROOF(old_size, D[0:new_size]); empty when old_size is 0 or equals new_size."""
    if not 0 <= old_size <= new_size:
        raise LedgerError("ledger.bad_proof_request", old_size=old_size, new_size=new_size)
    _check_size(store, new_size)
    if old_size in (0, new_size):
        return []
    # SUBPROOF(m, D[start:end], b), unrolled: each step appends one range *after* the deeper result.
    m, start, end, complete = old_size, 0, new_size, True
    after: list[tuple[int, int]] = []
    while m != end - start:
        k = 1 << ((end - start - 1).bit_length() - 1)
        if m <= k:
            after.append((start + k, end))
            end = start + k
        else:
            after.append((start, start + k))
            m -= k
            start += k
            complete = False
    ranges = [] if complete else [(start, end)]
    ranges.extend(reversed(after))
    groups = [_range_keys(low, high) for low, high in ranges]
    hashes = store.get_many([key for group in groups for key in group])
    proof: list[bytes] = []
    position = 0
    for group in groups:
        proof.append(fold_right(hashes[position : position + len(group)], hash_new))
        position += len(group)
    return proof


def verify_inclusion(
    leaf_hash: bytes,
    index: int,
    size: int,
    proof: Sequence[bytes],
    root: bytes,
    *,
    hash_new: HashFactory = SHA256,
) -> bool:
    """RFC 9162 §2.1.3.2, step by step: whether ``proof`` puts ``leaf_hash`` at ``index`` under ``root``.

    The RFC's "right-shift until LSB(fn) is set" loop is done in one shift by the trailing zero count.
    """
    if not 0 <= index < size:
        return False
    fn = index
    sn = size - 1
    r = leaf_hash
    for p in proof:
        if not sn:
            return False
        if fn & 1:
            r = hash_new(b"\x01" + p + r).digest()
        elif fn == sn:
            r = hash_new(b"\x01" + p + r).digest()
            shift = (fn & -fn).bit_length() - 1  # fn == sn != 0 here
            fn >>= shift
            sn >>= shift
        else:
            r = hash_new(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    return not sn and r == root


def verify_consistency(
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
    *,
    hash_new: HashFactory = SHA256,
) -> bool:
    """RFC 9162 §2.1.4.2 for 0 < old_size < new_size; equal sizes need equal roots and an empty proof.

    The RFC leaves the edges undefined; as in Trillian, old_size 0 is consistent with anything given an
    empty proof (and the empty tree's root), and a tree is consistent with itself only.
    """
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == empty_root(hash_new=hash_new)
    if not proof:
        return False
    path: list[bytes] = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn = old_size - 1
    sn = new_size - 1
    if fn & 1:
        shift = (~fn & (fn + 1)).bit_length() - 1  # number of trailing one bits
        fn >>= shift
        sn >>= shift
    fr = sr = path[0]
    for c in path[1:]:
        if not sn:
            return False
        if fn & 1:
            fr = hash_new(b"\x01" + c + fr).digest()
            sr = hash_new(b"\x01" + c + sr).digest()
        elif fn == sn:
            fr = hash_new(b"\x01" + c + fr).digest()
            sr = hash_new(b"\x01" + c + sr).digest()
            if fn:
                shift = (fn & -fn).bit_length() - 1
                fn >>= shift
                sn >>= shift
        else:
            sr = hash_new(b"\x01" + sr + c).digest()
        fn >>= 1
        sn >>= 1
    return not sn and fr == old_root and sr == new_root


def _range_keys(low: int, high: int) -> list[Key]:
    """Complete subtrees tiling leaves ``[low, high)``, left to right, each as large as alignment allows."""
    keys: list[Key] = []
    while low < high:
        level = (high - low).bit_length() - 1
        if low:
            level = min(level, (low & -low).bit_length() - 1)
        keys.append((level, low >> level))
        low += 1 << level
    return keys


def _check_size(store: HashStore, size: int) -> None:
    current = store.size()
    if not 0 <= size <= current:
        raise LedgerError("ledger.bad_tree_size", size=size, store_size=current)
