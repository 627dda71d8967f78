"""The log on SQL: append-only rows of leaves and complete-subtree hashes, in the same
transaction as the events they record."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, text, update

from liandong.adapters.sql import tables as t
from liandong.ledger.errors import LedgerError
from liandong.ledger.merkle import HashStore, Key, Row, append_leaves, border_keys, leaf_hash
from liandong.services.ports import LedgerEntry, LedgerStore
from liandong.services.ports.keystore import HELD_IN_TOKEN

LOCK_KEY = 7_117_012  # the advisory lock that makes one sequencer at a time on PostgreSQL


def _dialect(conn: Connection) -> Any:
    """The module of the connection's dialect, for its INSERT … ON CONFLICT (imported here: the
    engine has loaded its own dialect, and the other one is not needed)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql
    from sqlalchemy.dialects import sqlite

    return sqlite


class SqlHashStore(HashStore):
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, level: int, index: int) -> bytes:
        return self.get_many([(level, index)])[0]

    def get_range(self, level: int, start: int, count: int) -> list[bytes]:
        """One range scan of the primary key (a tile: up to 256 consecutive rows of one level)."""
        mark = self._mark()
        cursor = self._cursor()
        cursor.execute(f"SELECT idx, hash FROM ledger_node WHERE level = {mark} AND idx >= {mark} "
                       f"AND idx < {mark} ORDER BY idx", [level, start, start + count])
        rows = cursor.fetchall()
        if len(rows) != count:
            found = {int(idx) for idx, _ in rows}
            missing = next(i for i in range(start, start + count) if i not in found)
            raise LedgerError("ledger.missing_subtree", level=level, index=missing)
        return [bytes(value) for _, value in rows]

    def get_many(self, keys: Sequence[Key]) -> list[bytes]:
        """All the hashes asked for in one indexed statement on the driver's cursor (a proof is
        a few dozen look-ups: their cost is the statement, not the rows)."""
        if not keys:
            return []
        wanted = list(dict.fromkeys(keys))
        mark = self._mark()
        cursor = self._cursor()
        found: dict[Key, bytes] = {}
        for start in range(0, len(wanted), 200):  # 200 pairs: within every driver's parameter limit
            part = wanted[start:start + 200]
            where = " OR ".join([f"(level = {mark} AND idx = {mark})"] * len(part))
            cursor.execute(f"SELECT level, idx, hash FROM ledger_node WHERE {where}",
                           [v for key in part for v in key])
            found.update({(int(level), int(idx)): bytes(value) for level, idx, value in cursor.fetchall()})
        out = []
        for key in keys:
            value = found.get(key)
            if value is None:
                raise LedgerError("ledger.missing_subtree", level=key[0], index=key[1])
            out.append(value)
        return out

    def _mark(self) -> str:
        return "?" if self.conn.dialect.name == "sqlite" else "%s"

    def put_many(self, items: Iterable[Row]) -> None:
        rows = list(items)
        if rows:
            mark = "?" if self.conn.dialect.name == "sqlite" else "%s"
            self._cursor().executemany(
                f"INSERT INTO ledger_node (level, idx, hash) VALUES ({mark}, {mark}, {mark})", rows)

    def _cursor(self) -> Any:
        """The driver's cursor inside this transaction (bulk rows skip SQLAlchemy's per-row work)."""
        if not self.conn.in_transaction():
            self.conn.begin()
        return self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]

    def size(self) -> int:
        cursor = self._cursor()
        cursor.execute("SELECT max(idx) FROM ledger_node WHERE level = 0")
        last = cursor.fetchone()[0]
        return 0 if last is None else int(last) + 1


