"""The log anyone can read (公开日志): the latest cosigned checkpoint, hash tiles and entry bundles
in the C2SP tlog-tiles layout (``liandong.ledger.tiles``, decision 0031), for the HTTP edge.

The public tree is the one of the latest checkpoint: no tile reaches past what the log has signed
and the witnesses have cosigned, so every tile a client fetches can be checked against a checkpoint
it can get. Entry bundles carry the leaves themselves; a bundle is served only when every leaf in
it is public — a version 3 leaf (personal and free-text fields as commitments), or an older one
whose event has no such field filled in. A bundle holding an older leaf with a text in clear is
withheld (``ledger.entries_withheld``); its hashes are still in the hash tiles, so inclusion and
consistency can still be checked, and receipts (which carry their own leaf) still verify.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from liandong.domain.aggregate import DomainEvent, concealed_fields
from liandong.domain.cases.events import EVENT_TYPES as CASE_EVENTS
from liandong.domain.errors import DomainError
from liandong.domain.instruments.events import EVENT_TYPES as INSTRUMENT_EVENTS
from liandong.ledger.tiles import TileRef, entry_bundle, parse_tile_path, tile_bounds, tile_hashes
from liandong.services.ports import UnitOfWork

_EMPTY: tuple[object, ...] = (None, "", [], {})


@dataclass(frozen=True, slots=True)
class Served:
    """What a tile request answers: the bytes, and whether they can never change (a full tile)."""

    data: bytes
    immutable: bool


@dataclass(frozen=True)
class PublicLog:
    """Reads only (``uow`` gives read-only units of work where the platform has them)."""

    uow: Callable[[], UnitOfWork]

    def checkpoint(self) -> str:
        """The latest cosigned checkpoint note; ``ledger.no_checkpoint`` before the first."""
        with self.uow() as uow:
            latest = uow.ledger.latest_checkpoint()
        if latest is None:
            raise DomainError("ledger.no_checkpoint")
        return latest[2]

    def tile(self, path: str) -> Served:
        """The tile at ``path`` (what follows ``tile/``), checked against the latest checkpoint."""
        ref = parse_tile_path(path)
        with self.uow() as uow:
            latest = uow.ledger.latest_checkpoint()
            size = latest[0] if latest is not None else 0
            if ref.level is not None:
                return Served(tile_hashes(uow.ledger.hashes, ref, size), not ref.partial)
            start, count = tile_bounds(ref, size)
            leaves = uow.ledger.leaf_range(start, start + count)
        withheld = [start + i for i, leaf in enumerate(leaves) if not public_leaf(leaf)]
        if withheld:
            raise DomainError("ledger.entries_withheld", path=ref.path, first=withheld[0],
                              count=len(withheld))
        return Served(entry_bundle(leaves), not ref.partial)


def public_leaf(leaf: bytes) -> bool:
    """Whether a leaf may be published: version 3, or an older one whose event fills in no
    personal or free-text field of its type (an unreadable leaf is not published)."""
    try:
        document = json.loads(leaf)
        if document.get("v") == 3:
            return True
        event = document["event"]
        types: dict[str, type[DomainEvent]] = dict(INSTRUMENT_EVENTS if document.get("stream") == "instrument"
                                                   else CASE_EVENTS)
        kind = types[event["type"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return False
    return all(event.get(name) in _EMPTY for name in concealed_fields(kind))


__all__ = ["PublicLog", "Served", "TileRef", "public_leaf"]
