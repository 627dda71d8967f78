"""The fair rules from the facts (decision 0051): after random interleavings of case commands —
the closed loop, returns, escalations, 重办, extensions approved and refused, resource waits,
pauses, 挂账, findings, appeals and their rulings — the facts adjusted from what they carry equal
``fair.refine`` reading the events, under every set of clock stops with and without exclusions,
whether the facts come from the events or from the stored fact rows (on memory, SQLite and
PostgreSQL); and the engine's fair columns give the same figures as the engine over the adjusted
facts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from liandong.adapters.sql import migrate
from liandong.adapters.sql import tables as t
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.facts import fill_fair
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.assessment import fair
from liandong.assessment.engine import Engine
from liandong.assessment.fact_audit import fact_mismatch
from liandong.assessment.facts import CaseFacts, case_facts
from liandong.assessment.fair_columns import mode_of
from liandong.assessment.fair_facts import after_versions
from liandong.assessment.periods import parse_period
from liandong.assessment.rules import AssessmentRules
from liandong.assessment.service import PeriodFacts
from liandong.assessment.stored import period_facts
from liandong.domain.cases import commands as c
from liandong.domain.hierarchy import Level
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from tests.factories.assessment import START, fill_month
from tests.factories.cases import CENTRE
from tests.factories.interleavings import HOUR, MATTERS, PLACES, RULES, H, attempt, record_of, step

MARCH_ALL = parse_period("2026-03", cutoff=1)
STOP_SETS = ((), ("extension",), ("resource",), ("extension", "resource"), ("citizen", "shelved"))
_FAIR = st.sampled_from(("decide_ext", "decide_ext", "resource", "decide_res", "decide_res", "extend",
                         "pause", "unpause", "shelve", "resume", "adjudicate", "appeal", "rule", "other",
                         "other", "other", "other", "story", "story", "story", "story", "new", "new"))


def _story(bus: MessageBus, clock: ManualClock, cid: str, draw: Callable[[Any], Any]) -> None:
    """A case taken through its handling with waits on decisions of random lengths, resolved
    around its deadline: the clock stops decide whether it was on time."""
    days = st.integers(0, 60 * 24 * 6)
    r = record_of(bus, cid)
    if r.state.value == "received":
        attempt(bus, c.DispatchCase(by=CENTRE, case_id=cid), "dispatch")
        r = record_of(bus, cid)
    lead = r.lead or CENTRE
    attempt(bus, c.AcknowledgeCase(by=lead, case_id=cid), "ack")
    for wait in ("extension", "resource"):
        if not draw(st.booleans()):
            continue
        if wait == "extension":
            asked: Any = c.RequestExtension(by=lead, case_id=cid, reason="需要时间",
                                            until=(r.due or clock.now()) + 9 * 24 * HOUR)
        else:
            asked = c.RequestResource(by=lead, case_id=cid, resource="挖掘机", reason="需要设备")
        attempt(bus, asked, wait)
        clock.advance(timedelta(minutes=draw(days)))
        r = record_of(bus, cid)
        pending = r.pending_extension if wait == "extension" else r.pending_resource
        if pending is not None and draw(st.booleans()):
            decide = c.DecideExtension if wait == "extension" else c.DecideResource
            attempt(bus, decide(by=pending.approver, case_id=cid, approve=draw(st.booleans()), reason="决定"),
                    wait)
    r = record_of(bus, cid)
    if r.due is not None:
        clock.set(max(clock.now(), r.due + timedelta(minutes=draw(st.integers(-60 * 24 * 2, 60 * 24 * 8)))))
    for dept in r.pending_assists():
        attempt(bus, c.ReportAssist(by=dept, case_id=cid, summary="已配合"), "assist")
        clock.advance(timedelta(minutes=draw(st.integers(0, 60 * 24))))
    attempt(bus, c.ResolveCase(by=lead, case_id=cid, summary="已处理"), "resolve")


def _fair_step(bus: MessageBus, clock: ManualClock, ids: list[str], draw: Callable[[Any], Any]) -> None:
    """One random step: a command the fair rules read, or one of the 事实表's interleavings."""
    kind = draw(_FAIR)
    if kind == "other" or (not ids and kind != "new"):
        step(bus, clock, ids, draw)
        return
    if kind == "new":
        ids.append(bus.handle(c.ReportCase(by="reporter", matter=draw(st.sampled_from(MATTERS)),
                                           affected=(draw(st.sampled_from(PLACES)),), description="测试诉求",
                                           reporter_name="张三", reporter_phone="13812345678")).case_id)
        return
    if kind == "story":
        _story(bus, clock, draw(st.sampled_from(ids)), draw)
        return
    cid = draw(st.sampled_from(ids))
    r = record_of(bus, cid)
    lead = r.lead or CENTRE
    clock.advance(timedelta(minutes=draw(st.integers(1, 60 * 24 * 4))))
    adj = r.adjudication
    commands: dict[str, Callable[[], Any]] = {
        "decide_ext": lambda: c.DecideExtension(
            by=r.pending_extension.approver if r.pending_extension else CENTRE, case_id=cid,
            approve=draw(st.booleans()), reason="审批"),
        "extend": lambda: c.RequestExtension(by=lead, case_id=cid, reason="需要时间",
                                             until=(r.due or clock.now()) + 9 * 24 * HOUR),
        "resource": lambda: c.RequestResource(by=lead, case_id=cid, resource="挖掘机", reason="需要设备"),
        "decide_res": lambda: c.DecideResource(
            by=r.pending_resource.approver if r.pending_resource else CENTRE, case_id=cid,
            approve=draw(st.booleans()), reason="决定"),
        "pause": lambda: c.PauseCase(by=lead, case_id=cid, reason="等待诉求人补充材料"),
        "unpause": lambda: c.UnpauseCase(by=lead, case_id=cid),
        "shelve": lambda: c.ShelveCase(by=lead, case_id=cid, until=clock.now() + 40 * 24 * HOUR,
                                       reason="长期工程"),
        "resume": lambda: c.ResumeCase(by=lead, case_id=cid),
        "adjudicate": lambda: c.AdjudicateRequest(by=CENTRE, case_id=cid, finding=draw(st.sampled_from(
            ("unreasonable", "out_of_remit", "reasonable"))), reason="认定"),
        "appeal": lambda: c.AppealAdjudication(by=lead, case_id=cid, reason="申诉"),
        "rule": lambda: c.RuleAppeal(by=adj.decider if adj is not None and adj.decider else CENTRE,
                                     case_id=cid, decision=draw(st.sampled_from(("uphold", "overturn"))),
                                     finding=draw(st.sampled_from(("reasonable", "unreasonable"))),
                                     reason="裁定"),
    }
    attempt(bus, commands[kind](), kind)


