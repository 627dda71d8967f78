"""``liandong report`` from the 事实表 (issue 28 point 2): the facts of a period and of the one
before read from the fact rows (``stored.period_facts``, the moment ``service.collect`` takes
them at), not replayed; the attributions (accountability), which read the events, are made only
when a report asks for them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from liandong.assessment.periods import Period
from liandong.assessment.rules import AssessmentRules
from liandong.assessment.service import Assessment, PeriodFacts, collect
from liandong.assessment.stored import period_facts
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex
from liandong.services.ports import UnitOfWork


def assess_rows(uow: Callable[[], UnitOfWork], hierarchy: HierarchyIndex, period: Period, now: datetime,
                rules: AssessmentRules) -> Assessment:
    """As ``service.assess`` (every case, no viewer), the facts from the rows (then refined under the
    fair rules, as ``service.assess`` refines them)."""
    if period.start >= now:
        raise DomainError("assessment.future_period", start=period.first_day.isoformat())

    def one(p: Period) -> PeriodFacts:
        as_of = min(p.end, now)
        return PeriodFacts(p, as_of, period_facts(uow, hierarchy, p.start, as_of, as_of), None,
                           lambda: collect(uow, hierarchy, p, now, rules).attributions).refined(uow, rules)

    return Assessment(hierarchy, rules, one(period), one(period.previous()))
