"""C2SP tlog-tiles (日志瓦片, https://c2sp.org/tlog-tiles): the log as static files anyone can read.

A *tile* at level ``L`` and index ``N`` holds, in order, up to 256 hashes of the tree's level ``8·L``:
the complete subtrees ``(8·L, N·256 + i)``, 32 bytes each. Level 0 tiles hold leaf hashes, level 1
tiles the roots of 256-leaf subtrees, and so on. A tile with fewer than 256 hashes is *partial*
(``.p/<W>``, its width). Because the tree here is RFC 6962 / RFC 9162 SHA-256 (``merkle``), each hash
of a tile is exactly one stored ``ledger_node`` row: a tile is one look-up of ``W`` rows.

An *entry bundle* ``tile/entries/<N>[.p/<W>]`` holds the leaves ``N·256 …`` themselves, each as a
big-endian uint16 length and the leaf's bytes; ``SHA-256(0x00 ‖ leaf)`` is the level 0 tile's hash.

Paths are parsed strictly, so one tile has one address: ``<L>`` is 0–63 without leading zeros,
``<N>`` is split in groups of three digits, every group but the last prefixed with ``x``
(1234067 → ``x001/x234/067``) and no leading ``x000`` group, ``<W>`` is 1–255 without leading
zeros. A refusal (``ledger.bad_tile_path``) names the part that is wrong and what is allowed (keys
that the message catalogue says in the reader's language).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from liandong.ledger.errors import LedgerError
from liandong.ledger.merkle import HashStore

TILE_HEIGHT = 8
"""Levels of the tree one tile spans: C2SP fixes it at 8."""
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_TILE_LEVEL = 63
MAX_ENTRY_BYTES = 0xFFFF
"""An entry bundle prefixes each leaf with a uint16 length."""

_LEVEL = re.compile(r"(?:0|[1-9][0-9]?)\Z")
_WIDTH = re.compile(r"[1-9][0-9]{0,2}\Z")
_GROUP = re.compile(r"[0-9]{3}\Z")
_MAX_GROUPS = 7
"""Indices below 10²¹ > 2⁶³: more groups can name no tile of any tree."""


@dataclass(frozen=True, slots=True)
class TileRef:
    """A parsed tile address: ``level`` is None for an entry bundle; ``width`` is 256 when full."""

    level: int | None
    index: int
    width: int

    @property
    def partial(self) -> bool:
        return self.width < TILE_WIDTH

    @property
    def path(self) -> str:
        """The canonical path under the log's prefix, e.g. ``tile/0/x001/234.p/7``."""
        head = "tile/entries/" if self.level is None else f"tile/{self.level}/"
        return head + encode_index(self.index) + (f".p/{self.width}" if self.partial else "")


def encode_index(index: int) -> str:
    """``<N>`` of a tile path: groups of three digits, all but the last prefixed with ``x``."""
    digits = str(index)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i:i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*("x" + g for g in groups[:-1]), groups[-1]])


def parse_tile_path(path: str) -> TileRef:
    """Parse what follows ``tile/``: ``<L>/<N>[.p/<W>]`` or ``entries/<N>[.p/<W>]``."""
    parts = path.split("/")
    head, rest = parts[0], parts[1:]
    if head == "entries":
        level = None
    elif _LEVEL.match(head) and int(head) <= MAX_TILE_LEVEL:
        level = int(head)
    else:
        raise _bad(path, "level", head, "level_rule")
    width = TILE_WIDTH
    if len(rest) >= 2 and rest[-2].endswith(".p"):
        encoded = rest[-1]
        if not _WIDTH.match(encoded) or int(encoded) >= TILE_WIDTH:
            raise _bad(path, "width", encoded, "width_rule")
        width = int(encoded)
        rest = [*rest[:-2], rest[-2][:-2]]
    return TileRef(level, _parse_index(path, rest), width)


def _parse_index(path: str, groups: Sequence[str]) -> int:
    allowed = "index_rule"
    if not groups or len(groups) > _MAX_GROUPS:
        raise _bad(path, "index", "/".join(groups), allowed)
    digits = ""
    for position, group in enumerate(groups):
        last = position == len(groups) - 1
        body = group if last else group[1:]
        if (not last and not group.startswith("x")) or not _GROUP.match(body):
            raise _bad(path, "index", group, allowed)
        if position == 0 and not last and body == "000":
            raise _bad(path, "index", group, "index_leading_rule")
        digits += body
    return int(digits)


def tile_bounds(ref: TileRef, size: int) -> tuple[int, int]:
    """The first index and the count of what ``ref`` covers, checked against a tree of ``size``.

    A tile is served once the tree has all its hashes (a partial tile: at least ``width``); beyond
    that, ``ledger.tile_beyond_tree`` says how far the tree reaches at that level."""
    level = 0 if ref.level is None else ref.level * TILE_HEIGHT
    available = size >> level  # complete subtrees of that level
    start = ref.index * TILE_WIDTH
    if start + ref.width > available:
        full, rest = divmod(available, TILE_WIDTH)
        raise LedgerError("ledger.tile_beyond_tree", path=ref.path, size=size, level=level,
                          available=available, full_tiles=full, partial_width=rest)
    return start, ref.width


def tile_hashes(store: HashStore, ref: TileRef, size: int) -> bytes:
    """The bytes of hash tile ``ref`` of the tree of ``size`` leaves, read from the stored subtrees."""
    if ref.level is None:
        raise LedgerError("ledger.bad_tile_path", path=ref.path, part="level", found="entries",
                          allowed="hash_tile_rule")
    start, count = tile_bounds(ref, size)
    level = ref.level * TILE_HEIGHT
    return b"".join(store.get_range(level, start, count))


def entry_bundle(leaves: Sequence[bytes]) -> bytes:
    """Leaves as an entry bundle: each one a big-endian uint16 length, then its bytes."""
    out = bytearray()
    for position, leaf in enumerate(leaves):
        if len(leaf) > MAX_ENTRY_BYTES:
            raise LedgerError("ledger.entry_too_large", position=position, size=len(leaf),
                              max_bytes=MAX_ENTRY_BYTES)
        out += len(leaf).to_bytes(2, "big") + leaf
    return bytes(out)


def split_bundle(data: bytes) -> list[bytes]:
    """The leaves of an entry bundle; ``ledger.malformed_bundle`` if a length runs past the end."""
    leaves: list[bytes] = []
    position = 0
    while position < len(data):
        if position + 2 > len(data):
            raise LedgerError("ledger.malformed_bundle", offset=position)
        length = int.from_bytes(data[position:position + 2], "big")
        if position + 2 + length > len(data):
            raise LedgerError("ledger.malformed_bundle", offset=position)
        leaves.append(data[position + 2:position + 2 + length])
        position += 2 + length
    return leaves


def _bad(path: str, part: str, found: str, allowed: str) -> LedgerError:
    return LedgerError("ledger.bad_tile_path", path=path, part=part, found=found, allowed=allowed)
