"""The log's tiles kept in memory (瓦片缓存, decision 0042): what ``/log`` serves, read once.

A full tile never changes once the tree has it (the log only grows, and a tile past the latest
checkpoint is refused before it is ever kept): it is kept until the bounded LRU of ``entries``
needs its room (``max_bytes`` in all: an entry bundle of long leaves can be a hundred KiB, a hash
tile is 8 KiB). A partial tile and the checkpoint change as the log grows: each is kept for
``ttl`` seconds, so a monitor polling the edge of the log costs one read a second, not one a
request. Each answer carries a strong ETag (a digest of its bytes) for ``If-None-Match``.

``cached`` is the look-up without I/O the HTTP edge answers from on its event loop; a miss goes to
``tile`` or ``checkpoint`` (in a worker thread), which read the store, keep what they read and
raise what ``PublicLog`` raises (nothing refused is kept). ``max_bytes=0`` keeps nothing: every
request reads the store (the old path, for the benchmark).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from liandong.services.public_log import PublicLog

CHECKPOINT = "checkpoint"
"""The key of the checkpoint among the tiles' paths (no tile path is a bare word)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A tile or the checkpoint as served: its bytes, whether they never change, its ETag."""

    data: bytes
    immutable: bool
    etag: str

    @classmethod
    def of(cls, data: bytes, immutable: bool) -> Answer:
        return cls(data, immutable, '"' + hashlib.sha256(data).hexdigest()[:32] + '"')


class TileCache:
    """Full tiles in an LRU bounded to ``max_bytes``; at most ``recent`` partial tiles and the
    checkpoint, each for ``ttl`` seconds."""

    def __init__(self, log: PublicLog, *, max_bytes: int = 64 << 20, ttl: float = 1.0,
                 recent: int = 1024, clock: Callable[[], float] = time.monotonic) -> None:
        self.log, self.max_bytes, self.ttl, self.clock = log, max_bytes, ttl, clock
        self.recent = recent
        self.size = 0
        """Bytes of the full tiles kept."""
        self._full: OrderedDict[str, Answer] = OrderedDict()
        self._recent: dict[str, tuple[float, Answer]] = {}  # path → (until, answer)
        self._lock = threading.Lock()

    def cached(self, path: str) -> Answer | None:
        """The answer kept for ``path`` (a tile's path after ``tile/``, or ``CHECKPOINT``), if any
        and still fresh; no I/O. ``path`` is as requested: only a canonical path is ever kept."""
        with self._lock:
            found = self._full.get(path)
            if found is not None:
                self._full.move_to_end(path)
                return found
            recent = self._recent.get(path)
        if recent is not None and recent[0] > self.clock():
            return recent[1]
        return None

    def tile(self, path: str) -> Answer:
        """The tile at ``path``, read from the store and kept (``PublicLog.tile`` checks it)."""
        served = self.log.tile(path)
        return self._keep(path, Answer.of(served.data, served.immutable))

    def checkpoint(self) -> Answer:
        """The latest cosigned checkpoint, read from the store and kept for ``ttl`` seconds."""
        return self._keep(CHECKPOINT, Answer.of(self.log.checkpoint().encode(), False))

    def _keep(self, path: str, answer: Answer) -> Answer:
        if self.max_bytes <= 0 or len(answer.data) > self.max_bytes:
            return answer
        with self._lock:
            if answer.immutable:
                if path not in self._full:
                    self._full[path] = answer
                    self.size += len(answer.data)
                self._full.move_to_end(path)
                while self.size > self.max_bytes:
                    self.size -= len(self._full.popitem(last=False)[1].data)
            else:
                now = self.clock()
                if len(self._recent) >= self.recent:  # bounded too: drop what has gone stale
                    self._recent = {p: kept for p, kept in self._recent.items() if kept[0] > now}
                    if len(self._recent) >= self.recent:
                        self._recent.clear()
                self._recent[path] = (now + self.ttl, answer)
        return answer
