"""待办: what waits on whom. Every pending duty of a case or an instrument — lead and assist work,
summons to answer, decisions to take, ratings to give, 回访 due, responses to instruments — as a
pure function of the record, so the same rows feed the web, the API and the CLI, and the stores
keep them as an index (one row per duty, ordered by deadline) in the transaction of the events.
The shape is ``duty_model``; a case's duties are ``cases.waiting``; an instrument's are here."""

from __future__ import annotations

from datetime import datetime, timedelta

from liandong.domain.cases.waiting import case_duties, waits_on
from liandong.domain.duty_model import CASE, INSTRUMENT, Duty, DutyKind, once
from liandong.domain.instruments.kinds import READ_BY_LIMIT, Kind, Step
from liandong.domain.instruments.record import InstrumentRecord

__all__ = ["CASE", "INSTRUMENT", "Duty", "DutyKind", "case_duties", "instrument_duties", "waits_on"]


def instrument_duties(r: InstrumentRecord) -> list[Duty]:
    """What an open instrument waits for: responses, reads within a limit, progress reports,
    attendance, tasks to complete and to verify, and the decision on a resource request."""
    if not r.is_open or r.issued_at is None:
        return []
    found: list[Duty] = []
    steps, issued = r.spec.steps, r.issued_at

    def add(department: str, kind: DutyKind, since: datetime, due: datetime | None, ref: str = "") -> None:
        if department:
            found.append(Duty(INSTRUMENT, r.id, department, kind, since, due, ref))

    for code in r.addressees:
        if r.kind is Kind.DIRECTIVE and code not in r.responses:
            add(code, DutyKind.RESPOND, issued, r.due)
        if r.kind in READ_BY_LIMIT and r.read_limit_hours and code not in r.reads:
            add(code, DutyKind.READ, issued, issued + timedelta(hours=r.read_limit_hours))
        if Step.ATTEND in steps and code not in r.attendance:
            add(code, DutyKind.ATTEND, issued, r.due)
        if r.kind in (Kind.PILOT, Kind.PROJECT) and not any(e.department == code for e in r.reports):
            add(code, DutyKind.REPORT, issued, r.due)
        if r.kind is Kind.RESOURCE and r.decision is None:
            add(code, DutyKind.DECIDE, issued, r.due)
    for task in r.tasks.values():
        if task.done_at is None:
            add(task.owner, DutyKind.COMPLETE_TASK, issued, task.due, task.id)
        elif task.verified is None:
            add(r.issuer, DutyKind.VERIFY_TASK, task.done_at, None, task.id)
    return once(found)
