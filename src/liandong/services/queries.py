"""The read side of cases: what a person may read, with the visibility rule applied once for every edge
(REST, the workbench, the CLI). A case out of sight is refused exactly as a case that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from liandong.domain.access import Principal, can_see, check_command
from liandong.domain.cases.case import Case
from liandong.domain.cases.events import Event
from liandong.domain.cases.record import CaseRecord
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex
from liandong.services.ports import UnitOfWork


@dataclass(frozen=True)
class CaseRead:
    """A case as its reader sees it: the record, the shared record of events, who has read how far."""

    record: CaseRecord
    events: list[Event]
    reads: dict[str, tuple[int, datetime]]
    checkpointed: bool  # a receipt can be issued (the log has a checkpoint)


@dataclass(frozen=True)
class CaseQueries:
    uow: Callable[[], UnitOfWork]
    hierarchy: HierarchyIndex

    def sees(self, user: Principal, record: CaseRecord, *, summoned: bool = False) -> bool:
        """The visibility rule (``access.can_see``); ``summoned``: a department summoned to the case
        (吹哨) may also read it before it joins the team."""
        summons = summoned and (user.department or "") in record.summons
        return summons or can_see(user, record, self.hierarchy)

    def case(self, user: Principal, case_id: str, *, summoned: bool = False) -> Case:
        """The case, if the user may see it; else refused as unknown."""
        with self.uow() as uow:
            case = uow.cases.get(case_id)
        if case is None or not self.sees(user, case.record, summoned=summoned):
            raise DomainError("case.unknown", case_id=case_id)
        return case

    def read(self, user: Principal, case_id: str, *, summoned: bool = False,
             mark_read_at: datetime | None = None) -> CaseRead:
        """The case with its events and read marks. With ``mark_read_at``, a member of the team (or
        its dispatcher) is recorded as having read the latest version (信息对称)."""
        with self.uow() as uow:
            case = uow.cases.get(case_id)
            if case is None or not self.sees(user, case.record, summoned=summoned):
                raise DomainError("case.unknown", case_id=case_id)
            department = user.department
            if mark_read_at is not None and department and (
                    department in case.record.team or department == case.record.dispatcher):
                uow.cases.mark_read(case_id, department, case.version, mark_read_at)
                uow.commit()
            return CaseRead(case.record, uow.cases.events(case_id), uow.cases.read_marks(case_id),
                            uow.ledger.size() > 0 and bool(uow.ledger.checkpoints()))

    def actor(self, user: Principal, case_id: str, command: str) -> str:
        """The user's department for ``command`` on a case, once the user holds a role for it and may
        see the case (a summoned department may answer although it is not on the team yet)."""
        department = check_command(user, command)
        self.case(user, case_id, summoned=True)
        return department
