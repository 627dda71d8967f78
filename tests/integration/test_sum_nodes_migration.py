"""Migration 0041 (decision 0059) moves the sums kept per place set of several places to the nodes of
its prefix tree and decides 共同在场's candidates (kept per place set and team before) into two
columns, on SQLite and PostgreSQL: a store whose sums were made the old way (the revision before,
reached by the migration's downgrade, which recomputes them so from the fact rows) holds after the
upgrade exactly what the case store keeps now, and the check against the fact rows finds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from liandong.adapters.sql import migrate
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.assessment.facts import case_facts
from liandong.domain.cases import commands as c
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from tests.factories.assessment import START
from tests.factories.cases import CENTRE
from tests.factories.interleavings import HOUR, RULES, H, record_of

TABLES = ("case_sum", "case_sum_now", "case_sum_due", "case_sum_read", "case_sum_read_now")
TEAM = ("case_sum_team", "case_sum_team_now")  # 共同在场's candidates per place set, before 0041


def _tables(engine: Engine, names: tuple[str, ...] = TABLES) -> dict[str, set[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {name: {tuple(round(v, 6) if isinstance(v, float) else v for v in row)
                       for row in conn.execute(text(f"SELECT * FROM {name}")) if any(
                           isinstance(v, (int, float)) and v for v in row)}
                for name in names}


def _downgrade(engine: Engine, revision: str) -> None:
    cfg = migrate.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    found = make_engine(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))
    migrate.upgrade(found)
    yield found
    found.dispose()


def test_the_sums_of_several_places_move_to_their_nodes(engine: Engine) -> None:
    clock = ManualClock(START)
    counter = iter(range(1, 1000))
    bus = MessageBus(uow=lambda: SqlUnitOfWork(engine), rules=RULES, clock=clock,
                     new_id=lambda: f"M{next(counter):03d}")
    # two counties; two townships of one county; a county and a township of another; one place
    places = (("320213001", "320205001"), ("320213001", "320213015"), ("320214", "320213001"), ("320211001",))
    ids = []
    for i, affected in enumerate(places):
        matter = "water_outage" if i == 1 else "social_life_noise"  # a major case: 共同在场's candidates
        ids.append(bus.handle(c.ReportCase(by="reporter", matter=matter,
                                           severity="IV" if i == 1 else "routine", affected=affected,
                                           description="多处噪声", reporter_name="张三",
                                           reporter_phone="13812345678")).case_id)
        clock.advance(HOUR)
    for cid in ids:
        bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
        clock.advance(HOUR)
    lead = record_of(bus, ids[0]).lead
    bus.handle(c.AcknowledgeCase(by=lead, case_id=ids[0]))
    with bus.uow() as u:
        u.cases.mark_read(ids[0], lead, 2, clock.now())
        u.commit()
    clock.advance(timedelta(days=3))
    bus.handle(c.StartHandling(by=lead, case_id=ids[0]))
    kept = _tables(engine)
    assert not any("|" in row[0] for name in TABLES for row in kept[name])
    assert kept["case_sum_read"] and kept["case_sum_due"]
    with engine.connect() as conn:  # 共同在场 decided as the replay decides it: the major case and the
        due, met = conn.execute(text("SELECT sum(copresence_due), sum(copresent) FROM case_sum_now")).one()
    with SqlUnitOfWork(engine) as u:  # two across counties are due
        replayed = [f for cid, events, reads in u.case_reads.streams_received(START, clock.now())
                    if (f := case_facts(cid, events, clock.now(), H, reads)) is not None]
    assert due == sum(f.counts["copresence_due"] for f in replayed) == 3
    assert met == sum(f.counts["copresent"] for f in replayed)

    _downgrade(engine, "0040")  # the sums per place set, as the case store kept them before
    before = _tables(engine)
    for name in TABLES:  # every table held sums of several places
        assert any("|" in row[0] for row in before[name]), name
    team = _tables(engine, TEAM)
    assert team["case_sum_team"] and team["case_sum_team_now"]

    migrate.upgrade(engine)
    assert _tables(engine) == kept
    assert not set(TEAM) & set(inspect(engine).get_table_names())
    with SqlUnitOfWork(engine) as u:
        assert u.case_reads.sum_view().differences() == []
