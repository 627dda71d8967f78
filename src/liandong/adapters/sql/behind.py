"""Rows the case store writes behind (docs/decisions/0055): the rows a save adds beside the case's
own row and events (outbox, places, spot, members, duties, fact row, pending deadlines, tracking
code, phone digest, 案件编号, salt) are kept per unit of work and written with one ``executemany``
a statement, outside the commands' savepoints — at the commit, or at once before anything that
could read or change them:

- the store's own statements: those on a case's rows of those tables when that case has rows
  waiting, any other but those that touch none of them (``SqlCaseStore._exec``);
- any statement through SQLAlchemy on the connection (another store, a read): ``watch`` hooks
  the engine's ``before_cursor_execute``;
- the other stores' driver-level reads of those tables (``write_behind(conn)``).

A savepoint rolled back takes back its commands' rows (``Behind.undo``), and the rows it had
written for earlier commands are kept to be written again. Inside SQLite's savepoints every page
a statement changes is first copied to the statement journal; written behind, the rows of a
batch of reports land in a few statements that copy nothing.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, event

from liandong.domain.cases.numbers import format_number

KEY = "liandong.behind"
"""Where a connection keeps the store whose rows wait (``Connection.info``, while some do)."""

Mark = tuple[int, int, int]


class Writes(Protocol):
    conn: Connection

    def write_behind(self) -> None: ...


class Behind:
    """The rows waiting on ``store``'s connection, in the order put, and which of them are written
    (``done``); while some wait, the connection names the store (``KEY``) for ``_before``."""

    __slots__ = ("cases", "done", "entries", "fresh", "listed", "salts", "store")

    def __init__(self, store: Writes) -> None:
        self.store = store
        self.entries: list[tuple[str, str, dict[str, Any]]] = []  # (statement, case, parameters)
        self.done = 0
        self.cases: set[str] = set()  # the cases with rows not yet written
        self.fresh: dict[str, None] = {}  # the cases whose row this transaction inserted, in order
        self.salts: dict[str, bytes] = {}  # the salts put for them
        self.listed = False  # whether the connection names the store

    def __bool__(self) -> bool:
        return self.done < len(self.entries)

    def put(self, name: str, case_id: str, params: dict[str, Any]) -> None:
        if not self.listed:
            self._list()
        self.entries.append((name, case_id, params))
        self.cases.add(case_id)

    def _list(self) -> None:
        conn = self.store.conn
        if not conn.in_transaction():  # rows wait only inside a transaction
            conn.begin()
        conn.info[KEY] = self.store
        watch(conn.engine)
        self.listed = True

    def _unlist(self) -> None:
        if self.listed:
            info = self.store.conn.info
            if info.get(KEY) is self.store:
                del info[KEY]
            self.listed = False

    def take(self) -> list[tuple[str, str, dict[str, Any]]]:
        """The rows to write now (then counted as written)."""
        todo = self.entries[self.done:]
        self.done = len(self.entries)
        self.cases.clear()
        self._unlist()
        return todo

    def mark(self) -> Mark:
        return len(self.entries), self.done, len(self.fresh)

    def undo(self, mark: Mark) -> None:
        """Back to ``mark`` (a savepoint rolled back): the rows put since are dropped, and those
        written since (the rollback took them back) wait again."""
        size, done, fresh = mark
        del self.entries[size:]
        self.done = min(self.done, done)
        self.cases = {case_id for _, case_id, _ in self.entries[self.done:]}
        for case_id in list(self.fresh)[fresh:]:
            del self.fresh[case_id]
            self.salts.pop(case_id, None)
        if self and not self.listed:
            self._list()

    def clear(self) -> None:
        """Nothing waits (the transaction ended)."""
        self.entries.clear()
        self.done = 0
        self.cases.clear()
        self.fresh.clear()
        self.salts.clear()
        self._unlist()


def statements(todo: list[tuple[str, str, dict[str, Any]]], next_numbers: Callable[[str, str, int], int],
               ) -> dict[str, list[dict[str, Any]]]:
    """The rows of ``todo`` by statement, in the order first put; the 案件编号 asked for (``number``:
    a city's prefix, the day, the case) given out in the reports' order, each city's day counter
    moved once by as many (``next_numbers``: the last number taken), the counters in key order
    (concurrent writers lock them in one order)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for name, _, params in todo:
        grouped.setdefault(name, []).append(params)
    wanted = grouped.pop("number", None)
    if wanted:
        last: dict[tuple[str, str], int] = {}
        for w in wanted:
            last[w["prefix"], w["day"]] = last.get((w["prefix"], w["day"]), 0) + 1
        for (prefix, day), n in sorted(last.items()):
            last[prefix, day] = next_numbers(prefix, day, n) - n
        numbers = []
        for w in wanted:
            key = (w["prefix"], w["day"])
            last[key] += 1
            numbers.append({"number": format_number(*key, last[key]), "id": w["id"]})
        grouped["insert_number"] = numbers
    return grouped


def write_behind(conn: Connection) -> None:
    """Write the rows waiting on ``conn`` (before a driver-level read of their tables)."""
    store: Writes | None = conn.info.get(KEY)
    if store is not None and store.conn is conn:
        store.write_behind()


_WATCHED: weakref.WeakSet[Engine] = weakref.WeakSet()


def watch(engine: Engine) -> None:
    """Write a connection's waiting rows before any statement SQLAlchemy runs on it (once an engine)."""
    if engine not in _WATCHED:
        event.listen(engine, "before_cursor_execute", _before)
        _WATCHED.add(engine)


def _before(conn: Connection, *_: Any) -> None:
    store: Writes | None = conn.info.get(KEY)
    if store is not None:
        if store.conn is conn:
            store.write_behind()
        else:  # a store of a unit of work that ended on this pooled connection: nothing waits
            conn.info.pop(KEY, None)
