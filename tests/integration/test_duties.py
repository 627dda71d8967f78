"""待办 (issue 23): what waits on whom, kept by the stores with the events that change it — the same
rows on memory, SQLite and PostgreSQL, ordered by deadline, gone once done; the migration derives
them for cases stored before it; whoever must decide may open what it decides."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.memory import MemoryUnitOfWork
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.adapters.sql import migrate
from liandong.adapters.sql import tables as t
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.domain.access import Principal, StaffRole, can_see
from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.duties import DutyKind, case_duties
from liandong.domain.errors import DomainError
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from liandong.services.work import Urgency, Work
from tests.factories.stores import write_cases_as_stored

H = national_hierarchy()
CATALOGUE = default_catalogue()
CALENDAR = ChineseWorkCalendar()
RULES = Rules(Router(H, CATALOGUE), CALENDAR, CasePolicy())
STREET, OTHER = "320213001", "320213015"
CENTRE = "320200-gov"
BUREAU = "320213-market_regulation"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai


@pytest.fixture
def bus(uow_factory: Callable[[], UnitOfWork]) -> MessageBus:
    counter = iter(range(1, 10_000))
    return MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(START),
                      new_id=lambda: f"C{next(counter):06d}")


def waiting(bus: MessageBus, department: str) -> list[tuple[str, str]]:
    with bus.uow() as uow:
        return [(w.duty.subject_id, w.duty.kind.value) for w in uow.duties.waiting_on(department)]


def record(bus: MessageBus, case_id: str):
    with bus.uow() as uow:
        case = uow.cases.get(case_id)
        assert case is not None
        return case.record


def test_duties_follow_the_case_on_every_store(bus: MessageBus) -> None:
    clock = bus.clock
    assert isinstance(clock, ManualClock)
    first = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=(STREET,),
                                    description="夜市噪声")).case_id
    assert waiting(bus, CENTRE) == []  # a new report waits on the dispatch console, not on a duty
    bus.handle(c.DispatchCase(by=CENTRE, case_id=first))
    lead = record(bus, first).lead
    assert waiting(bus, lead) == [(first, "acknowledge")]
    clock.advance(timedelta(minutes=5))
    bus.handle(c.AcknowledgeCase(by=lead, case_id=first))
    assert waiting(bus, lead) == [(first, "handle")]
    # the street summons a bureau (吹哨): the bureau's 待办 has it, with a deadline in minutes
    bus.handle(c.SummonDepartments(by=lead, case_id=first, departments=(BUREAU,)))
    assert waiting(bus, BUREAU) == [(first, "answer_summons")]
    with bus.uow() as uow:
        (row,) = uow.duties.waiting_on(BUREAU)
        assert uow.duties.count(BUREAU) == 1
    assert row.duty.due == START + timedelta(minutes=35) and row.state == "acknowledged"
    assert (row.matter, row.source) == ("social_life_noise", "citizen")
    # a second case due sooner comes first in the lead's list: the order is the deadline's
    second = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=(STREET,),
                                     description="广场噪声")).case_id
    bus.handle(c.DispatchCase(by=CENTRE, case_id=second))
    assert waiting(bus, lead) == [(second, "acknowledge"), (first, "handle")]
    bus.handle(c.AnswerSummons(by=BUREAU, case_id=first))
    assert waiting(bus, BUREAU) == []
    assert (first, "rate_summons") in waiting(bus, lead)
    bus.handle(c.RateSummoned(by=lead, case_id=first, department=BUREAU, score=5))
    # an extension waits on its approver, who may open the case although not on its team
    bus.handle(c.RequestExtension(by=lead, case_id=first, until=START + timedelta(days=20), reason="需协调"))
    approver = record(bus, first).pending_extension.approver
    assert (first, "decide_extension") in waiting(bus, approver)
    someone = Principal(account_id="a1", username="handler", roles=frozenset({StaffRole.HANDLER}),
                        department=approver)  # no oversight role: it sees the case by its duty alone
    assert approver not in record(bus, first).team and can_see(someone, record(bus, first), H)
    bus.handle(c.DecideExtension(by=approver, case_id=first, approve=True))
    assert (first, "decide_extension") not in waiting(bus, approver)
    assert approver not in record(bus, first).team and not can_see(someone, record(bus, first), H)
    # resolved: nothing waits on the lead, the 回访 waits on the centre; followed up: nothing at all
    for assist in record(bus, first).pending_assists():
        assert (first, "assist") in waiting(bus, assist)
        bus.handle(c.ReportAssist(by=assist, case_id=first, summary="已配合"))
        assert (first, "assist") not in waiting(bus, assist)
    bus.handle(c.ResolveCase(by=lead, case_id=first, summary="已处理"))
    assert [k for s, k in waiting(bus, lead) if s == first] == []
    assert waiting(bus, CENTRE) == [(first, "follow_up")]
    bus.handle(c.FollowUpCase(by=CENTRE, case_id=first, rating="satisfied"))
    assert waiting(bus, CENTRE) == []


def test_a_failed_command_leaves_the_duties_as_they_were(bus: MessageBus) -> None:
    case_id = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=(STREET,),
                                      description="噪声")).case_id
    bus.handle(c.DispatchCase(by=CENTRE, case_id=case_id))
    lead = record(bus, case_id).lead
    with pytest.raises(DomainError):  # the resolve needs a signature first: refused, nothing stored
        bus.handle(c.ResolveCase(by=lead, case_id=case_id, summary="x"))
    assert waiting(bus, lead) == [(case_id, "acknowledge")]


def test_countdowns_turn_amber_then_red_and_count_working_hours(bus: MessageBus) -> None:
    clock = bus.clock
    assert isinstance(clock, ManualClock)
    case_id = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=(STREET,),
                                      description="噪声")).case_id
    bus.handle(c.DispatchCase(by=CENTRE, case_id=case_id))
    lead = record(bus, case_id).lead
    bus.handle(c.AcknowledgeCase(by=lead, case_id=case_id))
    due = record(bus, case_id).due
    assert due is not None
    work = Work(bus.uow, CALENDAR, CATALOGUE.matters, amber_share=0.25)
    (item,) = work.waiting(lead, START).items
    span = CALENDAR.working_hours_between(START, due)
    assert item.urgency is Urgency.CALM and not item.clock_hours
    assert item.hours_left == pytest.approx(span)
    near = due - timedelta(hours=1)  # one working hour left of several days: amber
    (item,) = work.waiting(lead, near).items
    assert item.urgency is Urgency.AMBER and item.hours_left == pytest.approx(1.0)
    (item,) = work.waiting(lead, due + timedelta(hours=3)).items
    assert item.urgency is Urgency.RED and item.hours_left == pytest.approx(-3.0)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_migration_derives_the_duties_of_stored_cases(backend: str,
                                                          request: pytest.FixtureRequest) -> None:
    memory = MemoryUnitOfWork()
    counter = iter(range(1, 100))
    bus = MessageBus(uow=lambda: memory, rules=RULES, clock=ManualClock(START),
                     new_id=lambda: f"M{next(counter):04d}")
    ids = [bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=(STREET, OTHER),
                                   description=f"噪声 {n}")).case_id for n in range(3)]
    for case_id in ids[1:]:
        bus.handle(c.DispatchCase(by=CENTRE, case_id=case_id))
    lead = memory.cases.records[ids[2]].lead
    bus.handle(c.AcknowledgeCase(by=lead, case_id=ids[2]))
    expected = {(d.subject_id, d.department, d.kind.value)
                for r in memory.cases.records.values() for d in case_duties(r)}
    assert {k for _, _, k in expected} >= {"acknowledge", "handle", "assist"}
    engine = make_engine(request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url"))
    try:
        migrate.upgrade(engine, "0017")
        write_cases_as_stored(memory, engine)
        migrate.upgrade(engine)
        with engine.connect() as conn:
            d = t.duty
            rows = set(conn.execute(select(d.c.subject_id, d.c.department_code, d.c.kind)).tuples())
        assert rows == expected
        with SqlUnitOfWork(engine) as uow:
            assert next((w.duty.subject_id, w.duty.kind) for w in uow.duties.waiting_on(lead)) == (
                ids[1], DutyKind.ACKNOWLEDGE)
    finally:
        engine.dispose()


def test_instruments_wait_on_their_addressees_and_owners(uow_factory: Callable[[], UnitOfWork]) -> None:
    from liandong.services import instruments as i
    from tests.factories.instruments import DAY, LIANGXI, PROVINCE, STREET, WUXI, T, at, instrument_bus

    bus = instrument_bus(uow_factory)

    def of(department: str) -> list[tuple[str, str, str]]:
        with bus.uow() as uow:
            rows = uow.duties.waiting_on(department)
        return [(w.duty.subject_id, w.duty.kind.value, w.duty.ref) for w in rows]

    order = bus.handle(i.Issue(by=WUXI, kind="directive", title="关于夜间施工噪声投诉的批示", scope="320213",
                               addressees=(LIANGXI, STREET), due=T + 2 * DAY)).instrument_id
    assert of(LIANGXI) == [(order, "respond", "")] and of(STREET) == [(order, "respond", "")]
    with bus.uow() as uow:
        (row,) = uow.duties.waiting_on(STREET)
    assert (row.title, row.matter, row.state) == ("关于夜间施工噪声投诉的批示", "directive", "open")
    assert row.duty.due == T + 2 * DAY
    at(bus, T + DAY).handle(i.Respond(by=LIANGXI, instrument_id=order, text="已部署联合执法"))
    assert of(LIANGXI) == [] and of(STREET) == [(order, "respond", "")]
    bus.handle(i.Respond(by=STREET, instrument_id=order, text="已约谈施工方"))
    assert of(STREET) == []  # concluded: nothing waits any more
    check = bus.handle(i.Issue(by=PROVINCE, kind="inspection", title="12345 办理质量专项督导", scope="320200",
                               addressees=(WUXI, LIANGXI), due=T + 30 * DAY)).instrument_id
    bus.handle(i.AssignTask(by=PROVINCE, instrument_id=check, task="T1", owner=WUXI, title="规范回访流程",
                            due=T + 10 * DAY))
    assert of(WUXI) == [(check, "complete_task", "T1")]
    bus.handle(i.CompleteTask(by=WUXI, instrument_id=check, task="T1", note="已修订回访规程"))
    assert of(WUXI) == [] and of(PROVINCE) == [(check, "verify_task", "T1")]
    bus.handle(i.VerifyTask(by=PROVINCE, instrument_id=check, task="T1", accepted=False, note="未附回访录音"))
    assert of(WUXI) == [(check, "complete_task", "T1")] and of(PROVINCE) == []  # sent back: owed again


def test_a_team_message_is_in_the_record_and_outsiders_are_refused(bus: MessageBus) -> None:
    case_id = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=(STREET,),
                                      description="噪声")).case_id
    bus.handle(c.DispatchCase(by=CENTRE, case_id=case_id))
    lead = record(bus, case_id).lead
    bus.handle(c.PostMessage(by=lead, case_id=case_id, text="今晚 20:00 联合检查，请派出所到场"))
    bus.handle(c.PostMessage(by=CENTRE, case_id=case_id, text="已告知诉求人"))
    with pytest.raises(DomainError, match=r"case\.not_member"):
        bus.handle(c.PostMessage(by="320500-gov", case_id=case_id, text="不相干的单位"))
    with pytest.raises(DomainError, match=r"case\.message_empty"):
        bus.handle(c.PostMessage(by=lead, case_id=case_id, text="   "))
    with bus.uow() as uow:
        events = uow.cases.events(case_id)
    posted = [(e.department, e.text) for e in events if type(e).__name__ == "MessagePosted"]
    assert posted == [(lead, "今晚 20:00 联合检查，请派出所到场"), (CENTRE, "已告知诉求人")]
    assert record(bus, case_id).state.value == "dispatched"  # a message changes no state
    # each message is told to every active member and the centre (never to who wrote it), through the
    # outbox in the transaction of the event; the relay publishes it on <prefix>.notice.<department>
    members = [code for code, m in record(bus, case_id).team.items() if m.active]
    with bus.uow() as uow:
        told = [(n.department, n.subject_id) for _, n in uow.outbox.pending_notices(1000)
                if n.event_type == "MessagePosted"]
        centre_sees = [n.event_type for n in uow.instrument_reads.notices(CENTRE)]
    first = {d for d in members if d != lead} | {CENTRE}
    second = set(members)
    assert sorted(told) == sorted([(d, case_id) for d in first] + [(d, case_id) for d in second])
    assert centre_sees == ["MessagePosted"]  # its own message is not told back to it
    # shown on the lead's 待办 page with what it says, the centre's message counts as read there
    work = Work(bus.uow, CALENDAR, CATALOGUE.matters)
    (told,) = [x for x in work.case_notices(lead) if x.notice.event_type == "MessagePosted"]
    version = record(bus, case_id).version
    assert (told.text, told.version, told.number) == ("已告知诉求人", version, told.number)
    with bus.uow() as uow:
        assert uow.case_reads.read_marks(case_id).get(lead, (0,))[0] < version
    assert work.delivered(lead, [told], START) == 1
    with bus.uow() as uow:
        assert uow.case_reads.read_marks(case_id)[lead][0] == version
    assert work.delivered("320500-gov", [told], START) == 0  # not on the team: no mark


def test_a_readable_number_names_the_case_wherever_an_id_does(bus: MessageBus) -> None:
    from liandong.domain.cases.numbers import is_number

    first = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=(STREET,),
                                    description="噪声一")).case_id
    second = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=(OTHER,),
                                     description="噪声二")).case_id
    elsewhere = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320506003",),
                                        description="苏州的噪声")).case_id
    with bus.uow() as uow:
        numbers = [uow.case_reads.number_of(x) for x in (first, second, elsewhere)]
    assert numbers == ["320200-20260302-0001", "320200-20260302-0002", "320500-20260302-0001"]
    assert all(is_number(n) for n in numbers) and not is_number(first)
    result = bus.handle(c.DispatchCase(by=CENTRE, case_id=numbers[1]))  # a command names it by number
    assert result.case_id == second
    with bus.uow() as uow:
        case = uow.case_reads.get(numbers[1])
        assert case is not None and case.id == second and case.record.state.value == "dispatched"
        assert uow.case_reads.events(numbers[1]) == uow.case_reads.events(second)
        (row,) = [w for w in uow.duties.waiting_on(case.record.lead) if w.duty.subject_id == second]
    assert row.number == numbers[1]
