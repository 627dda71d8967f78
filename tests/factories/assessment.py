"""A small month of cases written out by hand (March 2026, 无锡), shared by the assessment tests:
the figures they expect are computed by hand in test_assessment.py; and the figures a dashboard
page embeds for its map."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from liandong.domain.cases import commands as c
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from tests.factories.cases import CENTRE

LIANGXI, XISHAN, XINWU = "320213", "320205", "320214"
A, S = "320213001", "320205001"  # a street of 梁溪区 and one of 锡山区
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 2 March 2026, 09:00 in Shanghai
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def _clock(bus: MessageBus) -> ManualClock:
    assert isinstance(bus.clock, ManualClock)
    return bus.clock


def _lead(bus: MessageBus, cid: str) -> str:
    with bus.uow() as u:
        case = u.cases.get(cid)
        assert case is not None
        return case.record.lead


def _assists(bus: MessageBus, cid: str) -> None:
    with bus.uow() as u:
        case = u.cases.get(cid)
        assert case is not None
        pending = case.record.pending_assists()
    for dept in pending:
        bus.handle(c.ReportAssist(by=dept, case_id=cid, summary="已配合"))


def _case(bus: MessageBus, place: str, *, ack_after: timedelta | None = HOUR,
          resolve_after: timedelta | None = DAY, rating: str | None = "satisfied",
          contacted: bool = True, solved: bool = True) -> str:
    """Report at the clock, dispatch at once, acknowledge after ``ack_after``, resolve after a
    further ``resolve_after``, follow up with ``rating`` and close; the clock is put back after."""
    t0 = bus.clock.now()
    cid = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", severity="routine",
                                  affected=(place,), description="夜间广场舞音响扰民",
                                  reporter_name="张三", reporter_phone="13812345678")).case_id
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    lead = _lead(bus, cid)
    if ack_after is not None:
        _clock(bus).advance(ack_after)
        bus.handle(c.AcknowledgeCase(by=lead, case_id=cid))
        if resolve_after is not None:
            _clock(bus).advance(resolve_after)
            _assists(bus, cid)
            bus.handle(c.ResolveCase(by=lead, case_id=cid, summary="已劝导"))
            if rating is not None:
                calls = 1 if contacted else bus.rules.policy.follow_up_attempts  # 未联系上: each try counts
                for _ in range(calls):
                    bus.handle(c.FollowUpCase(by=CENTRE, case_id=cid, contacted=contacted, solved=solved,
                                              rating=rating))
                bus.handle(c.CloseCase(by=CENTRE, case_id=cid))
    _clock(bus).set(t0 + HOUR)
    return cid


def fill_month(bus: MessageBus) -> None:
    """Seven cases: four in 梁溪, two in 锡山, one county case of 新吴 that waited on the city."""
    # 梁溪区 (A): four cases
    _case(bus, A)                                              # C1 satisfied
    _case(bus, A, rating="basically_satisfied")                # C2 basically satisfied
    _case(bus, A, rating="unsatisfied", contacted=False, solved=False)  # C3 unsatisfied, not contacted
    _case(bus, A, ack_after=None)                              # C4 never acknowledged (breach)
    # 锡山区 (S): two cases
    _case(bus, S, ack_after=10 * DAY, rating="none")           # C5 acknowledged late; "none" is no rating
    _case(bus, S, resolve_after=20 * DAY)                      # C6 resolved late, satisfied
    # 新吴区: a county case that waited five days for the city's resource decision
    t0 = bus.clock.now()
    cid = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", severity="routine",
                                  affected=(XINWU,), description="区内多处广场舞噪声",
                                  reporter_name="李四", reporter_phone="13912345678")).case_id
    _clock(bus).advance(HOUR)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))              # 1 h waiting for dispatch: centre
    lead = _lead(bus, cid)
    _clock(bus).advance(HOUR)
    bus.handle(c.AcknowledgeCase(by=lead, case_id=cid))             # 1 h waiting for acknowledgement
    _assists(bus, cid)                                              # the assist reports at once
    _clock(bus).advance(2 * HOUR)                                   # 2 h handling
    bus.handle(c.RequestResource(by=lead, case_id=cid, resource="噪声检测车", approver=CENTRE))
    _clock(bus).advance(5 * DAY)                                    # 120 h waiting for the city
    bus.handle(c.DecideResource(by=CENTRE, case_id=cid, approve=True))
    _clock(bus).advance(10 * DAY)                                   # 240 h handling, past the deadline
    bus.handle(c.ResolveCase(by=lead, case_id=cid, summary="已检测并处罚"))
    bus.handle(c.FollowUpCase(by=CENTRE, case_id=cid, rating="satisfied"))
    bus.handle(c.CloseCase(by=CENTRE, case_id=cid))
    _clock(bus).set(t0 + HOUR)


def data_of(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', page, re.S)
    assert found, "no embedded dashboard data"
    data: dict[str, Any] = json.loads(found.group(1))
    return data
