"""Who sees a case by its record alone (decision 0045, issue 28 point 2): the departments on its
team (active or not), its dispatcher and those something of it waits on — exactly the staff that
``access.can_see`` lets in before its oversight branch. Kept on each fact row, so that a
department's dashboard is decided on the rows (the oversight branch reads the row's places and
owner) instead of replaying every case of the scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from liandong.assessment import fair_facts
from liandong.assessment.fact_rows import row_after
from liandong.domain.access import OVERSIGHT, Principal
from liandong.domain.cases import events as ev
from liandong.domain.cases.record import CaseRecord, apply
from liandong.domain.cases.waiting import case_duties
from liandong.domain.duty_model import Duty
from liandong.domain.hierarchy import HierarchyIndex
from liandong.services.ports import FactRow


def viewers_of(r: CaseRecord, duties: Sequence[Duty] | None = None) -> str:
    """``duties``: the record's, when the caller has them already (the case store's save)."""
    found = {*r.team, r.dispatcher, *(d.department for d in (case_duties(r) if duties is None else duties))}
    found.discard("")
    return "|".join(sorted(found))


def with_viewers(row: FactRow, r: CaseRecord, duties: Sequence[Duty] | None = None) -> FactRow:
    return replace(row, viewers=viewers_of(r, duties))


def rows_with_viewers(case_id: str, events: Sequence[ev.Event]) -> list[FactRow]:
    """``fact_rows.rows_of_stream`` with the viewers of each version (a rebuild from the log; the
    accumulators carried from row to row, not parsed back from each body)."""
    record = CaseRecord(case_id)
    rows: list[FactRow] = []
    acc: dict[str, Any] | None = None
    fair: dict[str, Any] | None = fair_facts.empty()
    for e in events:
        apply(record, e)
        row, acc, fair = row_after(case_id, acc, record, [e], fair)
        rows.append(with_viewers(row, record))
    return rows


def sees(principal: Principal, row: FactRow, record: CaseRecord, hierarchy: HierarchyIndex) -> bool | None:
    """``can_see(principal, record at the row)`` decided on the row (its viewers, places and owner);
    None where it cannot be (a citizen, a row without viewers)."""
    if principal.is_citizen or row.viewers is None:
        return None
    if principal.department and principal.department in row.viewers.split("|"):
        return True
    mine = principal.jurisdiction
    if principal.roles & OVERSIGHT and mine is not None:
        places = (*record.affected, record.owner) if record.owner else record.affected
        return any(hierarchy.is_ancestor(mine, code) for code in places)
    return False
