"""An assessment cycle (考核验收) run on the platform: the issuer's assessment instrument names the
period (its subject, e.g. ``2026-03``) and the departments assessed; publishing it computes their
figures with the KPI engine, reports them into the instrument, and triggers what their classes
call for — an admonitory talk (约谈) assigned to each unit classed 治理类 or 整改, a commendation
(点名表扬) issued for the units classed 先进 — then concludes it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from liandong.assessment.periods import parse_period
from liandong.assessment.rules import AssessmentRules
from liandong.assessment.service import assess
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex
from liandong.domain.instruments.kinds import Kind
from liandong.services import instruments as i
from liandong.services.ports import UnitOfWork

TALK_DAYS = 10


@dataclass(frozen=True)
class Published:
    figures: dict[str, float | None]  # addressee department → composite
    classes: dict[str, str]  # addressee department → class
    talks: list[str]  # departments given an admonitory talk
    commendation: str  # the commendation instrument issued, or ""


def publish(bus: i.InstrumentBus, uow: Callable[[], UnitOfWork], hierarchy: HierarchyIndex,
            instrument_id: str, by: str, now: datetime, rules: AssessmentRules) -> Published:
    with uow() as u:
        found = u.instrument_reads.get(instrument_id)
    if found is None:
        raise DomainError("instrument.not_found", id=instrument_id)
    r = found.record
    if r.kind is not Kind.ASSESSMENT:
        raise DomainError("instrument.no_such_step", kind=r.kind.value, step="publish", allowed="assessment")
    period = parse_period(r.subject or "", rules.period.cutoff_day)
    result = assess(uow, hierarchy, period, now, rules)
    try:
        units = {a: a.rpartition("-")[0] for a in r.addressees}
        groups = {hierarchy.get(u).level for u in units.values() if u in hierarchy}
        if len(groups) != 1:
            raise DomainError("instrument.not_below", addressee="、".join(r.addressees), issuer=r.issuer)
        by_level = {1: "province", 2: "city", 3: "county", 4: "township"}[int(groups.pop())]
        ranked = {row.key: row for row in result.ranking(r.scope, by_level)}
    finally:
        result.close()
    figures = {a: ranked[u].value if u in ranked else None for a, u in units.items()}
    classes = {a: ranked[u].klass if u in ranked else "" for a, u in units.items()}
    lines = [f"{hierarchy.get(units[a]).name}: {'—' if v is None else f'{v:.4f}'} {classes[a]}".strip()
             for a, v in figures.items()]
    text = f"{period.label} 考核结果：" + "；".join(lines)
    bus.handle(i.Report(by=by, instrument_id=instrument_id, text=text,
                        figures=tuple((a, "0" if v is None else f"{v:.4f}") for a, v in figures.items())))
    talks = [a for a, k in classes.items() if k in ("governance", "rectify")]
    for n, dept in enumerate(talks, 1):
        klass = "治理类" if classes[dept] == "governance" else "整改"
        bus.handle(i.AssignTask(by=by, instrument_id=instrument_id, task=f"约谈{n}", owner=dept,
                                title=f"约谈：{period.label} 考核为{klass}",
                                due=now + timedelta(days=TALK_DAYS)))
    praised = [a for a, k in classes.items() if k == "advanced"]
    commendation = ""
    if praised:
        commendation = bus.handle(i.Issue(
            by=by, kind="commendation", title=f"{period.label} 考核先进单位点名表扬", scope=r.scope,
            addressees=tuple(praised), evidence=(instrument_id,))).instrument_id
    if not talks:
        bus.handle(i.Decide(by=by, instrument_id=instrument_id, decision="published",
                            reason=f"{period.label} 考核结果已公布"))
    return Published(figures, classes, talks, commendation)
