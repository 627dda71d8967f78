"""Tampering behind the log's back is caught by ``liandong ledger verify`` (non-zero exit) and
located, on SQLite and PostgreSQL (issue 22, decision 0028): an event's text edited in the case
tables, a projection edited (state, lead, deadline), a time backdated by direct SQL, and the newest
entries deleted with their subtrees and checkpoints (triggers dropped first)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from liandong.adapters.sql import tables as t
from liandong.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[list[str], str]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    return ["--data-dir", str(tmp_path), "--database-url", url], url


def verify(d: list[str], *more: str) -> tuple[int, str]:
    return run("ledger", "verify", *d, "--lang", "en", *more)


def stamp(day: str, sqlite: bool) -> str:
    """Midnight UTC of ``day`` as the column is written by hand: text on SQLite, a time on PostgreSQL."""
    return f"{day} 00:00:00.000000" if sqlite else f"{day}T00:00:00+00:00"


def test_tampering_is_caught_and_located(store: tuple[list[str], str], tmp_path: Path) -> None:
    d, url = store
    assert run("init", "--scope", "320213", *d)[0] == 0
    code, output = run("case", "report", "--matter", "social_life_noise", "--place", "320213001",
                       "--text", "广场夜间噪声", *d)
    assert code == 0, output
    cid = output.split()[0]
    assert run("case", "dispatch", cid, "--by", "320200-gov", *d)[0] == 0
    code, output = run("case", "report", "--matter", "social_life_noise", "--place", "320213001",
                       "--text", "另一起噪声", *d)
    other = output.split()[0]
    assert run("ledger", "checkpoint", *d)[0] == 0
    code, output = verify(d)
    assert code == 0 and "verified: 4 entries" in output and "4 events agree" in output, output
    engine = create_engine(url)
    sqlite = url.startswith("sqlite")

    def sql(statement: str, **params: object) -> None:
        with engine.begin() as conn:
            conn.execute(text(statement), params)

    # an event's text edited in the case tables: the leaf (with its commitments) disagrees
    edit = "UPDATE case_event SET payload = replace(payload, :a, :b) WHERE case_id = :c"
    sql(edit, a="广场夜间噪声", b="已撤诉", c=cid)
    code, output = verify(d)
    assert code == 1, output
    assert f"case {cid} version 1" in output and "field description (commitment)" in output
    assert "found 已撤诉" in output  # the log holds only the commitment to the text (leaf version 3)
    code, output = run("ledger", "verify", *d)  # in Chinese too
    assert code == 1 and "实为 已撤诉" in output
    sql(edit, a="已撤诉", b="广场夜间噪声", c=cid)
    assert verify(d)[0] == 0

    # projections edited: state, lead, deadline, each named against the replay
    for column, value, shown in (("state", "closed", "found closed"),
                                 ("lead_code", "320213-urban_management", "found 320213-urban_management"),
                                 ("due_at", stamp("2027-01-01", sqlite), "found 2027-01-01T00:00:00+00:00")):
        with engine.begin() as conn:
            before = conn.execute(text(f"SELECT {column} FROM case_record WHERE id = :c"),
                                  {"c": cid}).scalar()
            conn.execute(text(f"UPDATE case_record SET {column} = :v WHERE id = :c"), {"v": value, "c": cid})
        code, output = verify(d)
        assert code == 1 and f"case {cid} version 3" in output and f"field {column}" in output, output
        assert shown in output, output
        with engine.begin() as conn:
            conn.execute(text(f"UPDATE case_record SET {column} = :v WHERE id = :c"), {"v": before, "c": cid})
        assert verify(d)[0] == 0

    # a time backdated by direct SQL: the column disagrees with the event its leaf records
    with engine.begin() as conn:
        before = conn.execute(text("SELECT at FROM case_event WHERE case_id = :c AND case_version = 2"),
                              {"c": cid}).scalar()
        conn.execute(text("UPDATE case_event SET at = :v WHERE case_id = :c AND case_version = 2"),
                     {"v": stamp("2026-01-01", sqlite), "c": cid})
    code, output = verify(d)
    assert code == 1 and f"case {cid} version 2" in output and "field at" in output, output
    assert "found 2026-01-01T00:00:00+00:00" in output
    with engine.begin() as conn:
        conn.execute(text("UPDATE case_event SET at = :v WHERE case_id = :c AND case_version = 2"),
                     {"v": before, "c": cid})
    assert verify(d)[0] == 0

    # the newest entries deleted with their subtrees and checkpoints, triggers dropped first
    for table in ("ledger_entry", "ledger_node", "ledger_checkpoint"):
        if sqlite:
            for action in ("update", "delete"):
                sql(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
        else:
            sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    sql("DELETE FROM ledger_entry WHERE idx >= 3")
    sql("DELETE FROM ledger_node WHERE (idx + 1) * (1 << level) > 3")
    sql("DELETE FROM ledger_checkpoint WHERE size > 3")
    sql("DELETE FROM outbox WHERE event_seq IN (SELECT seq FROM case_event WHERE case_id = :c)", c=other)
    sql("DELETE FROM duty WHERE subject_id = :c", c=other)
    for table in tables_of_a_case():  # every row that names the case, as whoever holds the file can
        sql(f"DELETE FROM {table} WHERE case_id = :c", c=other)
    sql("DELETE FROM case_record WHERE id = :c", c=other)
    code, output = verify(d)
    assert code == 1, output
    assert ("the log has 3 entries but the state of witness witness-100000 holds a checkpoint of size 4"
            in output)
    sql("DELETE FROM witness_state")  # the witnesses' state too: the copy outside the database remains
    code, output = verify(d)
    assert code == 1 and "the log has 3 entries but the copy outside the database" in output, output
    assert "checkpoint.cosigned" in output and "size 4 cosigned at 20" in output
    code, output = run("ledger", "verify", *d)
    assert "日志只有 3 条记录" in output
    engine.dispose()


def test_incremental_verify_checks_what_the_new_entries_touch(tmp_path: Path) -> None:
    d = ["--data-dir", str(tmp_path)]
    assert run("init", "--scope", "320213", *d)[0] == 0
    ids = []
    for words in ("噪声一", "噪声二"):
        ids.append(run("case", "report", "--matter", "social_life_noise", "--place", "320213001",
                       "--text", words, *d)[1].split()[0])
    assert run("case", "dispatch", ids[1], "--by", "320200-gov", *d)[0] == 0
    code, output = verify(d, "--since", "2")
    assert code == 0 and "verified: 2 entries (from entry 2 on)" in output, output
    assert "3 events agree" in output
    engine = create_engine(f"sqlite:///{tmp_path / 'liandong.sqlite3'}")
    with engine.begin() as conn:  # the first case is not touched by entries from 2 on
        conn.execute(text("UPDATE case_record SET severity = 'urgent' WHERE id = :c"), {"c": ids[0]})
    engine.dispose()
    assert verify(d, "--since", "2")[0] == 0
    code, output = verify(d)
    assert code == 1 and f"case {ids[0]} version 1" in output and "field severity" in output, output


def tables_of_a_case() -> list[str]:
    """The tables whose ``case_id`` refers to a case row, those referring to them first (the store's
    schema, so that a table added later is deleted too)."""
    found = [table for table in t.metadata.sorted_tables if "case_id" in table.c
             and any(fk.column.table.name == "case_record" for fk in table.c.case_id.foreign_keys)]
    return [table.name for table in reversed(found)]

