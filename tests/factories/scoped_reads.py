"""A small world of cases in 无锡 for the reads narrowed by place (``scope``): cases in two counties,
one spanning both, one widened by 扩大范围 into the other, one in 南京 and one received early."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from liandong.domain.cases import commands as c
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from tests.factories.cases import CENTRE
from tests.factories.worlds import national, national_case_rules

T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
WINDOW = (T, T + timedelta(days=1))
LIANGXI, XINWU = "320213", "320214"  # two counties of 无锡
A, B, C = "320213001", "320213015", "320213018"  # streets of 梁溪区
X, Y = "320214001", "320214002"  # streets of 新吴区
NANJING = "320102002"  # a street of 南京 (another city of the province)
SCOPES = (None, "100000", "320000", "320200", LIANGXI, XINWU, A, X, "320100", "110000", "320205")


@dataclass
class Seeded:
    bus: MessageBus
    places: dict[str, set[str]]  # case id → every place it ever had
    early: str  # received before the window


def seed(uow: Callable[[], UnitOfWork]) -> Seeded:
    clock = ManualClock(T - timedelta(hours=2))
    bus = MessageBus(uow=uow, rules=national_case_rules(), clock=clock)
    places: dict[str, set[str]] = {}

    def report(*affected: str) -> str:
        case_id = bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=affected,
                                          description="垃圾桶满溢")).case_id
        places[case_id] = set(affected)
        return case_id

    early = report(A)
    places.pop(early)
    clock.set(T + timedelta(hours=1))
    for affected in ((A,), (B,), (X,), (A, X), (NANJING,)):  # (A, X): one case spanning both counties
        report(*affected)
    widened = report(C)
    bus.handle(c.WidenScope(by=CENTRE, case_id=widened, added=(Y,)))  # 扩大范围 into 新吴区
    places[widened].add(Y)
    read = next(i for i, p in places.items() if p == {B})
    with bus.uow() as u:
        u.cases.mark_read(read, CENTRE, 1, T + timedelta(hours=2))
        u.commit()
    return Seeded(bus, places, early)


def expected(seeded: Seeded, scope: str | None) -> set[str]:
    h = national()
    return {case_id for case_id, places in seeded.places.items()
            if scope is None or any(h.is_ancestor(scope, p) for p in places)}
