"""The world a run happens in: the platform's rules, the workload, working time, the departments
and how many handlers each has.

Routing goes through the platform's own ``Router`` (the rule of DESIGN §4), memoised per
(matter, severity, places, floor) because it is a pure function; deadlines through the
platform's working calendar.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import NamedTuple

from liandong.domain.cases.routing import Role, Rule
from liandong.domain.cases.rules import Rules
from liandong.domain.hierarchy import Level
from liandong.domain.worktime import SHANGHAI
from liandong.simulation.config import LEVEL_KEYS, SimulationConfig
from liandong.simulation.engine import MINUTES_PER_DAY, WorkingTime
from liandong.simulation.workload import SEVERITIES, Workload

# How long after the last report a run may go on (cases still open are counted as open).
TAIL_DAYS = 400


class Route(NamedTuple):
    """What the platform decides for a case: the lead department, the owner's level, the
    departments that work on the ground (fork-join) and those that supervise (co-presence)."""

    lead: int
    level: int
    owner: str
    executors: tuple[int, ...]
    supervisors: tuple[int, ...]


@dataclass
class World:
    rules: Rules
    config: SimulationConfig
    workload: Workload
    work: WorkingTime
    departments: dict[str, int] = field(default_factory=dict)
    level_of: list[int] = field(default_factory=list)
    units: dict[str, int] = field(default_factory=dict)  # a unit's handler pool
    pool_of: list[int] = field(default_factory=list)  # department → its unit's pool
    pool_level: list[int] = field(default_factory=list)
    _routes: dict[tuple[int, int, int, int, int], Route] = field(default_factory=dict)
    _dues: dict[tuple[int, int, str], float] = field(default_factory=dict)

    @classmethod
    def build(cls, rules: Rules, config: SimulationConfig, workload: Workload, days: int) -> World:
        start = config.start.astimezone(SHANGHAI)
        for day in range(days):  # the calendar warns if the reporting days are beyond what it knows
            rules.calendar.is_workday(start.date() + timedelta(days=day))
        with warnings.catch_warnings():  # the long tail after them may be approximate
            warnings.simplefilter("ignore")
            work = WorkingTime(rules.calendar, start.date(), days + TAIL_DAYS,
                               office_hours=config.handling.office_hours)
        return cls(rules, config, workload, work)

    # -- departments ------------------------------------------------------------------------
    def department(self, code: str) -> int:
        d = self.departments.get(code)
        if d is None:
            d = self.departments[code] = len(self.level_of)
            unit = self.rules.router.hierarchy.get(code.rpartition("-")[0])
            self.level_of.append(int(unit.level))
            p = self.units.get(unit.code)
            if p is None:
                p = self.units[unit.code] = len(self.pool_level)
                self.pool_level.append(int(unit.level))
            self.pool_of.append(p)
        return d

    # -- routing ----------------------------------------------------------------------------
    def route(self, case: int, *, severity: int | None = None, scope_known: bool = True,
              floor: int = -1) -> Route:
        """The platform's decision for case ``case`` (optionally with a perceived severity, the
        scope reduced to the reporting place, or a floor set by escalation)."""
        w = self.workload
        sev = int(w.severity[case]) if severity is None else severity
        place = int(w.place[case])
        extra = int(w.extra[case]) if scope_known else -1
        key = (int(w.matter[case]), sev, place, extra, floor)
        found = self._routes.get(key)
        if found is None:
            found = self._routes[key] = self._decide(*key)
        return found

    def _decide(self, matter: int, sev: int, place: int, extra: int, floor: int) -> Route:
        w = self.workload
        affected = [w.codes[place]] if extra < 0 else [w.codes[place], w.codes[extra]]
        m = w.matters[matter]
        severity = SEVERITIES[sev]
        if severity not in m.limits:
            severity = m.default_severity
        decision = self.rules.router.route(matter=m, severity=severity, affected=affected,
                                           floor=Level(floor) if floor >= 0 else None)
        executors = tuple(self.department(code) for code, role, rule in decision.members
                          if rule is Rule.EXECUTOR)
        supervisors = tuple(self.department(code) for code, role, _ in decision.members
                            if role is Role.SUPERVISE)
        return Route(self.department(decision.lead), int(decision.owner.level), decision.owner.code,
                     executors, supervisors)

    def ceiling(self, case: int, severity: int | None = None) -> int:
        """提级上限 of the case's matter at its (perceived) severity: the platform's rule
        (``MatterType.ceiling``); time-based escalation hands no case above it."""
        w = self.workload
        m = w.matters[int(w.matter[case])]
        sev = SEVERITIES[int(w.severity[case]) if severity is None else severity]
        return int(m.ceiling(sev if sev in m.limits else m.default_severity))

    def limit_of(self, case: int, severity: int | None = None) -> tuple[int, str]:
        w = self.workload
        m = w.matters[int(w.matter[case])]
        sev = SEVERITIES[int(w.severity[case]) if severity is None else severity]
        limit = m.limits.get(sev) or m.limits[m.default_severity]
        return limit.amount, limit.unit

    def due(self, t: float, case: int) -> float:
        """The handling deadline of a case dispatched at ``t`` (the platform's calendar rule)."""
        amount, unit = self.limit_of(case)
        if unit == "h":
            return t + amount * 60.0
        day = int(t // MINUTES_PER_DAY)
        key = (day, amount, unit)
        found = self._dues.get(key)
        if found is None:
            start = self.config.start.astimezone(SHANGHAI)
            moment = datetime.combine(start.date() + timedelta(days=day), time(12), SHANGHAI)
            deadline = self.rules.calendar.deadline(moment, amount, unit)
            found = self._dues[key] = self.minutes(deadline)
        return found

    def minutes(self, moment: datetime) -> float:
        start = self.config.start.astimezone(SHANGHAI)
        midnight = datetime.combine(start.date(), time(0), SHANGHAI)
        return (moment - midnight).total_seconds() / 60.0

    def moment(self, minutes: float) -> datetime:
        start = self.config.start.astimezone(SHANGHAI)
        return datetime.combine(start.date(), time(0), SHANGHAI) + timedelta(minutes=minutes)

    # -- staffing ---------------------------------------------------------------------------
    def service_minutes(self, level: int, case: int) -> float:
        """Mean handling time of a case at a level: by level and severity, or, under a clock-hour
        limit, a share of that limit (emergency work is organised to fit it)."""
        h = self.config.handling
        amount, unit = self.limit_of(case)
        if unit == "h":
            return 60.0 * amount * h.urgent_share
        sev = SEVERITIES[int(self.workload.severity[case])]
        return 60.0 * h.lead_wh[LEVEL_KEYS[level]] * h.severity_factor[sev.value]  # type: ignore[index]

    def staffing(self, days: int) -> list[int]:
        """Handlers per unit (乡镇、县、市、省、中央 each one pool its departments share), by one rule
        for every mode (issue 26): enough for the work the reports bring there — each case's lead and
        ground parts as the responsibility list assigns them, whichever mode handles it — at the
        configured utilisation, within the level's attention limit (per department of the unit),
        times ``capacity`` (the budget multiplier a sweep varies). So the budget per level is the
        same in every mode, and no department a mode happens to use is left with one handler."""
        h = self.config.handling
        load: dict[int, float] = {}
        w = self.workload
        for case in range(len(w)):
            r = self.route(case)
            p = self.pool_of[r.lead]
            load[p] = load.get(p, 0.0) + self.service_minutes(r.level, case)
            for d in r.executors:
                load[self.pool_of[d]] = load.get(self.pool_of[d], 0.0) + 60.0 * h.assist_wh
        planned: dict[int, int] = {}  # departments per pool the plan uses
        for d in range(len(self.level_of)):
            planned[self.pool_of[d]] = planned.get(self.pool_of[d], 0) + 1
        workdays = max(1, sum(self.work.workday[:days]))
        available = workdays * self.work.minutes_per_workday if h.office_hours else days * MINUTES_PER_DAY
        out = []
        for p, level in enumerate(self.pool_level):
            minutes = load.get(p, 0.0)
            need = math.ceil(minutes / (h.utilisation * available)) if minutes else 0
            top = h.max_handlers[LEVEL_KEYS[level]] * planned.get(p, 1)  # type: ignore[index]
            out.append(math.ceil(max(h.min_handlers, min(top, need)) * h.capacity))
        return out

    def handlers(self, staffed: list[int], p: int) -> int:
        """Handlers of pool ``p`` (a unit outside the staffing plan gets the minimum)."""
        h = self.config.handling
        return staffed[p] if p < len(staffed) else math.ceil(h.min_handlers * h.capacity)
