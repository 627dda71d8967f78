"""What a case consults besides its own record: the routing, the working calendar and the policy
of the escalation chain (提醒, 督办, 提级), with overrides by matter and severity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from liandong.domain.cases.routing import Router
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.domain.responsibility import MatterType, Severity
from liandong.domain.worktime import HOURS, WorkCalendar

if TYPE_CHECKING:
    from liandong.domain.cases.record import CaseRecord
    from liandong.domain.dispatch_catalogue import LocalCatalogues


@dataclass(frozen=True)
class EscalationPolicy:
    """When the chain fires, in percent of the handling limit around the deadline."""

    remind_before: int = 20  # 提醒
    supervise_after: int = 50  # 督办
    escalate_after: int = 100  # 提级, with 通报批评 of the lead that let it lapse


@dataclass(frozen=True)
class CasePolicy:
    ack_hours: int = 2
    return_working_days: int = 1
    ruling_working_days: int = 1  # 退单裁定时限: a ruling not given by then is supervised (督办)
    summons_minutes: int = 30
    heat_threshold: int = 80
    support_heat: int = 5  # 附议: each citizen's "me too" raises the case's heat by this much
    follow_up_attempts: int = 3  # 回访 calls before a follow-up ends as 未联系上
    follow_up_working_days: int = 3  # 回访时限: the centre calls within this many working days of 办结
    verify_working_days: int = 5  # 回访核实时限: the second call within this many of the first
    max_extension_days: int = 365  # an extension further ahead is a shelving (挂账), not 延期
    max_shelve_days: int = 3 * 366  # long-running works: three years at most
    escalation: EscalationPolicy = EscalationPolicy()
    overrides: Mapping[str, EscalationPolicy] = field(default_factory=dict)  # "matter" or "matter:sev"

    def chain(self, matter: str, severity: str) -> EscalationPolicy:
        return (self.overrides.get(f"{matter}:{severity}") or self.overrides.get(matter)
                or self.escalation)


@dataclass(frozen=True)
class Rules:
    """Everything a case consults: routing, the working calendar, the policy and the local
    dispatch catalogues (派单目录) over the national list."""

    router: Router
    calendar: WorkCalendar
    policy: CasePolicy = CasePolicy()
    catalogues: LocalCatalogues | None = None

    def matter(self, code: str, places: Sequence[str] = (), at: datetime | None = None) -> MatterType:
        """A matter type: with places and a moment, as the catalogue in force there and then
        defines it (refused when it is not in that catalogue); without, from the national list
        and the matters local catalogues add."""
        if self.catalogues is None or at is None or not places:
            return self.router.catalogue.matters.get(code)
        return self.catalogues.matter(code, places, at)

    def matter_for(self, record: CaseRecord) -> MatterType:
        """The case's matter as the catalogue in force at its places on its report day defines it
        (read from the record each time: nothing of it is stored in the events)."""
        if self.catalogues is None or record.received_at is None:
            return self.router.catalogue.matters.get(record.matter)
        return self.catalogues.defined(record.matter, record.affected, record.received_at)

    def ceiling(self, record: CaseRecord) -> Level:
        """提级上限 of the case's matter and severity (``MatterType.ceiling``)."""
        return self.matter_for(record).ceiling(severity_of(record.severity))

    def above_ceiling(self, record: CaseRecord) -> bool:
        """Whether escalating the case one level would hand it above its ceiling."""
        return record.owner_level - 1 < self.ceiling(record)

    def check_ceiling(self, record: CaseRecord) -> None:
        """Refuse an escalation that would hand the case above its ceiling (总揽不包办)."""
        if self.above_ceiling(record):
            matter = self.matter_for(record)
            raise DomainError("case.escalation_ceiling", matter=matter.name, matter_en=matter.name_en,
                              severity=record.severity, ceiling=self.ceiling(record).key,
                              level=Level(record.owner_level).key)

    def due_is_provisional(self, due: datetime | None, limit: str) -> bool:
        """Whether a case's deadline was counted over days whose arrangement is not official yet
        (a statutory-only year, or beyond the known ones): shown as （暂定）. A clock-hour limit
        ("24h") is elapsed time, which no holiday changes."""
        return due is not None and not limit.endswith(HOURS) and self.calendar.is_provisional(due)


RETURN_CATEGORIES = ("not_our_duty", "wrong_area", "unclear_request", "beyond_government")
"""退单理由类别 (fixed: 不属于本单位职责, 管辖区域有误, 诉求不明确, 超出政府职能); words in ``i18n``."""

RATINGS = ("satisfied", "basically_satisfied", "unsatisfied", "none")
SOURCES = ("citizen", "ngo", "grid", "department", "hotline", "online")


def severity_of(text: str) -> Severity:
    """The severity named, or the refusal that lists the known ones."""
    try:
        return Severity(text)
    except ValueError:
        raise DomainError("case.bad_severity", value=text,
                          allowed=", ".join(s.value for s in Severity)) from None
