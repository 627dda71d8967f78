"""Full-log verification (全量核验): recompute every stored hash from the leaves and name the first mismatch.

``liandong ledger verify`` streams the stored leaves in index order through ``verify_log``, which
rebuilds every leaf and complete-subtree hash exactly as the appender did and compares them with the
store, optionally also against the roots of signed checkpoints. Memory stays O(log n) plus one batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from liandong.ledger.errors import LedgerError
from liandong.ledger.merkle import MAX_LEVELS, SHA256, HashStore, Key, Row, border_keys, fold_right
from liandong.ledger.suite import HashFactory


@dataclass(frozen=True)
class Mismatch:
    """The first place where the stored log disagrees with its recomputation.

    ``kind``: ``leaf_hash`` / ``subtree_hash`` (stored hash differs), ``missing`` (no stored row),
    ``index_gap`` (entries not numbered 0, 1, 2, …), ``size`` (store and entries differ in length),
    ``root`` (a checkpoint's root differs, or its size is beyond the log). ``level``/``index`` name the
    subtree (level 0: the leaf itself; for ``root`` and ``size``, ``index`` is a tree size);
    ``first_leaf`` is the earliest leaf it covers.
    """

    kind: str
    level: int
    index: int
    expected: bytes | None
    found: bytes | None
    detail: str

    @property
    def first_leaf(self) -> int:
        return self.index << self.level


@dataclass(frozen=True)
class LogVerification:
    """Outcome of ``verify_log``: how many leaves were checked and the first mismatch, if any."""

    ok: bool
    leaves_checked: int
    store_size: int
    mismatch: Mismatch | None = None


def verify_log(
    entries: Iterable[tuple[int, bytes]],
    store: HashStore,
    *,
    checkpoint_roots: Mapping[int, bytes] | None = None,
    hash_new: HashFactory = SHA256,
    batch_size: int = 4096,
    start: int = 0,
) -> LogVerification:
    """Check ``store`` against the leaves ``entries`` (``(index, leaf bytes)`` in index order).

    ``checkpoint_roots`` maps tree sizes to roots that were signed (e.g. every published checkpoint);
    each is compared with the root recomputed when the stream reaches that size. From ``start`` on
    (an incremental check, ``entries`` beginning there), the tree below ``start`` is taken from the
    stored border subtrees, checked before.
    """
    store_size = store.size()
    roots = {size: head for size, head in (checkpoint_roots or {}).items() if size > start}
    pending = [b""] * MAX_LEVELS
    rows: list[Row] = []
    size = start
    if start:
        keys = border_keys(start)
        try:
            for (level, _), value in zip(keys, store.get_many(keys), strict=True):
                pending[level] = value
        except LedgerError:
            level, index = keys[0]
            return LogVerification(False, 0, store_size, Mismatch(
                "missing", level, index, None, None, f"no stored border of the tree at size {start}"))

    def result(mismatch: Mismatch | None) -> LogVerification:
        return LogVerification(mismatch is None, size - start, store_size, mismatch)

    mismatch: Mismatch | None
    for index, data in entries:
        if index != size:
            mismatch = _compare(store, rows) or Mismatch(
                "index_gap", 0, size, None, None, f"expected entry {size}, got entry {index}"
            )
            return result(mismatch)
        value = hash_new(b"\x00" + data).digest()
        rows.append((0, size, value))
        node = size
        level = 0
        while node & 1:
            value = hash_new(b"\x01" + pending[level] + value).digest()
            node >>= 1
            level += 1
            rows.append((level, node, value))
        pending[level] = value
        size += 1
        if size in roots:
            mismatch = _compare(store, rows) or _check_root(pending, size, roots.pop(size), hash_new)
            if mismatch:
                return result(mismatch)
        elif len(rows) >= batch_size:
            mismatch = _compare(store, rows)
            if mismatch:
                return result(mismatch)
    mismatch = _compare(store, rows)
    if mismatch is None and size != store_size:
        mismatch = Mismatch(
            "size", 0, size, None, None, f"the store holds {store_size} leaves but {size} entries were read"
        )
    if mismatch is None and roots:
        beyond = min(roots)
        mismatch = Mismatch(
            "root",
            0,
            beyond,
            roots[beyond],
            None,
            f"checkpoint size {beyond} is beyond the log's {size} leaves",
        )
    return result(mismatch)


def first_mismatch(
    entries: Iterable[tuple[int, bytes]], store: HashStore, *, hash_new: HashFactory = SHA256
) -> Mismatch | None:
    """The first place ``store`` disagrees with the leaves ``entries``, or None: ``verify_log`` in short."""
    return verify_log(entries, store, hash_new=hash_new).mismatch


def _compare(store: HashStore, rows: list[Row]) -> Mismatch | None:
    """Compare recomputed rows with the stored ones, in creation order; empties ``rows``."""
    if not rows:
        return None
    keys: list[Key] = [(level, index) for level, index, _ in rows]
    try:
        stored: list[bytes | None] = list(store.get_many(keys))
    except LedgerError:
        stored = [_get_or_none(store, level, index) for level, index in keys]
    try:
        for (level, index, expected), found in zip(rows, stored, strict=True):
            if found is None:
                return Mismatch("missing", level, index, expected, None, "no stored hash for this subtree")
            if found != expected:
                kind = "leaf_hash" if level == 0 else "subtree_hash"
                what = (
                    f"leaf {index}"
                    if level == 0
                    else f"subtree of 2**{level} leaves from leaf {index << level}"
                )
                return Mismatch(kind, level, index, expected, found, f"stored hash of {what} differs")
        return None
    finally:
        rows.clear()


def _check_root(pending: list[bytes], size: int, signed: bytes, hash_new: HashFactory) -> Mismatch | None:
    border = [pending[level] for level in range(size.bit_length() - 1, -1, -1) if size >> level & 1]
    computed = fold_right(border, hash_new)
    if computed == signed:
        return None
    return Mismatch("root", 0, size, computed, signed, f"the signed root at size {size} differs")


def _get_or_none(store: HashStore, level: int, index: int) -> bytes | None:
    try:
        return store.get(level, index)
    except LedgerError:
        return None
