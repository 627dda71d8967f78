"""One bus for every aggregate (docs/decisions/0020), on memory, SQLite and PostgreSQL alike: an
instrument command that lost a race is applied again, an instrument command lands in a batch beside
a refused one, and one bus serves cases and instruments in the same batch."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from liandong.adapters.memory import MemoryInstrumentStore
from liandong.adapters.sql.instruments import SqlInstrumentStore
from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.domain.instruments.instrument import Instrument
from liandong.services import instruments as i
from liandong.services.bus import Result
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import Stored, UnitOfWork
from tests.factories.instruments import (
    DAY,
    LIANGXI,
    STREET,
    SUZHOU,
    WUXI,
    T,
    instrument_bus,
    instrument_rules,
)
from tests.factories.worlds import national_case_rules


def _directive(bus: i.InstrumentBus) -> str:
    return bus.handle(i.Issue(by=WUXI, kind="directive", title="关于夜间施工噪声投诉的批示", scope="320213",
                              addressees=(LIANGXI, STREET), due=T + 2 * DAY)).instrument_id


@pytest.fixture
def lose_once(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The next save of an instrument refused as a store refuses a lost race (another writer's row
    came first), once; the ids it refused are listed."""
    refused: list[str] = []
    for store in (MemoryInstrumentStore, SqlInstrumentStore):
        real = store.save

        def save(self: object, instrument: Instrument, real: Callable[..., list[Stored[object]]] = real,
                 ) -> list[Stored[object]]:
            if not refused:
                refused.append(instrument.id)
                raise Instrument.conflict(instrument.id, instrument.version - len(instrument.pending), "?")
            return real(self, instrument)
        monkeypatch.setattr(store, "save", save)
    yield refused


@pytest.mark.parametrize("batched", [False, True])
def test_an_instrument_command_that_lost_a_race_is_applied_again(
        uow_factory: Callable[[], UnitOfWork], lose_once: list[str], batched: bool) -> None:
    bus = instrument_bus(uow_factory)
    lose_once.append("not yet")  # the issue lands; the response below loses its race once
    order = _directive(bus)
    lose_once.clear()
    respond = i.Respond(by=LIANGXI, instrument_id=order, text="已部署联合执法", expected_version=1)
    result = bus.handle_batch([respond])[0] if batched else bus.handle(respond)
    assert isinstance(result, Result), result
    assert lose_once == [order] and result.instrument_id == order and result.version == 2
    assert [type(e).__name__ for e in result.events] == ["Responded"]


def test_an_instrument_command_lands_in_a_batch_beside_a_refused_one(
        uow_factory: Callable[[], UnitOfWork]) -> None:
    bus = instrument_bus(uow_factory)
    order = _directive(bus)
    out = bus.handle_batch([i.Respond(by=SUZHOU, instrument_id=order, text="不是本单位"),
                            i.Respond(by=LIANGXI, instrument_id=order, text="已部署联合执法"),
                            i.Respond(by=STREET, instrument_id=order, text="x", expected_version=7)])
    assert isinstance(out[0], DomainError) and out[0].code == "instrument.not_party"
    assert isinstance(out[2], DomainError) and out[2].code == "instrument.conflict"
    assert isinstance(out[1], Result) and out[1].version == 2
    with bus.uow() as uow:
        assert [type(e).__name__ for e in uow.instruments.events(order)] == ["Issued", "Responded"]


def test_one_bus_serves_cases_and_instruments_in_one_batch(uow_factory: Callable[[], UnitOfWork]) -> None:
    published: list[list[Stored[object]]] = []
    bus = MessageBus(uow=uow_factory, rules=national_case_rules(), clock=ManualClock(T),
                     subscribers=[published.append],
                     also=(i.instrument_registration(instrument_rules()),))
    report = c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                          description="夜间施工噪声")
    issue = i.Issue(by=WUXI, kind="directive", title="批示", scope="320213", addressees=(LIANGXI,),
                    due=T + 2 * DAY)
    case, instrument = bus.handle_batch([report, issue])
    assert isinstance(case, Result) and isinstance(instrument, Result)
    assert len(case.case_id) == 20 and instrument.instrument_id.startswith("I")
    assert len(instrument.instrument_id) == 20
    stored = [s.event.aggregate_id for batch in published for s in batch]  # type: ignore[attr-defined]
    assert set(stored) == {case.case_id, instrument.instrument_id}
    with pytest.raises(DomainError, match=r"command\.unknown"):
        bus.handle(object())


def test_an_instrument_id_issued_before_ids_were_ordered_still_serves(
        uow_factory: Callable[[], UnitOfWork]) -> None:
    bus = instrument_bus(uow_factory)
    old = "I" + "3f2a9c0d1e4b5a6978c"  # "I" and 19 random digits (uuid4), as issued before
    bus.handle(i.Issue(by=WUXI, kind="directive", title="批示", scope="320213", addressees=(LIANGXI,),
                       due=T + 2 * DAY, instrument_id=old))
    assert bus.handle(i.Respond(by=LIANGXI, instrument_id=old, text="已办")).version == 2
