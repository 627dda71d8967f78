"""Full-log verification recomputes every stored hash and names the first one that does not match."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from liandong.ledger.errors import LedgerError
from liandong.ledger.merkle import MemoryHashStore, leaf_hash, root
from liandong.ledger.verify import first_mismatch, verify_log
from tests.factories.ledger import LEAF_DATA, build_store


class TamperedStore(MemoryHashStore):
    """A store whose rows can be overwritten or dropped after the fact, as an attacker with SQL access."""

    def __init__(self, size: int) -> None:
        super().__init__()
        honest = build_store(size)
        self.put_many(
            (level, index, honest.get(level, index))
            for level in range(size.bit_length())
            for index in range(size >> level)
        )
        self.overrides: dict[tuple[int, int], bytes | None] = {}

    def get(self, level: int, index: int) -> bytes:
        if (level, index) in self.overrides:
            value = self.overrides[(level, index)]
            if value is None:
                raise LedgerError("ledger.missing_subtree", level=level, index=index)
            return value
        return super().get(level, index)

    def get_many(self, keys: Sequence[tuple[int, int]]) -> list[bytes]:
        return [self.get(level, index) for level, index in keys]


def entries(size: int, replace: dict[int, bytes] | None = None) -> Iterator[tuple[int, bytes]]:
    replace = replace or {}
    for index in range(size):
        yield index, replace.get(index, LEAF_DATA[index])


def test_an_intact_log_verifies() -> None:
    store = build_store(300)
    result = verify_log(entries(300), store, batch_size=7)
    assert result.ok and result.mismatch is None
    assert result.leaves_checked == result.store_size == 300
    assert first_mismatch(entries(300), store) is None


def test_an_altered_entry_is_named() -> None:
    store = build_store(300)
    mismatch = first_mismatch(entries(300, {123: b"rewritten"}), store)
    assert mismatch is not None
    assert (mismatch.kind, mismatch.level, mismatch.index, mismatch.first_leaf) == ("leaf_hash", 0, 123, 123)
    assert mismatch.found == store.get(0, 123)
    assert mismatch.expected != mismatch.found


def test_the_first_of_several_alterations_is_named() -> None:
    mismatch = first_mismatch(entries(300, {250: b"x", 40: b"y", 41: b"z"}), build_store(300))
    assert mismatch is not None and (mismatch.level, mismatch.index) == (0, 40)


def test_an_altered_interior_hash_is_named() -> None:
    store = TamperedStore(300)
    store.overrides[(3, 5)] = bytes(32)
    mismatch = first_mismatch(entries(300), store)
    assert mismatch is not None
    assert (mismatch.kind, mismatch.level, mismatch.index, mismatch.first_leaf) == ("subtree_hash", 3, 5, 40)
    assert mismatch.found == bytes(32)
    assert mismatch.expected == build_store(300).get(3, 5)


def test_a_missing_row_is_named() -> None:
    store = TamperedStore(100)
    store.overrides[(1, 20)] = None
    mismatch = first_mismatch(entries(100), store)
    assert mismatch is not None and (mismatch.kind, mismatch.level, mismatch.index) == ("missing", 1, 20)


def test_gaps_and_length_differences_are_named() -> None:
    store = build_store(50)
    gap = first_mismatch(((i, d) for i, d in entries(50) if i != 17), store)
    assert gap is not None and (gap.kind, gap.index) == ("index_gap", 17)
    short = first_mismatch(entries(49), store)
    assert short is not None and short.kind == "size"
    long = verify_log(entries(51), store)
    assert not long.ok and long.mismatch is not None and long.mismatch.kind == "missing"


def test_signed_roots_are_checked_on_the_way() -> None:
    store = build_store(300)
    signed = {size: root(store, size) for size in (1, 7, 64, 200, 300)}
    assert verify_log(entries(300), store, checkpoint_roots=signed).ok
    signed[64] = bytes(32)
    result = verify_log(entries(300), store, checkpoint_roots=signed)
    assert result.mismatch is not None
    assert (result.mismatch.kind, result.mismatch.index) == ("root", 64)
    assert result.leaves_checked == 64
    beyond = verify_log(entries(300), store, checkpoint_roots={301: bytes(32)})
    assert beyond.mismatch is not None and beyond.mismatch.kind == "root"


def test_streams_without_holding_the_log() -> None:
    """Entries come from a generator and are consumed once; only the border and one batch are held."""
    size = 5000
    store = MemoryHashStore()
    data = [b"%d" % i for i in range(size)]
    store.append([leaf_hash(d) for d in data])
    consumed = 0

    def stream() -> Iterator[tuple[int, bytes]]:
        nonlocal consumed
        for index, value in enumerate(data):
            consumed += 1
            yield index, value

    assert verify_log(stream(), store, batch_size=64).ok
    assert consumed == size
