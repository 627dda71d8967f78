"""The outbox relay: every case event and every notice reaches the message bus, once, even when the
relay dies between publishing and marking; on memory, SQLite and PostgreSQL, and on a real NATS
JetStream server (required in CI, skipped with the reason on a laptop without one)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.errors import DomainError
from liandong.domain.instruments.instrument import InstrumentRules
from liandong.services import instruments as i
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import Outbound, Publisher, UnitOfWork
from liandong.services.relay import Relay
from tests.support.nats import NATS_URL

T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ROUTER = Router(national_hierarchy(), default_catalogue())
RULES = Rules(ROUTER, ChineseWorkCalendar(), CasePolicy())


class Recorder(Publisher):
    """Keeps what it is given; can be told to die after publishing (before the relay marks)."""

    def __init__(self) -> None:
        self.sent: list[Outbound] = []
        self.die_after_publish = False

    def publish(self, messages: Sequence[Outbound]) -> None:
        self.sent.extend(messages)
        if self.die_after_publish:
            self.die_after_publish = False
            raise ConnectionError("killed after publishing")


def activity(uow: Callable[[], UnitOfWork]) -> tuple[str, str]:
    """One case reported and dispatched, one directive issued: events and notices to relay."""
    clock = ManualClock(T)
    cases = MessageBus(uow=uow, rules=RULES, clock=clock)
    cid = cases.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                    description="广场舞噪声", reporter_name="张三",
                                    reporter_phone="13812345678")).case_id
    cases.handle(c.DispatchCase(by="320200-gov", case_id=cid))
    bus = i.InstrumentBus(uow=uow, rules=InstrumentRules(ROUTER, default_catalogue().governance),
                          clock=clock, new_id=lambda: "I0001")
    iid = bus.handle(i.Issue(by="320200-gov", kind="directive", title="批示", scope="320213",
                             addressees=("320213-gov", "320205-gov"),
                             due=T + timedelta(days=3))).instrument_id
    return cid, iid


def test_everything_pending_is_relayed_once_and_says_no_personal_data(
        uow_factory: Callable[[], UnitOfWork]) -> None:
    cid, iid = activity(uow_factory)
    publisher = Recorder()
    relay = Relay(uow_factory, publisher, batch=2)  # small batches: several rounds
    done = relay.run_once()
    with uow_factory() as u:
        case = u.cases.get(cid)
        assert case is not None
    assert done.notices == 2  # the two addressees of the directive
    assert done.case_events == case.version >= 3  # every event of the case
    assert len(publisher.sent) == done.total
    assert len({m.msg_id for m in publisher.sent}) == done.total
    notices = [json.loads(m.payload) for m in publisher.sent if ".notice." in m.subject]
    assert {n["department"] for n in notices} == {"320213-gov", "320205-gov"}
    assert {n["subject_id"] for n in notices} == {iid}
    case_messages = [m for m in publisher.sent if m.subject == f"liandong.case.{cid}"]
    assert json.loads(case_messages[0].payload)["type"] == "CaseReported"
    assert not any(b"13812345678" in m.payload or "张三".encode() in m.payload for m in publisher.sent)
    assert relay.run_once().total == 0  # nothing left


def test_a_relay_that_dies_after_publishing_sends_again_with_the_same_ids(
        uow_factory: Callable[[], UnitOfWork]) -> None:
    activity(uow_factory)
    publisher = Recorder()
    publisher.die_after_publish = True
    relay = Relay(uow_factory, publisher, batch=1000)
    with pytest.raises(ConnectionError):
        relay.run_once()
    first = [m.msg_id for m in publisher.sent]
    again = relay.run_once()  # nothing was marked: all of it again, under the same ids
    assert [m.msg_id for m in publisher.sent[len(first):]] == first and again.total == len(first)
    assert relay.run_once().total == 0


# -- a real NATS JetStream server -----------------------------------------------------------------

def stored_ids(name: str) -> list[str]:
    import nats

    async def read() -> list[str]:
        nc = await nats.connect(NATS_URL)
        js = nc.jetstream()
        info = await js.stream_info(name)
        ids = []
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            msg = await js.get_msg(name, seq)
            ids.append((msg.headers or {}).get("Nats-Msg-Id", ""))
        await nc.close()
        return ids

    return asyncio.run(read())


class DiesAfter(Publisher):
    def __init__(self, inner: Publisher) -> None:
        self.inner, self.armed = inner, True

    def publish(self, messages: Sequence[Outbound]) -> None:
        self.inner.publish(messages)
        if self.armed:
            self.armed = False
            raise ConnectionError("killed after publishing")


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_jetstream_keeps_each_message_once_across_a_crash(
        backend: str, stream: tuple[str, str], request: pytest.FixtureRequest) -> None:
    from liandong.adapters.nats_bus import JetStreamPublisher
    from liandong.adapters.sql import migrate
    from liandong.adapters.sql.engine import make_engine
    from liandong.adapters.sql.repositories import SqlUnitOfWork

    engine = make_engine(request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url"))
    migrate.upgrade(engine)
    request.addfinalizer(engine.dispose)

    def uow() -> UnitOfWork:
        return SqlUnitOfWork(engine)

    activity(uow)
    name, prefix = stream
    publisher = JetStreamPublisher(NATS_URL, stream=name, subjects=f"{prefix}.>")
    try:
        relay = Relay(uow, DiesAfter(publisher), prefix=prefix)
        with pytest.raises(ConnectionError):
            relay.run_once()
        assert relay.run_once().total > 0  # sent again: nothing had been marked
        assert relay.run_once().total == 0
    finally:
        publisher.close()
    ids = stored_ids(name)
    assert len(ids) == len(set(ids)) > 0  # the stream kept each message once
    assert sum(1 for m in ids if m.startswith("notice-")) == 2


def test_an_unreachable_bus_is_named_in_the_error() -> None:
    from liandong.adapters.nats_bus import JetStreamPublisher

    publisher = JetStreamPublisher("nats://127.0.0.1:1", timeout=20)
    try:
        with pytest.raises(DomainError, match=r"relay\.unreachable") as caught:
            publisher.connect()
        assert caught.value.params["url"] == "nats://127.0.0.1:1"
    finally:
        publisher.close()
