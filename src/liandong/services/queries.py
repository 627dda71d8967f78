"""The read side of cases: what a person may read, with the visibility rule applied once for every edge
(REST, the workbench, the CLI). A case out of sight is refused exactly as a case that does not exist.

The edges open no unit of work: every read of cases they make is a method here, in a transaction of
its own. The one write is the read mark (已读), in a transaction of its own as well (``mark_read``),
never inside a page's read."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime

from liandong.domain.access import Principal, can_see, check_command
from liandong.domain.cases.case import Case
from liandong.domain.cases.events import Event
from liandong.domain.cases.record import CaseRecord
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex
from liandong.services.accounts import token_digest
from liandong.services.ports import CaseSummary, PublicStepRow, UnitOfWork


@dataclass(frozen=True)
class CaseRead:
    """A case as its reader sees it: the record, the shared record of events, who has read how far."""

    record: CaseRecord
    version: int
    events: list[Event]
    reads: dict[str, tuple[int, datetime]]
    checkpointed: bool  # a receipt can be issued (the log has a checkpoint)


@dataclass(frozen=True)
class CaseQueries:
    """``uow``: the store's units of work (the read mark's own); ``reads``: units that only read the
    primary, without a writer's lock (``Platform.reads``; None: ``uow``)."""

    uow: Callable[[], UnitOfWork]
    hierarchy: HierarchyIndex
    reads: Callable[[], UnitOfWork] | None = None

    def _reading(self) -> UnitOfWork:
        return (self.reads or self.uow)()

    def sees(self, user: Principal, record: CaseRecord, *, summoned: bool = False) -> bool:
        """The visibility rule (``access.can_see``); ``summoned``: a department summoned to the case
        (吹哨) may also read it before it joins the team."""
        summons = summoned and (user.department or "") in record.summons
        return summons or can_see(user, record, self.hierarchy)

    def case(self, user: Principal, case_id: str, *, summoned: bool = False) -> Case:
        """The case, if the user may see it; else refused as unknown."""
        with self._reading() as uow:
            case = uow.case_reads.get(case_id)
        if case is None or not self.sees(user, case.record, summoned=summoned):
            raise DomainError("case.unknown", case_id=case_id)
        return case

    def read(self, user: Principal, case_id: str, *, summoned: bool = False) -> CaseRead:
        """The case with its events and read marks, if the user may see it."""
        with self._reading() as uow:
            case = uow.case_reads.get(case_id)
            if case is None or not self.sees(user, case.record, summoned=summoned):
                raise DomainError("case.unknown", case_id=case_id)
            return CaseRead(case.record, case.version, uow.case_reads.events(case_id),
                            uow.case_reads.read_marks(case_id),
                            uow.ledger.size() > 0 and bool(uow.ledger.checkpoints()))

    def mark_read(self, user: Principal, read: CaseRead, at: datetime) -> CaseRead:
        """已读 (信息对称): a member of the team (or its dispatcher) is recorded as having read the
        version it was shown, in a transaction of its own (the caller runs it on the writer's thread);
        the read comes back with the mark. Anyone else reads without leaving one."""
        department = user.department
        if not department or not (department in read.record.team or department == read.record.dispatcher):
            return read
        with self.uow() as uow:
            uow.cases.mark_read(read.record.id, department, read.version, at)
            uow.commit()
        held = read.reads.get(department)
        if held is not None and held[0] >= read.version:  # an older mark is never moved back
            return read
        return replace(read, reads={**read.reads, department: (read.version, at)})

    def actor(self, user: Principal, case_id: str, command: str) -> str:
        """The user's department for ``command`` on a case, once the user holds a role for it and may
        see the case (a summoned department may answer although it is not on the team yet)."""
        department = check_command(user, command)
        self.case(user, case_id, summoned=True)
        return department

    # -- reads that need no person: the public status, Open311, the inbox, the CLI ---------------------
    def get(self, case_id: str) -> Case | None:
        with self._reading() as uow:
            return uow.case_reads.get(case_id)

    def with_events(self, case_id: str) -> tuple[Case, list[Event]] | None:
        """The case and its shared record of events (None if there is no such case)."""
        with self._reading() as uow:
            case = uow.case_reads.get(case_id)
            return None if case is None else (case, uow.case_reads.events(case_id))

    def listed(self, ids: list[str] | None = None, *, since: datetime | None = None,
               until: datetime | None = None, limit: int = 1000, offset: int = 0,
               matters: Collection[str] | None = None, exclude_matters: Collection[str] = (),
               is_open: bool | None = None, consented: bool = False,
               scope: str | None = None, public: bool = False) -> list[tuple[Case, list[Event]]]:
        """The named cases, or else the latest received (``CaseReads.recent_ids``), each with
        its events; a named case that does not exist is left out."""
        with self._reading() as uow:
            chosen = ids if ids is not None else uow.case_reads.recent_ids(
                since=since, until=until, limit=limit, offset=offset, matters=matters,
                exclude_matters=exclude_matters, is_open=is_open, consented=consented, scope=scope,
                public=public)
            return [(case, uow.case_reads.events(case_id)) for case_id in chosen
                    if (case := uow.case_reads.get(case_id)) is not None]

    def public_steps(self, *, since: datetime, until: datetime, exclude_matters: Collection[str] = (),
                     limit: int = 1000) -> tuple[list[PublicStepRow], dict[str, Case]]:
        """公开进展: the public steps taken in [since, until], oldest first (by time, case, version;
        the first ``limit``), of the cases the public reads list (``listed(public=True,
        exclude_matters=…)``: none the centre withheld, none of a matter never public) however long
        ago they were received; with those cases and no others, read in the same transaction."""
        with self.uow() as uow:
            steps = uow.case_reads.public_steps(since, until, exclude_matters=exclude_matters, limit=limit)
            cases = {case_id: case for case_id in dict.fromkeys(s.case_id for s in steps)
                     if (case := uow.case_reads.get(case_id)) is not None}
            return steps, cases

    def number_of(self, case_id: str) -> str:
        """A case's readable number (案件编号), "" for none."""
        with self._reading() as uow:
            return uow.case_reads.number_of(case_id)

    def tracked(self, code: str) -> str | None:
        """The case a tracking code (normalised) follows, if any."""
        with self._reading() as uow:
            return uow.case_reads.case_for_tracking(token_digest(code))

    def by_idempotency_keys(self, keys: list[str]) -> str | None:
        """The case the first of these idempotency keys (scoped by their owner) took in, if any."""
        with self._reading() as uow:
            return next((found for key in keys if (found := uow.case_reads.by_idempotency_key(key))), None)

    def inbox(self, department: str, *, limit: int = 200) -> list[CaseSummary]:
        with self._reading() as uow:
            return uow.case_reads.inbox(department, limit=limit)

    def in_states(self, states: tuple[str, ...]) -> list[Case]:
        """The cases in these states (the dispatch console's new reports and returns), oldest first."""
        with self._reading() as uow:
            return [case for case_id in uow.case_reads.in_states(states)
                    if (case := uow.case_reads.get(case_id)) is not None]

    def any_case(self) -> bool:
        with self._reading() as uow:
            return bool(uow.case_reads.recent_ids(limit=1))
