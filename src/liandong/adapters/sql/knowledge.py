"""The knowledge base on SQLite (FTS5, bm25) and PostgreSQL (tsvector, GIN, ts_rank).

Both index the same words: the service segments titles and answers with jieba and stores them
joined by spaces, so each back-end's own tokeniser only splits at the spaces (FTS5's ``unicode61``,
PostgreSQL's ``simple`` configuration) and the two agree on what a term is."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, Float, column, delete, func, insert, select, table, text

from liandong.adapters.sql.tables import consultation, knowledge_entry
from liandong.domain.knowledge import Channel, Consultation, Entry
from liandong.services.ports import prefix_end
from liandong.services.ports.knowledge import KnowledgeStore, SearchText

PG_VECTOR = "knowledge_search_vector"
"""PostgreSQL's stored, generated tsvector of an entry (migration 0016: the title weighted A, the
answer B, the scope as the lexeme ``p<code>`` weighted D), under a GIN index."""
_COLUMNS = ", ".join(f"e.{c.name}" for c in knowledge_entry.c)

_SEARCH = table("knowledge_search", column("entry_id"), column("title"), column("body"), column("place"))
"""SQLite's FTS5 table (migration 0016; not among the declared tables)."""

TITLE_WEIGHT = 3.0
"""A term in the title against one in the answer (bm25 column weights on SQLite; on PostgreSQL
ts_rank's weights A and B in the same ratio)."""


def _row(entry: Entry, words: SearchText) -> dict[str, Any]:
    return {"id": entry.id, "title": entry.title, "answer": entry.answer, "owner": entry.owner,
            "source": entry.source, "valid_from": entry.valid_from, "valid_until": entry.valid_until,
            "reviewed_by": entry.reviewed_by, "reviewed_on": entry.reviewed_on, "scope": entry.scope,
            "matter": entry.matter, "keywords": "\n".join(entry.keywords),
            "search_title": words.title, "search_body": words.body}


def _entry(row: Any) -> Entry:
    return Entry(row.id, row.title, row.answer, row.owner, row.source, row.valid_from, row.valid_until,
                 row.reviewed_by, row.reviewed_on, row.scope, row.matter,
                 tuple(k for k in row.keywords.split("\n") if k))


def _fts_query(terms: Sequence[str], scopes: Sequence[str]) -> str:
    """Any of the words in the title or the answer, of an entry valid at one of the scopes (its
    scope is the token ``p<code>`` of the column ``place``: the index intersects the two)."""
    words = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
    places = " OR ".join("p" + s for s in scopes if s.isalnum())
    return f"{{title body}} : ({words}) AND place : ({places})"


def _ts_query(terms: Sequence[str], scopes: Sequence[str]) -> str:
    """Any of the words, of an entry valid at one of the scopes (its scope is the lexeme
    ``p<code>`` of the vector, weighted D, which ranks nothing: the index intersects the two)."""
    words = " | ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms)
    places = " | ".join("p" + s for s in scopes if s.isalnum())
    return f"({words}) & ({places})"


class SqlKnowledgeStore(KnowledgeStore):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"

    def put_many(self, entries: Sequence[tuple[Entry, SearchText]]) -> int:
        if not entries:
            return 0
        ids = [e.id for e, _ in entries]
        with self.engine.begin() as conn:
            replaced = 0
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                gone = conn.execute(delete(knowledge_entry).where(knowledge_entry.c.id.in_(chunk)))
                replaced += gone.rowcount
                if self.sqlite:
                    conn.execute(delete(_SEARCH).where(_SEARCH.c.entry_id.in_(chunk)))
            conn.execute(insert(knowledge_entry), [_row(e, w) for e, w in entries])
            if self.sqlite:
                conn.execute(insert(_SEARCH), [{"entry_id": e.id, "title": w.title, "body": w.body,
                                                "place": "p" + e.scope} for e, w in entries])
        return len(entries) - replaced

    def get(self, entry_id: str) -> Entry | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(knowledge_entry).where(knowledge_entry.c.id == entry_id)).first()
        return _entry(row) if row is not None else None

    def entries(self, *, owner: str | None = None) -> list[Entry]:
        query = select(knowledge_entry).order_by(knowledge_entry.c.id)
        if owner is not None:
            query = query.where(knowledge_entry.c.owner == owner)
        with self.engine.connect() as conn:
            return [_entry(r) for r in conn.execute(query)]

    def search(self, terms: Sequence[str], *, scopes: Sequence[str], day: date,
               limit: int) -> list[tuple[Entry, float]]:
        if not terms or not scopes:
            return []
        params: dict[str, Any] = {"day": day, "limit": limit,
                                  **{f"s{i}": s for i, s in enumerate(scopes)}}
        scope_in = ", ".join(f":s{i}" for i in range(len(scopes)))
        in_force = (f"e.scope IN ({scope_in}) AND e.valid_from <= :day "
                    "AND (e.valid_until IS NULL OR e.valid_until >= :day)")
        if self.sqlite:
            params["q"] = _fts_query(terms, scopes)
            sql = (f"SELECT {_COLUMNS}, -bm25(knowledge_search, 0.0, {TITLE_WEIGHT}, 1.0, 0.0) AS score "
                   "FROM knowledge_search f JOIN knowledge_entry e ON e.id = f.entry_id "
                   f"WHERE knowledge_search MATCH :q AND {in_force} "
                   "ORDER BY score DESC, e.id LIMIT :limit")
        else:
            params["q"] = _ts_query(terms, scopes)
            # ts_rank's weights {D, C, B, A}: A (title) three times B (answer)
            weights = f"ARRAY[0, 0, {1 / TITLE_WEIGHT:.6f}, 1]::float4[]"
            sql = (f"SELECT {_COLUMNS}, ts_rank({weights}, {PG_VECTOR}, q) AS score "
                   "FROM knowledge_entry e, to_tsquery('simple', :q) q "
                   f"WHERE ({PG_VECTOR}) @@ q AND {in_force} ORDER BY score DESC, e.id LIMIT :limit")
        with self.engine.connect() as conn:
            typed = text(sql).columns(*knowledge_entry.c, column("score", Float))  # dates as dates on SQLite
            return [(_entry(r), float(r.score)) for r in conn.execute(typed, params)]

    def frequencies(self) -> tuple[int, dict[str, int]]:
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(knowledge_entry)).scalar_one()
            if self.sqlite:
                rows = conn.execute(text("SELECT term, doc FROM knowledge_search_terms"))
            else:
                rows = conn.execute(text("SELECT word, ndoc FROM ts_stat('SELECT to_tsvector(''simple'', "
                                         "search_title || '' '' || search_body) FROM knowledge_entry')"))
            return int(total), {str(r[0]): int(r[1]) for r in rows}

    def add_consultation(self, c: Consultation) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(consultation), {
                "id": c.id, "at": c.at, "channel": c.channel.value, "scope": c.scope,
                "question": c.question, "entry_id": c.entry_id, "answered_by": c.answered_by})

    def consultations(self, *, scope_prefix: str, start: datetime, end: datetime) -> list[Consultation]:
        t = consultation.c
        query = select(consultation).where(t.at >= start, t.at < end, t.scope >= scope_prefix)
        upper = prefix_end(scope_prefix)
        if upper is not None:
            query = query.where(t.scope < upper)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(t.at, t.id)).all()
        return [Consultation(r.id, r.at, Channel(r.channel), r.scope, r.question, r.entry_id, r.answered_by)
                for r in rows]
