"""A hypothesis state machine over random command sequences on the in-memory platform.

Invariants: exactly one lead on every dispatched open case; deadlines never move earlier; the
version equals the number of stored events; replaying the stored events gives the live state;
every change of state is carried by exactly one state-changing event; a refusal changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from liandong.adapters.memory import MemoryUnitOfWork
from liandong.domain.cases import commands as c
from liandong.domain.cases.record import CaseRecord, apply
from liandong.domain.cases.states import CaseState
from liandong.domain.errors import DomainError
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from tests.factories.cases import CENTRE
from tests.factories.worlds import case_rules

RULES = case_rules()  # over 江苏: every place of the machine lies in the province
PLACES = ["320213001", "320213015", "320214001", "320206001", "320506003"]
MATTERS = [("social_life_noise", "routine"), ("production_accident", "IV"),
           ("production_accident", "II"), ("water_outage", "routine"), ("neighbour_dispute", "routine")]


class CaseMachine(RuleBasedStateMachine):
    cases = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        self.uow = MemoryUnitOfWork()
        self.clock = ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
        counter = iter(range(1, 1_000_000))
        self.bus = MessageBus(uow=lambda: self.uow, rules=RULES, clock=self.clock,
                              new_id=lambda: f"C{next(counter)}")
        self.dues: dict[str, datetime] = {}

    def record(self, case_id: str) -> CaseRecord:
        return self.uow.cases.records[case_id]

    def attempt(self, command: c.Command, case_id: str | None = None) -> None:
        before = None if case_id is None else (self.record(case_id).version,
                                               len(self.uow.cases.streams[case_id]))
        try:
            self.bus.handle(command)
        except DomainError:
            if case_id is not None:  # a refusal changes nothing
                assert before == (self.record(case_id).version, len(self.uow.cases.streams[case_id]))

    @rule(target=cases, matter=st.sampled_from(MATTERS),
          places=st.lists(st.sampled_from(PLACES), min_size=1, max_size=2, unique=True))
    def report(self, matter: tuple[str, str], places: list[str]) -> str:
        return self.bus.handle(c.ReportCase(by="reporter", matter=matter[0], severity=matter[1],
                                            affected=tuple(places), description="诉求")).case_id

    @rule(case=cases)
    def dispatch(self, case: str) -> None:
        self.attempt(c.DispatchCase(by=CENTRE, case_id=case), case)

    @rule(case=cases, as_lead=st.booleans())
    def acknowledge(self, case: str, as_lead: bool) -> None:
        by = self.record(case).lead if as_lead else "320213-gov"
        self.attempt(c.AcknowledgeCase(by=by or "x", case_id=case), case)

    @rule(case=cases)
    def start(self, case: str) -> None:
        self.attempt(c.StartHandling(by=self.record(case).lead or "x", case_id=case), case)

    @rule(case=cases, disputed=st.booleans())
    def return_case(self, case: str, disputed: bool) -> None:
        self.attempt(c.ReturnCase(by=self.record(case).lead or "x", case_id=case, reason="非本单位职责",
                                  category="not_our_duty", disputed=disputed), case)

    @rule(case=cases)
    def decide_return(self, case: str) -> None:
        pending = self.record(case).pending_return
        by = pending.decider if pending else CENTRE
        self.attempt(c.DecideReturn(by=by, case_id=case, decision="uphold"), case)

    @rule(case=cases)
    def redispatch(self, case: str) -> None:
        self.attempt(c.RedispatchCase(by=CENTRE, case_id=case, lead="320213-public_security"), case)

    @rule(case=cases, days=st.integers(1, 10))
    def extension(self, case: str, days: int) -> None:
        r = self.record(case)
        if r.due is not None:
            self.attempt(c.RequestExtension(by=r.lead or "x", case_id=case,
                                            until=r.due + timedelta(days=days), reason="需协调"), case)
        pending = self.record(case).pending_extension
        if pending is not None:
            self.attempt(c.DecideExtension(by=pending.approver, case_id=case, approve=days % 2 == 0), case)

    @rule(case=cases)
    def escalate(self, case: str) -> None:
        self.attempt(c.EscalateCase(by=self.record(case).lead or "x", case_id=case, reason="超出权限"), case)

    @rule(case=cases)
    def summon_and_answer(self, case: str) -> None:
        r = self.record(case)
        street = f"{r.affected[0]}-gov"
        county = r.affected[0][:6]
        self.attempt(c.SummonDepartments(by=street, case_id=case,
                                         departments=(f"{county}-market_regulation",)), case)
        self.attempt(c.AnswerSummons(by=f"{county}-market_regulation", case_id=case), case)

    @rule(case=cases)
    def assists_and_resolve(self, case: str) -> None:
        for assist in self.record(case).pending_assists():
            self.attempt(c.ReportAssist(by=assist, case_id=case, summary="已落实"), case)
        self.attempt(c.ResolveCase(by=self.record(case).lead or "x", case_id=case, summary="已办结"), case)

    @rule(case=cases, rating=st.sampled_from(["satisfied", "basically_satisfied", "unsatisfied"]),
          fault=st.booleans())
    def follow_up(self, case: str, rating: str, fault: bool) -> None:
        self.attempt(c.FollowUpCase(by=CENTRE, case_id=case, rating=rating, handler_at_fault=fault), case)

    @rule(case=cases)
    def close(self, case: str) -> None:
        self.attempt(c.CloseCase(by=CENTRE, case_id=case), case)

    @rule(case=cases, other=cases)
    def merge(self, case: str, other: str) -> None:
        self.attempt(c.MergeCase(by=CENTRE, case_id=case, into=other), case)

    @rule(case=cases, place=st.sampled_from(PLACES))
    def widen(self, case: str, place: str) -> None:
        self.attempt(c.WidenScope(by=CENTRE, case_id=case, added=(place,)), case)

    @rule(case=cases, heat=st.integers(0, 100))
    def heat(self, case: str, heat: int) -> None:
        self.attempt(c.SetHeat(by=CENTRE, case_id=case, heat=heat), case)

    @rule(hours=st.integers(1, 24 * 12))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(timedelta(hours=hours))
        self.bus.sweep()

    @invariant()
    def one_lead_and_deadlines_never_earlier(self) -> None:
        for case_id, r in self.uow.cases.records.items():
            if r.state.is_open and r.state is not CaseState.RECEIVED:
                assert len(r.leads()) == 1, (case_id, r.team)
            if r.due is not None:
                previous = self.dues.get(case_id)
                assert previous is None or r.due >= previous, (case_id, previous, r.due)
                self.dues[case_id] = r.due

    @invariant()
    def replay_matches_and_every_state_change_has_one_event(self) -> None:
        for case_id, live in self.uow.cases.records.items():
            stream = self.uow.cases.streams[case_id]
            assert live.version == len(stream)
            replayed = CaseRecord(case_id)
            for event in stream:
                before = replayed.state
                apply(replayed, event)
                if replayed.state is not before:
                    assert type(event).state_change, type(event).__name__
            assert (replayed.state, replayed.lead, replayed.due, replayed.owner) == (
                live.state, live.lead, live.due, live.owner)
            assert {k: m.role for k, m in replayed.team.items()} == {k: m.role for k, m in live.team.items()}


TestCaseMachine = CaseMachine.TestCase
TestCaseMachine.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