def _plain(f: CaseFacts) -> tuple[Any, ...]:
    return f.case_id, dict(f.counts), f.members, f.values


def _rules(stops: tuple[str, ...], exclude: bool) -> AssessmentRules:
    return AssessmentRules.model_validate({"clock_stops": {"stops": list(stops)},
                                           "exclusions": {"enabled": exclude}})


_EXAMPLE = iter(range(10_000))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_the_facts_adjust_as_the_events_say(uow_factory: Callable[[], UnitOfWork],
                                            data: st.DataObject) -> None:
    n = next(_EXAMPLE)
    clock = ManualClock(START + timedelta(minutes=n))
    counter = iter(range(1, 10_000))
    bus = MessageBus(uow=uow_factory, rules=RULES, clock=clock,
                     new_id=lambda: f"F{n:04d}-{next(counter):03d}")
    ids: list[str] = []
    moments = []
    for _ in range(data.draw(st.integers(10, 50))):
        _fair_step(bus, clock, ids, data.draw)
        moments.append(clock.now())
    start, end = START - 30 * 24 * HOUR, START + 800 * 24 * HOUR
    probes = sorted({*moments[:: max(1, len(moments) // 4)], max(moments) + HOUR})
    with uow_factory() as u:
        streams = {cid: (events, reads) for cid, events, reads in u.case_reads.streams_received(start, end)}

    def read(ids: list[str]) -> dict[str, Any]:
        return {cid: streams[cid][0] for cid in ids}
    for as_of in probes:
        events = [f for cid, (evs, reads) in streams.items()
                  if (f := case_facts(cid, evs, as_of, H, reads)) is not None]
        rows = {f.case_id: f for f in period_facts(uow_factory, H, start, end, as_of)}
        assert all(f.fair is not None for f in rows.values())
        for stops in STOP_SETS:
            for exclude in (False, True):
                rules = _rules(stops, exclude)
                expected = fair.refine(events, read, as_of, rules)[0]
                assert [_plain(fair.adjust_facts(f, rules)) for f in events] == [_plain(f) for f in expected]
                stored = [fair.adjust_facts(rows[f.case_id], rules) for f in events]
                assert [(f.case_id, dict(f.counts), f.values) for f in stored] == \
                    [(f.case_id, dict(f.counts), f.values) for f in expected], (as_of, stops, exclude)
                if as_of == probes[-1]:
                    _same_figures(events, expected, mode_of(stops, exclude))


def _same_figures(raw: list[CaseFacts], adjusted: list[CaseFacts], mode: tuple[bool, bool, bool]) -> None:
    """The engine over the facts as they are, with the fair columns, and over the adjusted facts."""
    if not raw:
        return
    fair_engine, plain = Engine.of(raw, H, fair=mode), Engine.of(adjusted, H)
    try:
        root = H.root.code
        assert fair_engine.total(root).counts == plain.total(root).counts
        assert {k: f.counts for k, f in fair_engine.by_unit("320200", Level.COUNTY).items()} == \
            {k: f.counts for k, f in plain.by_unit("320200", Level.COUNTY).items()}
        assert {k: f.counts for k, f in fair_engine.by_department("320200").items()} == \
            {k: f.counts for k, f in plain.by_department("320200").items()}
    finally:
        fair_engine.close()
        plain.close()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_rows_without_their_fair_part_are_read_from_the_events_until_filled(
        backend: str, request: pytest.FixtureRequest) -> None:
    """Rows from before migration 0035 (fair NULL): the facts carry no fair part, the fair pass reads
    the events, the ledger's check passes; migration 0035's fill gives each row what a save gives."""
    engine = make_engine(request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url"))
    try:
        migrate.upgrade(engine)

        def uow() -> UnitOfWork:
            return SqlUnitOfWork(engine)
        counter = iter(range(1, 1000))
        bus = MessageBus(uow=uow, rules=RULES, clock=ManualClock(START),
                         new_id=lambda: f"M{next(counter):03d}")
        fill_month(bus)
        window = (START - 30 * 24 * HOUR, START + 90 * 24 * HOUR)
        as_of = bus.clock.now() + HOUR
        f, rules = t.case_fact, _rules(("extension", "resource"), True)
        with engine.connect() as conn:
            written = set(conn.execute(select(f.c.case_id, f.c.version, f.c.fair)).tuples())
        assert written and all(fair is not None for _, _, fair in written)
        carried = period_facts(uow, H, *window, as_of)
        with engine.begin() as conn:
            conn.execute(update(f).values(fair=None))
        old = period_facts(uow, H, *window, as_of)
        assert [f.fair for f in old] == [None] * len(carried)
        read = PeriodFacts(MARCH_ALL, as_of, old).refined(uow, rules)
        assert read.fair is not None  # from the events
        assert [(x.case_id, dict(x.counts)) for x in read.facts] == \
            [(x.case_id, dict(x.counts)) for x in (fair.adjust_facts(y, rules) for y in carried)]
        with uow() as u:
            cid = carried[0].case_id
            rows, (_, events, _) = u.case_reads.fact_rows(cid), next(
                s for s in u.case_reads.streams_received(*window) if s[0] == cid)
        assert fact_mismatch(cid, events, rows) is None  # a row without its fair part is not a mismatch
        with engine.begin() as conn:
            assert fill_fair(conn, after_versions) == len(written)
        with engine.connect() as conn:
            assert set(conn.execute(select(f.c.case_id, f.c.version, f.c.fair)).tuples()) == written
    finally:
        engine.dispose()
