"""Random interleavings of case commands for the property tests of the 事实表 and its sums
(``tests/integration/test_case_facts.py``, ``test_case_sums.py``): one step at a time, drawn by
hypothesis — reports, the closed loop, merges, 改类, 重办, returns, widening, escalations,
extensions, summonses, read marks, clock ticks and backfilled times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hypothesis import strategies as st

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.errors import DomainError
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from tests.factories.cases import CENTRE

H = national_hierarchy()
RULES = Rules(Router(H, default_catalogue()), ChineseWorkCalendar(), CasePolicy())
PLACES = ("320213001", "320205001", "320214", "320211001", "320213015")
MATTERS = ("social_life_noise", "garbage_collection", "road_damage")
HOUR = timedelta(hours=1)


def record_of(bus: MessageBus, cid: str) -> Any:
    with bus.uow() as u:
        case = u.cases.get(cid)
        return None if case is None else case.record


_KINDS = st.sampled_from(("report", "dispatch", "ack", "start", "assist", "resolve", "follow", "close",
                          "merge",
                          "reclassify", "widen", "escalate", "extend", "return", "summon", "answer", "read",
                          "tick", "tick", "backfill", "advance", "advance", "advance", "advance", "advance",
                          "advance"))
_NEXT = {"received": "dispatch", "dispatched": "ack", "acknowledged": "start", "in_progress": "resolve",
         "resolved": "follow", "followed_up": "close", "returned": "decide"}
ERRORS: dict[str, int] = {}


def step(bus: MessageBus, clock: ManualClock, ids: list[str], draw: Callable[[Any], Any]) -> None:
    """One random command on a random case (refusals ignored: an illegal step changes nothing)."""
    kind = draw(_KINDS)
    if kind == "tick":
        clock.advance(timedelta(minutes=draw(st.integers(1, 60 * 24 * 3))))
        return
    if kind == "backfill":  # a case of days ago taken in late: its events before others' stored ones
        now = clock.now()
        clock.set(now - timedelta(minutes=draw(st.integers(1, 60 * 24 * 2))))
        step(bus, clock, ids, lambda s: "report" if s is _KINDS else draw(s))
        if ids and record_of(bus, ids[-1]).version == 1:
            bus.handle(c.DispatchCase(by=CENTRE, case_id=ids[-1]))
        clock.set(now)
        return
    if kind == "report" or not ids:
        try:
            cid = bus.handle(c.ReportCase(by="reporter", matter=draw(st.sampled_from(MATTERS)),
                                          severity=draw(st.sampled_from(("routine", "routine", "IV", "III"))),
                                          affected=tuple(draw(st.lists(st.sampled_from(PLACES), min_size=1,
                                                                       max_size=2, unique=True))),
                                          description="测试诉求", reporter_name="张三",
                                          reporter_phone="13812345678")).case_id
        except DomainError:  # a severity the matter does not take
            return
        ids.append(cid)
        return
    cid = draw(st.sampled_from(ids))
    r = record_of(bus, cid)
    if kind == "advance":  # the next step of the closed loop, assists first
        kind = _NEXT.get(r.state.value, "tick")
        if kind == "resolve":
            for dept in r.pending_assists():
                attempt(bus, c.ReportAssist(by=dept, case_id=cid, summary="已配合"), "assist")
        if kind == "tick":
            return
    lead = r.lead or CENTRE
    member = next(iter(r.team), lead)
    commands: dict[str, Callable[[], Any]] = {
        "dispatch": lambda: c.DispatchCase(by=CENTRE, case_id=cid),
        "ack": lambda: c.AcknowledgeCase(by=lead, case_id=cid),
        "start": lambda: c.StartHandling(by=lead, case_id=cid),
        "assist": lambda: c.ReportAssist(by=draw(st.sampled_from(sorted(r.team) or [lead])), case_id=cid,
                                         summary="已配合"),
        "resolve": lambda: c.ResolveCase(by=lead, case_id=cid, summary="已处理"),
        "follow": lambda: c.FollowUpCase(by=CENTRE, case_id=cid, contacted=draw(st.booleans()),
                                         solved=draw(st.booleans()),
                                         rating=draw(st.sampled_from(("satisfied", "basically_satisfied",
                                                                      "unsatisfied", "none"))),
                                         handler_at_fault=draw(st.booleans())),
        "close": lambda: c.CloseCase(by=CENTRE, case_id=cid),
        "merge": lambda: c.MergeCase(by=CENTRE, case_id=cid, into=draw(st.sampled_from(ids))),
        "reclassify": lambda: c.ReclassifyCase(by=CENTRE, case_id=cid, matter=draw(st.sampled_from(MATTERS)),
                                               reason="改类"),
        "widen": lambda: c.WidenScope(by=lead, case_id=cid, added=(draw(st.sampled_from(PLACES)),)),
        "escalate": lambda: c.EscalateCase(by=lead, case_id=cid, reason="超出能力"),
        "extend": lambda: c.RequestExtension(by=lead, case_id=cid, until=clock.now() + 20 * 24 * HOUR,
                                             reason="需要时间"),
        "return": lambda: c.ReturnCase(by=lead, case_id=cid, category=draw(st.sampled_from(
            ("not_our_duty", "wrong_area"))), reason="非本单位职责"),
        "summon": lambda: c.SummonDepartments(by=f"{r.affected[0][:9]}-gov", case_id=cid,
                                              departments=(f"{r.affected[0][:6]}-public_security",)),
        "answer": lambda: c.AnswerSummons(by=draw(st.sampled_from(sorted(r.summons) or [lead])), case_id=cid),
        "decide": lambda: c.DecideReturn(by=CENTRE, case_id=cid, decision=draw(st.sampled_from(
            ("uphold", "reject"))), lead=None),
    }
    if kind == "read":
        with bus.uow() as u:
            u.cases.mark_read(cid, member, draw(st.integers(1, max(1, r.version))), clock.now())
            u.commit()
        return
    attempt(bus, commands[kind](), kind)


def attempt(bus: MessageBus, command: Any, kind: str) -> None:
    try:
        bus.handle(command)
    except DomainError as exc:  # an illegal step changes nothing
        ERRORS[f"{kind}:{exc.code}"] = ERRORS.get(f"{kind}:{exc.code}", 0) + 1