class SqlLedgerStore(LedgerStore):
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.hashes = SqlHashStore(conn)

    def append(self, entries: Sequence[LedgerEntry]) -> int:
        if not entries:
            return self.hashes.size()
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
        first = self.hashes.size()
        leaves = [leaf for *_, leaf in entries]
        mark = "?" if self.conn.dialect.name == "sqlite" else "%s"
        self.hashes._cursor().executemany(
            "INSERT INTO ledger_entry (idx, event_seq, case_id, signer, leaf) "
            f"VALUES ({mark}, {mark}, {mark}, {mark}, {mark})",
            [(first + i, seq, case, signer, leaf) for i, (seq, case, signer, leaf) in enumerate(entries)])
        border = border_keys(first)  # the appender's state, in one statement (not one per level)
        known = dict(zip(border, self.hashes.get_many(border), strict=True))
        rows = append_leaves(first, lambda level, index: known[(level, index)],
                             [leaf_hash(leaf) for leaf in leaves])
        self.hashes.put_many(rows)
        return first

    def leaves(self, start: int = 0) -> Iterator[tuple[int, str, bytes]]:
        if self.conn.dialect.name == "sqlite":  # the driver's cursor streams: no per-row SQLAlchemy work
            cursor = self.hashes._cursor()
            cursor.execute("SELECT idx, signer, leaf FROM ledger_entry WHERE idx >= ? ORDER BY idx", (start,))
            while batch := cursor.fetchmany(5000):
                yield from batch
            return
        e = t.ledger_entry  # PostgreSQL: SQLAlchemy's server-side cursor, memory bounded
        q = select(e.c.idx, e.c.signer, e.c.leaf).where(e.c.idx >= start).order_by(e.c.idx)
        for idx, signer, leaf in self.conn.execution_options(yield_per=2000).execute(q):
            yield int(idx), signer, bytes(leaf)

    def leaf_range(self, start: int, end: int) -> list[bytes]:
        e = t.ledger_entry
        q = select(e.c.leaf).where(e.c.idx >= start, e.c.idx < end).order_by(e.c.idx)
        return [bytes(leaf) for (leaf,) in self.conn.execute(q)]

    def latest_checkpoint(self) -> tuple[int, bytes, str] | None:
        c = t.ledger_checkpoint
        q = select(c.c.size, c.c.root, c.c.note).order_by(c.c.size.desc()).limit(1)
        row = self.conn.execute(q).first()
        return None if row is None else (int(row[0]), bytes(row[1]), row[2])

    def entries_of_case(self, case_id: str) -> list[tuple[int, bytes]]:
        e = t.ledger_entry
        q = select(e.c.idx, e.c.leaf).where(e.c.case_id == case_id).order_by(e.c.idx)
        return [(int(i), bytes(leaf)) for i, leaf in self.conn.execute(q)]

    def checkpoints(self) -> list[tuple[int, bytes, str]]:
        c = t.ledger_checkpoint
        q = select(c.c.size, c.c.root, c.c.note).order_by(c.c.size)
        return [(int(size), bytes(root), note) for size, root, note in self.conn.execute(q)]

    def add_checkpoint(self, size: int, root: bytes, note: str, at: datetime) -> None:
        """Keep the first checkpoint of a size: two server processes may sign the same tree head
        at once (the same root: either note proves the same log)."""
        dialect = _dialect(self.conn)
        self.conn.execute(dialect.insert(t.ledger_checkpoint).values(
            size=size, root=root, note=note, created_at=at).on_conflict_do_nothing(index_elements=["size"]))

    def key(self, name: str) -> tuple[str, bytes, bytes] | None:
        k = t.signing_key
        row = self.conn.execute(select(k.c.kind, k.c.public_key, k.c.sealed_private)
                                .where(k.c.name == name)).first()
        return None if row is None else (row[0], bytes(row[1]), bytes(row[2]))

    def add_key(self, name: str, kind: str, public: bytes, sealed: bytes, at: datetime) -> None:
        """Store a key unless one of that name is there already (another process made it first)."""
        dialect = _dialect(self.conn)
        self.conn.execute(dialect.insert(t.signing_key).values(
            name=name, kind=kind, public_key=public, sealed_private=sealed, created_at=at,
        ).on_conflict_do_nothing(index_elements=["name"]))

    def add_keys(self, rows: Sequence[tuple[str, str, bytes, bytes]], at: datetime) -> None:
        if rows:
            self.conn.execute(insert(t.signing_key), [
                {"name": n, "kind": k, "public_key": p, "sealed_private": s, "created_at": at}
                for n, k, p, s in rows])

    def sealed_keys(self) -> list[tuple[str, str, bytes, bytes]]:
        k = t.signing_key
        rows = self.conn.execute(select(k.c.name, k.c.kind, k.c.public_key, k.c.sealed_private)
                                 .order_by(k.c.name))
        return [(name, kind, bytes(public), bytes(sealed)) for name, kind, public, sealed in rows
                if bytes(sealed) != HELD_IN_TOKEN]

    def hold_in_token(self, name: str, public: bytes) -> bool:
        k = t.signing_key
        done = self.conn.execute(update(k).where(k.c.name == name, k.c.public_key == public)
                                 .values(sealed_private=HELD_IN_TOKEN))
        return bool(done.rowcount)

    def public_keys(self) -> dict[str, bytes]:
        k = t.signing_key
        return {name: bytes(pub) for name, pub in self.conn.execute(select(k.c.name, k.c.public_key))}

    def witness_state(self, witness: str) -> dict[str, tuple[int, bytes]]:
        w = t.witness_state
        q = select(w.c.origin, w.c.size, w.c.root).where(w.c.witness == witness)
        return {origin: (int(size), bytes(root)) for origin, size, root in self.conn.execute(q)}

    def save_witness_state(self, witness: str, origin: str, size: int, root: bytes) -> None:
        """What the witness last cosigned; never moved back by a process that cosigned an older
        head at the same time as another process cosigned a newer one."""
        w = t.witness_state
        dialect = _dialect(self.conn)
        stmt = dialect.insert(w).values(witness=witness, origin=origin, size=size, root=root)
        self.conn.execute(stmt.on_conflict_do_update(
            index_elements=["witness", "origin"],
            set_={"size": stmt.excluded.size, "root": stmt.excluded.root},
            where=w.c.size < stmt.excluded.size))
