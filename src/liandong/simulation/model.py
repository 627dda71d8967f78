"""The three governance modes on one event list (DESIGN §9).

- ``linkage`` 多层级联动: the city's 12345 centre dispatches with the platform's routing to the
  lead at the right level; the ground departments work in parallel with it (fork-join) while
  the levels between are present (co-presence); the platform's chain escalates a case one level
  when it is overdue, so the level above must find handlers for it (finite attention).
- ``relay`` 逐级上报: the township receives; whatever it judges beyond it climbs one level at a
  time, each hop adding delay, losing each key fact with some probability and downgrading the
  severity under career pressure; a case handled too low is returned and climbs again.
- ``siloed``: the citizen goes to the department of the matter's system nearest to them; what it
  cannot do alone waits for the citizen to go one level higher.

Every random draw is either pre-drawn per case (workload) or taken in event order from the run's
own generator, so a run is a pure function of the seed.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from liandong.domain.hierarchy import Level
from liandong.domain.organisation import GOVERNMENT, department_code
from liandong.simulation.config import MODES
from liandong.simulation.engine import EventList, Servers
from liandong.simulation.outcomes import FACTS, MIDDLE, Outcomes, rate
from liandong.simulation.world import World

ARRIVE, INTAKE_DONE, DELIVER, OFFER, DONE, ESCALATE, CLIMB, DECIDE, RESOLVE, SILO = range(10)


Job = tuple[int, int, float, int]  # (case, department, working minutes, token)


class Run:
    """One mode over one world, with its own queues and clock."""

    def __init__(self, world: World, mode: str, staffed: list[int], seed: int) -> None:
        if mode not in MODES:
            raise ValueError(mode)
        self.world = world
        self.mode = mode
        self.linkage = mode == "linkage"
        self.cfg = world.config
        self.rng = np.random.default_rng(seed)
        self.ev = EventList()
        self.servers = Servers()
        self.desks = Servers()  # the 12345 centres (linkage)
        self.staffed = staffed
        w = world.workload
        n = self.n = len(w)
        nan = math.nan
        self.owner_at = [nan] * n
        self.lead_done = [nan] * n
        self.resolved = [nan] * n
        self.facts = [FACTS] * n
        self.misroutes = [0] * n
        self.hops = [0] * n
        self.escalations = [0] * n
        self.level = [-1] * n
        self.copresent = [False] * n
        self.token = [0] * n
        self.parts = [0] * n
        self.current = [-1] * n  # the department that leads the case now
        self.truth = [world.route(c) for c in range(n)]  # the platform's decision on the full facts
        self.route = list(self.truth)  # the route being worked (escalation or relay change it)
        self.sev = w.severity.tolist()
        self.hot = (w.heat >= world.rules.policy.heat_threshold).tolist() if self.linkage else [False] * n
        self.service = w.service.tolist()
        self.assist = w.assist.tolist()
        self.ack = w.ack.tolist()
        self.u_misroute = w.u[:, 0].tolist()
        self.u_outcome = w.u[:, 2].tolist()
        self.extra = w.extra.tolist()
        self.place = w.place.tolist()
        self.pos = [0] * n  # relay and siloed: index into the path of the reporting place
        self.scope_known = [True] * n
        self.place_lost = [False] * n
        self.demand_lost = [False] * n
        self.partial = [False] * n
        self.paths = [world.rules.router.hierarchy.path(code) for code in w.codes]
        self.desk_of: dict[str, int] = {}
        self.busy_by_level: dict[int, float] = {}
        h = self.cfg.handling
        self.ack_min = 60.0 * h.ack_wh
        self.assist_min = 60.0 * h.assist_wh
        self.return_min = 60.0 * self.cfg.relay.return_wh
        self.end = world.work.end
        # clock-hour limits (outages, emergencies) are worked round the clock, ahead of the line
        self.urgent = [world.limit_of(c)[1] == "h" for c in range(n)]
        self.handlers = [
            self._arrive, self._intake_done, self._deliver, self._offer, self._done,
            self._escalate, self._climb, self._decide, self._resolve, self._silo]

    # -- running ----------------------------------------------------------------------------
    def run(self) -> Outcomes:
        ev = self.ev
        for c, t in enumerate(self.world.workload.time.tolist()):
            ev.schedule(t, 1, ARRIVE, c)
        ev.run(self.handlers)
        return self._outcomes()

    def _ensure(self, d: int) -> None:
        servers = self.servers
        while d >= len(servers):
            servers.add(self.world.handlers(self.staffed, len(servers)))

    def _start(self, d: int, job: Job | None) -> None:
        token = self.token
        while job is not None and job[3] != token[job[0]]:
            job = self.servers.release(d)  # withdrawn while waiting (escalated or returned)
        if job is None:
            return
        lv = self.world.level_of[d]
        self.busy_by_level[lv] = self.busy_by_level.get(lv, 0.0) + job[2]
        now = self.ev.now
        self.ev.schedule(now + job[2] if self.urgent[job[0]] else self.end(now, job[2]), 0, DONE, job)

    def _offer(self, job: Job) -> None:
        c, d = job[0], job[1]
        if job[3] != self.token[c]:
            return
        self._ensure(d)
        if self.servers.offer(d, 0 if self.hot[c] or self.urgent[c] else 1, job):
            self._start(d, job)

    def _done(self, job: Job) -> None:
        c, d, _, tok = job
        self._start(d, self.servers.release(d))
        if tok != self.token[c]:
            return
        if d == self.current[c]:
            self.lead_done[c] = self.ev.now
            if not self._lead_checked(c):
                return
        self.parts[c] -= 1
        if self.parts[c] == 0:
            self._finish(c)

    def _work_minutes(self, d: int, c: int) -> float:
        base = self.world.service_minutes(self.world.level_of[d], c) * self.service[c]
        return base * 1.5 if self.place_lost[c] else base  # the place must be found again

    def _assign(self, c: int, d: int, executors: tuple[int, ...]) -> None:
        """The case reaches department ``d`` (and its ground executors): signed, then queued."""
        self.current[c] = d
        self.level[c] = self.world.level_of[d]
        now = self.ev.now
        if d == self.truth[c].lead and math.isnan(self.owner_at[c]):
            self.owner_at[c] = now
        self.parts[c] = 1 + len(executors)
        ack = self.ack_min * self.ack[c]
        when = now + ack if self.urgent[c] else self.end(now, ack)
        tok = self.token[c]
        self.ev.schedule(when, 1, OFFER, (c, d, self._work_minutes(d, c), tok))
        for e in executors:
            self.ev.schedule(when, 1, OFFER, (c, e, self.assist_min * self.assist[c], tok))

    def _finish(self, c: int) -> None:
        """All parts done: without co-presence, the places must still be coordinated by letter."""
        r = self.route[c]
        extra = len(r.executors) if self.scope_known[c] else 0
        tok = self.token[c]
        if extra and not (self.linkage and self.cfg.linkage.co_presence):
            wait = 60.0 * self.cfg.linkage.coordination_wh * extra
            self.ev.schedule(self.end(self.ev.now, wait), 1, RESOLVE, (c, tok))
        else:
            self._resolve((c, tok))

    def _resolve(self, item: tuple[int, int]) -> None:
        c, tok = item
        if tok == self.token[c] and math.isnan(self.resolved[c]):
            self.resolved[c] = self.ev.now

    def _lead_checked(self, c: int) -> bool:
        """Whether the lead's work settles the case (else it has been sent on)."""
        if self.mode == "relay":
            return self._relay_checked(c)
        if self.mode == "siloed":
            return self._silo_checked(c)
        return True

    def _misrouted(self, c: int) -> bool:
        """The first office picked is the wrong one (the same draw in every mode)."""
        if self.u_misroute[c] < self.cfg.intake.misroute:
            self.misroutes[c] += 1
            self.u_misroute[c] = 1.0
            return True
        return False

    # -- linkage ----------------------------------------------------------------------------
    def _desk(self, c: int) -> int:
        """The 12345 centre of the reporting place's city (24 hours, operators by volume)."""
        path = self.paths[self.place[c]]
        city = next((u for u in path if u.level >= Level.CITY), path[-1])
        d = self.desk_of.get(city.code)
        if d is None:
            w = self.world.workload
            days = max(1.0, float(w.time[-1]) / 1440.0)
            share = sum(1 for p in self.paths[:w.townships] if city in p) / max(1, w.townships)
            daily = len(w) / days * share
            operators = max(1, math.ceil(daily / 100.0 * self.cfg.intake.operators_per_100_daily))
            d = self.desk_of[city.code] = self.desks.add(operators)
        return d

    def _arrive(self, c: int) -> None:
        if self.linkage:
            d = self._desk(c)
            job = (c, d, self.cfg.intake.dispatch_minutes * self.ack[c], 0)
            if self.desks.offer(d, 0 if self.hot[c] else 1, job):
                self.ev.schedule(self.ev.now + job[2], 0, INTAKE_DONE, job)
            return
        self.pos[c] = len(self.paths[self.place[c]]) - 1
        if self.mode == "relay":
            self._decide(c)
        else:
            self._silo(c)

    def _intake_done(self, job: Job) -> None:
        c, d = job[0], job[1]
        following = self.desks.release(d)
        if following is not None:
            self.ev.schedule(self.ev.now + following[2], 0, INTAKE_DONE, following)
        if self._misrouted(c):  # the wrong department signs, sees it is not its own, returns it
            back = self.ack_min + self.return_min / 7
            self.ev.schedule(self.end(self.ev.now, back), 1, DELIVER, (c, self.token[c]))
            return
        self._deliver((c, self.token[c]))

    def _deliver(self, item: tuple[int, int]) -> None:
        c, tok = item
        if tok != self.token[c]:
            return
        r = self.route[c]
        self.copresent[c] = self.cfg.linkage.co_presence and (
            bool(r.executors) or r.supervisors > 0 or self.hot[c])
        self._chain(c)
        self._assign(c, r.lead, r.executors)

    def _chain(self, c: int) -> None:
        """The platform's escalation chain: 提级 at the threshold past the deadline."""
        now = self.ev.now
        due = self.world.due(now, c)
        span = max(due - now, 60.0)
        at = due + span * self.cfg.linkage.escalate_after / 100
        self.ev.schedule(at, 2, ESCALATE, (c, self.token[c]))

    def _escalate(self, item: tuple[int, int]) -> None:
        c, tok = item
        if tok != self.token[c] or not math.isnan(self.resolved[c]):
            return
        r = self.route[c]
        if r.level <= Level.CENTRAL:
            return
        self.token[c] += 1  # work below is withdrawn; the level above leads
        self.escalations[c] += 1
        r = self.route[c] = self.world.route(c, floor=r.level - 1)
        self._chain(c)
        self._assign(c, r.lead, ())

    # -- relay ------------------------------------------------------------------------------
    def _decide(self, c: int) -> None:
        """At the unit the case has reached: handle it here, or send it up (逐级上报)."""
        path = self.paths[self.place[c]]
        here = path[self.pos[c]]
        seen = self.world.route(c, severity=self.sev[c], scope_known=self.scope_known[c])
        if seen.level < here.level and self.pos[c] > 0:
            self._send_up(c, 0.0)
            return
        if self._misrouted(c):  # a wrong office first: returned after a while
            self.ev.schedule(self.end(self.ev.now, self.return_min), 1, DECIDE, c)
            return
        r = self.route[c] = self.world.route(c, severity=self.sev[c], scope_known=self.scope_known[c],
                                             floor=int(here.level))
        self._assign(c, r.lead, r.executors if self.scope_known[c] else ())

    def _send_up(self, c: int, first: float) -> None:
        delay = first + 60.0 * self.cfg.relay.hop_wh * float(self.rng.exponential())
        self.ev.schedule(self.end(self.ev.now, delay), 1, CLIMB, c)

    def _climb(self, c: int) -> None:
        """One hop up: each key fact may be lost and the severity downgraded on the way."""
        rc = self.cfg.relay
        self.hops[c] += 1
        self.pos[c] = max(0, self.pos[c] - 1)
        lost = (self.rng.random(FACTS) < rc.fact_loss).tolist()
        if lost[0] and not self.place_lost[c]:
            self.place_lost[c] = True
            self.facts[c] -= 1
        if self.sev[c] != 0 and (lost[2] or self.rng.random() < rc.downgrade):
            if self.sev[c] == int(self.world.workload.severity[c]):
                self.facts[c] -= 1  # the severity is no longer the true one
            self.sev[c] = 0 if lost[2] else self.sev[c] - 1
        if lost[3] and self.scope_known[c] and self.extra[c] >= 0:
            self.scope_known[c] = False
            self.facts[c] -= 1
        if lost[4] and not self.demand_lost[c]:
            self.demand_lost[c] = True
            self.facts[c] -= 1
        if lost[1]:  # whose matter it is was lost: the government office triages it again
            self.misroutes[c] += 1
            self.ev.schedule(self.end(self.ev.now, self.return_min), 1, DECIDE, c)
            return
        self._decide(c)

    def _relay_checked(self, c: int) -> bool:
        r, true = self.route[c], self.truth[c]
        if r.lead == true.lead or r.level < true.level or self.pos[c] == 0:
            return True
        self.misroutes[c] += 1  # handled too low: beyond its power, returned, and it climbs
        self.token[c] += 1
        self.lead_done[c] = math.nan
        self._send_up(c, self.return_min)
        return False

    # -- siloed -----------------------------------------------------------------------------
    def _silo(self, c: int) -> None:
        """The citizen goes to the department of the matter's system nearest to them."""
        w = self.world.workload
        m = w.matters[int(w.matter[c])]
        path = self.paths[self.place[c]]
        system = m.lead or GOVERNMENT
        has = self.world.rules.router.has_department
        pos = self.pos[c]
        while pos > 0 and not has(path[pos], system):
            pos -= 1
        self.pos[c] = pos
        unit = path[pos]
        d = self.world.department(department_code(unit.code, system if has(unit, system) else GOVERNMENT))
        if self._misrouted(c):
            self.ev.schedule(self.end(self.ev.now, self.return_min), 1, SILO, c)
            return
        self._assign(c, d, ())

    def _silo_checked(self, c: int) -> bool:
        true = self.truth[c]
        d = self.current[c]
        if d == true.lead or self.world.level_of[d] <= true.level or self.pos[c] == 0:
            return True
        if self.extra[c] >= 0 and self.u_outcome[c] < self.cfg.siloed.partial_ok:
            self.partial[c] = True  # closed alone, for its own part only
            self.scope_known[c] = False
            self.facts[c] -= 1
            return True
        self.misroutes[c] += 1  # not its power: the citizen must go one level higher
        self.hops[c] += 1
        self.token[c] += 1
        self.lead_done[c] = math.nan
        self.pos[c] -= 1
        self.ev.schedule(self.ev.now + 1440.0 * self.cfg.siloed.re_report_days, 1, SILO, c)
        return False

    # -- results ----------------------------------------------------------------------------
    def _outcomes(self) -> Outcomes:
        w = self.world.workload
        arrival = w.time
        due = np.array([self.world.due(t, c) for c, t in enumerate(arrival.tolist())])
        resolved = np.asarray(self.resolved, dtype=float)
        owner_at = np.asarray(self.owner_at, dtype=float)
        lead_done = np.asarray(self.lead_done, dtype=float)
        done = ~np.isnan(resolved)
        on_time = done & (resolved <= due)
        complete = ~np.asarray(self.demand_lost) & ~np.asarray(self.partial)
        rating = np.where(done, rate(self.cfg.rating, on_time, complete, w.u[:, 1]), -1).astype(np.int8)
        front = np.where(np.isnan(owner_at), np.inf, owner_at - arrival)
        middle = np.nan_to_num(lead_done - owner_at, nan=0.0)
        back = np.nan_to_num(resolved - lead_done, nan=0.0)
        stage = np.argmax(np.stack([front, middle, back]), axis=0).astype(np.int8)
        breached = ~on_time
        stage = np.where(breached, stage, -1).astype(np.int8)
        # Only the shared record shows where the time went; without it the last handler answers.
        attributed = stage.copy() if self.linkage else np.where(breached, MIDDLE, -1).astype(np.int8)
        scope_level = self._scope_levels()
        days = float(np.ceil(arrival[-1] / 1440.0)) if len(arrival) else 0.0
        working = self.world.work.working_minutes(days * 1440.0)
        capacity: dict[int, float] = {}
        for d, cap in enumerate(self.servers.capacity):
            lv = self.world.level_of[d]
            capacity[lv] = capacity.get(lv, 0.0) + cap * working
        return Outcomes(
            mode=self.mode, arrival=arrival, owner_at=owner_at, lead_done=lead_done,
            resolved=resolved, due=due, facts=np.asarray(self.facts, np.int8),
            misroutes=np.asarray(self.misroutes, np.int16), hops=np.asarray(self.hops, np.int16),
            escalations=np.asarray(self.escalations, np.int16), level=np.asarray(self.level, np.int8),
            scope_level=scope_level, copresent=np.asarray(self.copresent, np.bool_), rating=rating,
            stage=stage, attributed=attributed, busy=dict(self.busy_by_level), capacity=capacity,
            events=self.ev.processed)

    def _scope_levels(self) -> NDArray[np.int8]:
        h = self.world.rules.router.hierarchy
        codes = self.world.workload.codes
        out = np.full(self.n, int(Level.TOWNSHIP), np.int8)
        for c in np.flatnonzero(self.world.workload.extra >= 0).tolist():
            out[c] = int(h.lca_pair(codes[self.place[c]], codes[self.extra[c]]).level)
        return out
