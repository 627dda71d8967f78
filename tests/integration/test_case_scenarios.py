"""The closed loop, scenario by scenario, on memory, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Role, Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.errors import DomainError
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork

H = national_hierarchy()
RULES = Rules(Router(H, default_catalogue()), ChineseWorkCalendar(), CasePolicy())
A, B, COUNTY = "320213001", "320213015", "320213"  # two streets of 梁溪区, 无锡
CENTRE = "320200-gov"  # the 12345 centre of 无锡 dispatches
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai


@pytest.fixture
def bus(uow_factory: Callable[[], UnitOfWork]) -> MessageBus:
    counter = iter(range(1, 10_000))
    return MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(START),
                      new_id=lambda: f"C{next(counter):06d}")


def clock(bus: MessageBus) -> ManualClock:
    assert isinstance(bus.clock, ManualClock)
    return bus.clock


def report(bus: MessageBus, *affected: str, matter: str = "social_life_noise",
           severity: str = "routine", key: str = "") -> str:
    return bus.handle(c.ReportCase(by="reporter", matter=matter, severity=severity,
                                   affected=affected, description="夜间广场舞音响扰民，持续到23点",
                                   reporter_name="张三", reporter_phone="13812345678",
                                   idempotency_key=key)).case_id


def case_of(bus: MessageBus, case_id: str):
    with bus.uow() as uow:
        case = uow.cases.get(case_id)
        assert case is not None
        return case.record


def report_assists(bus: MessageBus, case_id: str) -> None:
    for assist in case_of(bus, case_id).pending_assists():
        bus.handle(c.ReportAssist(by=assist, case_id=case_id, summary="已落实"))


def resolved(bus: MessageBus) -> tuple[str, str]:
    """A case of street A dispatched by the centre and resolved by its lead: (case id, lead)."""
    cid = report(bus, A)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    lead = case_of(bus, cid).lead
    bus.handle(c.AcknowledgeCase(by=lead, case_id=cid))
    report_assists(bus, cid)
    bus.handle(c.ResolveCase(by=lead, case_id=cid, summary="已处理"))
    return cid, lead


def types(bus: MessageBus, case_id: str) -> list[str]:
    with bus.uow() as uow:
        return [type(e).__name__ for e in uow.cases.events(case_id)]


def test_a_cross_boundary_case_from_report_to_archive(bus: MessageBus) -> None:
    cid = report(bus, A, B)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    r = case_of(bus, cid)
    lead = f"{COUNTY}-urban_management"
    assert (r.owner, r.lead, r.state.value) == (COUNTY, lead, "dispatched")
    assert r.members(Role.ASSIST) == [f"{A}-urban_management", f"{B}-urban_management",
                                      f"{COUNTY}-public_security", f"{COUNTY}-eco_environment"]
    assert r.ack_due == START + timedelta(hours=2)
    assert r.due is not None and r.due.astimezone(UTC) == datetime(2026, 3, 11, 9, 30, tzinfo=UTC)
    bus.handle(c.AcknowledgeCase(by=lead, case_id=cid, expected_version=r.version))
    clock(bus).advance(timedelta(hours=1))
    bus.handle(c.StartHandling(by=lead, case_id=cid))
    bus.handle(c.SummonDepartments(by=f"{A}-gov", case_id=cid, departments=(f"{COUNTY}-market_regulation",)))
    clock(bus).advance(timedelta(minutes=20))
    bus.handle(c.AnswerSummons(by=f"{COUNTY}-market_regulation", case_id=cid, mode="on_site"))
    bus.handle(c.RateSummoned(by=f"{A}-gov", case_id=cid, department=f"{COUNTY}-market_regulation", score=5))
    with pytest.raises(DomainError, match=r"case\.assists_pending"):
        bus.handle(c.ResolveCase(by=lead, case_id=cid, summary="已协调"))
    for assist in case_of(bus, cid).members(Role.ASSIST):
        bus.handle(c.ReportAssist(by=assist, case_id=cid, summary="已落实"))
    bus.handle(c.ResolveCase(by=lead, case_id=cid, summary="已劝导并调整活动时间", public_note="已处理"))
    bus.handle(c.FollowUpCase(by=CENTRE, case_id=cid, rating="satisfied"))
    bus.handle(c.CloseCase(by=CENTRE, case_id=cid))
    r = case_of(bus, cid)
    assert r.state.value == "closed"
    assert r.summons[f"{COUNTY}-market_regulation"].on_time is True
    assert r.summons[f"{COUNTY}-market_regulation"].score == 5
    assert r.team[f"{COUNTY}-market_regulation"].role is Role.SUMMONED
    assert types(bus, cid) == [
        "CaseReported", "CaseRouted", "CaseDispatched", "CaseAcknowledged", "HandlingStarted",
        "SummonsIssued", "SummonsAnswered", "SummonedRated", "AssistReported", "AssistReported",
        "AssistReported", "AssistReported", "CaseResolved", "CaseFollowedUp", "CaseClosed"]
    with bus.uow() as uow:
        assert [s.case_id for s in uow.case_reads.inbox(lead)] == []  # closed cases leave the inbox
        closed = uow.case_reads.inbox(lead, open_only=False)
        assert [(s.case_id, s.source) for s in closed] == [(cid, "citizen")]


def test_illegal_transitions_name_the_state_and_the_allowed_actions(bus: MessageBus) -> None:
    cid = report(bus, A)
    with pytest.raises(DomainError) as info:
        bus.handle(c.ResolveCase(by=f"{A}-urban_management", case_id=cid, summary="x"))
    assert info.value.code == "case.illegal_transition"
    assert info.value.params["state"] == "received" and "dispatch" in info.value.params["allowed"]
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    with pytest.raises(DomainError, match=r"case\.not_allowed_actor"):
        bus.handle(c.AcknowledgeCase(by=f"{B}-urban_management", case_id=cid))
    with pytest.raises(DomainError, match=r"case\.unknown"):
        bus.handle(c.AcknowledgeCase(by=CENTRE, case_id="nope"))


def test_stale_version_is_a_conflict_and_nothing_is_lost(bus: MessageBus) -> None:
    cid = report(bus, A)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    seen = case_of(bus, cid).version
    lead = case_of(bus, cid).lead
    bus.handle(c.AcknowledgeCase(by=lead, case_id=cid, expected_version=seen))
    with pytest.raises(DomainError, match=r"case\.conflict"):
        bus.handle(c.StartHandling(by=lead, case_id=cid, expected_version=seen))
    assert case_of(bus, cid).state.value == "acknowledged"
    assert len(types(bus, cid)) == case_of(bus, cid).version


def test_idempotent_intake(bus: MessageBus) -> None:
    first = report(bus, A, key="k-1")
    again = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=(A,),
                                    description="夜间广场舞音响扰民，持续到23点", reporter_name="张三",
                                    reporter_phone="13812345678", idempotency_key="k-1"))
    assert again.case_id == first and again.duplicate and again.events == []
    with pytest.raises(DomainError, match=r"case\.idempotency_mismatch"):
        report(bus, B, key="k-1")


def test_return_disputed_goes_to_the_level_above(bus: MessageBus) -> None:
    cid = report(bus, A, B)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    lead = case_of(bus, cid).lead
    bus.handle(c.ReturnCase(by=lead, case_id=cid, reason="不属于本单位职责", disputed=True,
                            category="not_our_duty"))
    r = case_of(bus, cid)
    assert r.state.value == "returned" and r.pending_return is not None
    assert r.pending_return.decider == "320200-gov" and r.bounces == 1
    with pytest.raises(DomainError, match=r"case\.not_allowed_actor"):
        bus.handle(c.DecideReturn(by=lead, case_id=cid, decision="uphold"))
    bus.handle(c.DecideReturn(by="320200-gov", case_id=cid, decision="reassign",
                              lead=f"{COUNTY}-public_security"))
    r = case_of(bus, cid)
    assert (r.state.value, r.lead) == ("dispatched", f"{COUNTY}-public_security")
    assert r.team[lead].role is Role.ASSIST


def test_return_after_one_working_day_is_refused(bus: MessageBus) -> None:
    cid = report(bus, A)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    clock(bus).advance(timedelta(days=2))
    with pytest.raises(DomainError, match=r"case\.return_too_late"):
        bus.handle(c.ReturnCase(by=case_of(bus, cid).lead, case_id=cid, reason="x",
                                category="wrong_area"))


def test_redispatch_by_the_dispatcher(bus: MessageBus) -> None:
    cid = report(bus, A)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    bus.handle(c.RedispatchCase(by=CENTRE, case_id=cid, lead=f"{A}-public_security", reason="治安"))
    r = case_of(bus, cid)
    assert r.lead == f"{A}-public_security" and r.bounces == 1
    with pytest.raises(DomainError, match=r"department\.unknown"):
        bus.handle(c.RedispatchCase(by=CENTRE, case_id=cid, lead=f"{A}-eco_environment"))


def test_follow_up_and_archive_belong_to_the_centre_that_dispatched(bus: MessageBus) -> None:
    cid, lead = resolved(bus)
    other_centre = "320100-gov"  # 南京's centre holds the dispatcher role too, but not this case
    for step in (c.FollowUpCase(by=other_centre, case_id=cid, rating="satisfied"),
                 c.FollowUpCase(by=lead, case_id=cid, rating="satisfied")):
        with pytest.raises(DomainError, match=r"case\.not_allowed_actor") as refused:
            bus.handle(step)
        assert refused.value.params["allowed"] == f"{CENTRE}、reporter"
    bus.handle(c.FollowUpCase(by="reporter", case_id=cid, rating="satisfied"))  # the reporter rates it
    with pytest.raises(DomainError, match=r"case\.not_allowed_actor"):
        bus.handle(c.CloseCase(by=other_centre, case_id=cid))
    assert case_of(bus, cid).state.value == "followed_up"  # nothing of the refusals was stored
    bus.handle(c.CloseCase(by=CENTRE, case_id=cid))
    assert case_of(bus, cid).state.value == "closed"


def test_extension_is_approved_by_the_supervising_level(bus: MessageBus) -> None:
    cid = report(bus, A)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    r = case_of(bus, cid)
    lead, due = r.lead, r.due
    assert due is not None
    bus.handle(c.AcknowledgeCase(by=lead, case_id=cid))
    with pytest.raises(DomainError, match=r"case\.extension_not_later"):
        bus.handle(c.RequestExtension(by=lead, case_id=cid, until=due - timedelta(days=1), reason="x"))
    bus.handle(c.RequestExtension(by=lead, case_id=cid, until=due + timedelta(days=5), reason="需第三方检测"))
    approver = case_of(bus, cid).pending_extension.approver  # type: ignore[union-attr]
    assert approver == f"{COUNTY}-urban_management"
    bus.handle(c.DecideExtension(by=approver, case_id=cid, approve=True))
    assert case_of(bus, cid).due == due + timedelta(days=5)


def test_a_resource_request_goes_above_and_is_decided_there(bus: MessageBus) -> None:
    cid = report(bus, A)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    lead = case_of(bus, cid).lead
    bus.handle(c.AcknowledgeCase(by=lead, case_id=cid))
    with pytest.raises(DomainError, match=r"case\.resource_required"):
        bus.handle(c.RequestResource(by=lead, case_id=cid, resource="  "))
    with pytest.raises(DomainError, match=r"case\.resource_not_above"):  # a sibling street is not above
        bus.handle(c.RequestResource(by=lead, case_id=cid, resource="噪声检测车", approver=f"{B}-gov"))
    with pytest.raises(DomainError, match=r"case\.not_allowed_actor"):
        bus.handle(c.RequestResource(by=CENTRE, case_id=cid, resource="噪声检测车"))
    bus.handle(c.RequestResource(by=lead, case_id=cid, resource="噪声检测车", reason="街道无检测设备",
                                 approver="320200-gov"))
    pending = case_of(bus, cid).pending_resource
    assert pending is not None and pending.approver == "320200-gov" and pending.resource == "噪声检测车"
    with pytest.raises(DomainError, match=r"case\.resource_pending"):
        bus.handle(c.RequestResource(by=lead, case_id=cid, resource="人员"))
    with pytest.raises(DomainError, match=r"case\.not_allowed_actor"):
        bus.handle(c.DecideResource(by=f"{COUNTY}-gov", case_id=cid, approve=True))
    clock(bus).advance(timedelta(days=5))
    bus.handle(c.DecideResource(by="320200-gov", case_id=cid, approve=True, reason="调派市级检测车"))
    assert case_of(bus, cid).pending_resource is None
    assert types(bus, cid)[-2:] == ["ResourceRequested", "ResourceDecided"]
    with pytest.raises(DomainError, match=r"case\.no_resource_pending"):
        bus.handle(c.DecideResource(by="320200-gov", case_id=cid, approve=False))


def test_escalation_on_request_raises_the_owner(bus: MessageBus) -> None:
    cid = report(bus, A)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    old = case_of(bus, cid).lead
    bus.handle(c.AcknowledgeCase(by=old, case_id=cid))
    bus.handle(c.EscalateCase(by=old, case_id=cid, reason="超出街道执法权限"))
    r = case_of(bus, cid)
    assert (r.owner, r.lead, r.state.value) == (COUNTY, f"{COUNTY}-urban_management", "dispatched")
    assert r.team[old].role is Role.ASSIST and r.escalations == 1


def test_the_breach_chain_reminds_urges_supervises_escalates_and_criticises(bus: MessageBus) -> None:
    cid = report(bus, A)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    r = case_of(bus, cid)
    lead = r.lead
    bus.handle(c.AcknowledgeCase(by=lead, case_id=cid))
    assert r.due is not None and r.dispatched_at is not None
    span = r.due - r.dispatched_at
    clock(bus).set(r.due - span * 0.1)
    assert bus.sweep() == 1
    clock(bus).set(r.due + timedelta(minutes=1))
    bus.sweep()
    clock(bus).set(r.due + span * 0.6)
    bus.sweep()
    assert case_of(bus, cid).members(Role.SUPERVISE) == [f"{COUNTY}-urban_management"]
    clock(bus).set(r.due + span * 1.1)
    bus.sweep()
    after = case_of(bus, cid)
    assert after.owner == COUNTY and after.lead == f"{COUNTY}-urban_management"
    assert types(bus, cid)[4:] == ["ReminderSent", "CaseUrged", "SupervisionStarted", "CaseEscalated",
                                   "CaseRouted", "CriticismRecorded"]
    assert bus.sweep() == 0  # nothing more is due right now


def test_unsatisfied_rating_for_the_handlers_cause_reopens_under_supervision(bus: MessageBus) -> None:
    cid, _ = resolved(bus)
    bus.handle(c.FollowUpCase(by=CENTRE, case_id=cid, solved=False, rating="unsatisfied",
                              handler_at_fault=True))
    r = case_of(bus, cid)
    assert r.state.value == "in_progress" and r.redo_count == 1
    assert f"{COUNTY}-urban_management" in r.members(Role.SUPERVISE)


def test_merge_keeps_both_reporters_informed(bus: MessageBus) -> None:
    first, second = report(bus, A), report(bus, A)
    bus.handle(c.MergeCase(by=CENTRE, case_id=second, into=first))
    assert case_of(bus, second).state.value == "merged"
    assert case_of(bus, first).duplicates == (second,)
    assert types(bus, first)[-1] == "DuplicateAbsorbed"


def test_widening_the_scope_reroutes_and_widens_the_team(bus: MessageBus) -> None:
    cid = report(bus, A)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    bus.handle(c.WidenScope(by=CENTRE, case_id=cid, added=(B,)))
    r = case_of(bus, cid)
    assert r.owner == COUNTY and r.lead == f"{COUNTY}-urban_management"
    assert f"{B}-urban_management" in r.members(Role.ASSIST)


def test_public_opinion_heat_brings_the_level_above(bus: MessageBus) -> None:
    cid = report(bus, A)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    bus.handle(c.SetHeat(by=CENTRE, case_id=cid, heat=90))
    assert f"{COUNTY}-urban_management" in case_of(bus, cid).members(Role.SUPERVISE)


def test_outbox_delivers_each_event_once(bus: MessageBus) -> None:
    cid = report(bus, A)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    with bus.uow() as uow:
        pending = uow.outbox.pending_events()
        assert [type(s.event).__name__ for s in pending] == ["CaseReported", "CaseRouted", "CaseDispatched"]
        uow.outbox.mark_events_delivered([s.seq for s in pending])
        uow.commit()
    with bus.uow() as uow:
        assert uow.outbox.pending_events() == []


def test_group_commit_lands_the_good_and_refuses_the_bad_alone(bus: MessageBus) -> None:
    first, second = report(bus, A), report(bus, B)
    results = bus.handle_batch([
        c.DispatchCase(by=CENTRE, case_id=first),
        c.AcknowledgeCase(by=CENTRE, case_id=second),  # refused: not dispatched yet
        c.DispatchCase(by=CENTRE, case_id=second),
        c.ReportCase(by="reporter", matter="social_life_noise", affected=(A,), description="又一件"),
    ])
    assert [type(r).__name__ for r in results] == ["Result", "DomainError", "Result", "Result"]
    assert case_of(bus, first).state.value == case_of(bus, second).state.value == "dispatched"
    assert types(bus, second) == ["CaseReported", "CaseRouted", "CaseDispatched"]
    third = results[3]
    assert not isinstance(third, DomainError)
    assert case_of(bus, third.case_id).state.value == "received"


def test_pause_shelve_and_a_refused_extension(bus: MessageBus) -> None:
    cid = report(bus, A)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    r = case_of(bus, cid)
    lead, due = r.lead, r.due
    assert due is not None
    bus.handle(c.AcknowledgeCase(by=lead, case_id=cid))
    bus.handle(c.PauseCase(by=lead, case_id=cid, reason="等待诉求人补充材料"))
    clock(bus).advance(timedelta(hours=5))
    assert bus.sweep(horizon=timedelta(days=30)) == 0  # no chain while the clock is stopped
    bus.handle(c.UnpauseCase(by=lead, case_id=cid))
    assert case_of(bus, cid).due == due + timedelta(hours=5)
    due = case_of(bus, cid).due
    assert due is not None
    bus.handle(c.RequestExtension(by=lead, case_id=cid, until=due + timedelta(days=3), reason="需检测"))
    approver = case_of(bus, cid).pending_extension.approver  # type: ignore[union-attr]
    bus.handle(c.DecideExtension(by=approver, case_id=cid, approve=False, reason="理由不充分"))
    assert case_of(bus, cid).due == due
    with pytest.raises(DomainError, match=r"case\.shelve_date_past"):
        bus.handle(c.ShelveCase(by=lead, case_id=cid, until=due - timedelta(days=1), reason="x"))
    bus.handle(c.ShelveCase(by=lead, case_id=cid, until=due + timedelta(days=90), reason="列入改造计划"))
    assert case_of(bus, cid).state.value == "shelved"
    bus.handle(c.ResumeCase(by=lead, case_id=cid))
    r = case_of(bus, cid)
    assert (r.state.value, r.due) == ("in_progress", due + timedelta(days=90))


def test_read_marks_move_forward_only(bus: MessageBus) -> None:
    """Who on the team has read the case up to which version (information symmetry)."""
    case_id = report(bus, A)
    later = START + timedelta(minutes=5)
    with bus.uow() as uow:
        assert uow.case_reads.read_marks(case_id) == {}
        uow.cases.mark_read(case_id, "320213-urban_management", 3, START)
        uow.cases.mark_read(case_id, "320213-urban_management", 2, later)  # older: ignored
        uow.cases.mark_read(case_id, CENTRE, 1, later)
        uow.commit()
    with bus.uow() as uow:
        marks = uow.case_reads.read_marks(case_id)
    assert marks["320213-urban_management"][0] == 3 and marks["320213-urban_management"][1] == START
    assert marks[CENTRE] == (1, later)
    with bus.uow() as uow:
        uow.cases.mark_read(case_id, CENTRE, 4, later + timedelta(minutes=1))
        uow.commit()
    with bus.uow() as uow:
        assert uow.case_reads.read_marks(case_id)[CENTRE][0] == 4


def test_cases_by_state_oldest_first(bus: MessageBus) -> None:
    first = report(bus, A)
    clock(bus).advance(timedelta(minutes=1))
    second = report(bus, B)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=first))
    with bus.uow() as uow:
        assert uow.case_reads.in_states(("received",)) == [second]
        assert uow.case_reads.in_states(("received", "dispatched")) == [first, second]
        assert uow.case_reads.in_states(("closed",)) == []
