"""The 事实表 and its sums in the state cross-check (issue 28 point 3): a fact row or a sum (the
place-set sums, the read-mark sums) edited behind the log's back is named by ``liandong ledger
verify``, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from liandong.adapters.sql.audit import SqlStateRows
from liandong.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def verify(d: list[str]) -> tuple[int, str]:
    return run("ledger", "verify", *d, "--lang", "en")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[list[str], str]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    return ["--data-dir", str(tmp_path), "--database-url", url], url


def test_a_tampered_fact_row_or_sum_is_named(store: tuple[list[str], str]) -> None:
    d, url = store
    assert run("init", "--scope", "320213", *d)[0] == 0
    code, output = run("case", "report", "--matter", "social_life_noise", "--place", "320213001",
                       "--text", "广场夜间噪声", *d)
    assert code == 0, output
    cid = output.split()[0]
    assert run("case", "dispatch", cid, "--by", "320200-gov", *d)[0] == 0
    assert run("ledger", "checkpoint", *d)[0] == 0
    code, output = verify(d)
    assert code == 0, output
    engine = create_engine(url)

    def sql(statement: str, **params: object) -> None:
        with engine.begin() as conn:
            conn.execute(text(statement), params)

    edit = "UPDATE case_fact SET body = replace(body, :a, :b) WHERE case_id = :c AND body LIKE :l"
    sql(edit, a='"disp":1', b='"disp":0', c=cid, l='%"disp":1%')  # the row after the dispatch
    code, output = verify(d)
    assert code == 1 and cid in output and "case fact" in output and "body" in output, output
    with engine.connect() as conn:  # the events read by the check itself (none shared by a replay)
        found = next(SqlStateRows(conn).derived(), None)
    assert found is not None and (found[0], found[1], found[3]) == ("case fact", cid, "body"), found
    sql(edit, a='"disp":0', b='"disp":1', c=cid, l='%"ack_due":1%')
    assert verify(d)[0] == 0

    fair = "UPDATE case_fact SET fair = replace(fair, :a, :b) WHERE case_id = :c AND version = 3"
    sql(fair, a='"fin":""', b='"fin":"unreasonable"', c=cid)  # a finding no event made (decision 0051)
    code, output = verify(d)
    assert code == 1 and cid in output and "case fact" in output and "fair" in output, output
    sql(fair, a='"fin":"unreasonable"', b='"fin":""', c=cid)
    assert verify(d)[0] == 0

    sql("UPDATE case_sum SET dispatched = dispatched + 1 WHERE dispatched = 1")
    code, output = verify(d)
    assert code == 1 and "case sum" in output and "320213001" in output, output
    sql("UPDATE case_sum SET dispatched = dispatched - 1 WHERE dispatched = 2")
    code, output = verify(d)
    assert code == 0, output

    with engine.connect() as conn:  # a read mark (信息对称) by a department on the team
        member = conn.execute(text("SELECT department_code FROM case_member WHERE case_id = :c"),
                              {"c": cid}).scalar()
    assert member is not None
    assert run("case", "show", cid, "--by", member, *d)[0] == 0
    code, output = verify(d)
    assert code == 0, output
    sql("UPDATE case_sum_read SET reads = reads + 1 WHERE reads = 1")
    code, output = verify(d)
    assert code == 1 and "field case_sum_read," in output and "320213001" in output, output
    sql("UPDATE case_sum_read SET reads = reads - 1 WHERE reads = 2")
    assert verify(d)[0] == 0
    sql("UPDATE case_sum_read_now SET read_lag_seconds = read_lag_seconds + 60")
    code, output = verify(d)
    assert code == 1 and "field case_sum_read_now," in output, output
    sql("UPDATE case_sum_read_now SET read_lag_seconds = read_lag_seconds - 60")
    assert verify(d)[0] == 0
    engine.dispose()


def test_a_fact_row_at_no_event_or_of_another_time_is_named(store: tuple[list[str], str]) -> None:
    """The rows at the versions of the events are checked during the replay (decision 0054); a row
    at a version no event has is named by the store's own query; both on SQLite and PostgreSQL (its
    sessions in Shanghai's zone: the driver's times are compared as moments)."""
    d, url = store
    if not url.startswith("sqlite"):
        with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
            name = conn.execute(text("SELECT current_database()")).scalar()
            conn.execute(text(f'ALTER DATABASE "{name}" SET timezone TO \'Asia/Shanghai\''))
    assert run("init", "--scope", "320213", *d)[0] == 0
    code, output = run("case", "report", "--matter", "social_life_noise", "--place", "320213001",
                       "--text", "广场夜间噪声", *d)
    cid = output.split()[0]
    assert run("case", "dispatch", cid, "--by", "320200-gov", *d)[0] == 0
    engine = create_engine(url)

    def sql(statement: str, **params: object) -> None:
        with engine.begin() as conn:
            conn.execute(text(statement), params)

    with engine.connect() as conn:
        versions = list(conn.execute(text("SELECT version FROM case_fact WHERE case_id = :c "
                                          "ORDER BY version"), {"c": cid}).scalars())
        first = conn.execute(text("SELECT valid_from FROM case_fact WHERE case_id = :c AND version = :v"),
                             {"c": cid, "v": versions[0]}).scalar()
    assert versions[-1] == 3, versions
    assert verify(d)[0] == 0
    sql("UPDATE case_fact SET valid_from = :t WHERE case_id = :c AND version = :v",
        t="2020-01-01 00:00:00.000000" if url.startswith("sqlite") else "2020-01-01T00:00:00+00:00",
        c=cid, v=versions[0])
    code, output = verify(d)
    assert code == 1 and f"case fact {cid} version {versions[0]}" in output, output
    assert "field valid_from" in output and "found 2020-01-01T00:00:00+00:00" in output, output
    sql("UPDATE case_fact SET valid_from = :t WHERE case_id = :c AND version = :v", t=first, c=cid,
        v=versions[0])
    assert verify(d)[0] == 0

    sql("INSERT INTO case_fact (case_id, version, valid_from, irregular, body, viewers) "
        "SELECT case_id, 7, valid_from, irregular, body, viewers FROM case_fact "
        "WHERE case_id = :c AND version = 3", c=cid)
    code, output = verify(d)
    assert code == 1 and f"case fact {cid} version 7" in output and "field version" in output, output
    assert "expected 4..3" in output and "found 7" in output, output
    sql("DELETE FROM case_fact WHERE case_id = :c AND version = 7", c=cid)
    assert verify(d)[0] == 0
    engine.dispose()
