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
