"""The three governance modes on one event list (DESIGN §9).

- ``linkage`` 多层级联动: the city's 12345 centre dispatches with the platform's routing to the
  lead at the right level.
- ``relay`` 逐级上报: the township receives; whatever it judges beyond it climbs one level at a
  time, each hop adding delay, losing each key fact with some probability and downgrading the
  severity under career pressure; a case handled too low is returned and climbs again.
- ``siloed``: the citizen goes to the department of the matter's system nearest to them; what it
  cannot do alone waits for the citizen to go one level higher.

Beyond that structure every difference is a named mechanism switched per mode (``[mechanisms]``,
issue 26), implemented once here: the shared record (information symmetry, accountability read
off the record, the chain without a paper lag, 舆情 priority), co-presence (the team in parallel,
its staff time charged; without it, coordination by letter), and the escalation chain (提级 on
the platform, 催办/督办 on paper elsewhere). Every mode draws on the same handler budget per
level (``World.staffing``); the units above are queues like any other, so escalated work waits.

Every random draw is either pre-drawn per case (workload) or taken in event order from the run's
own generator, so a run is a pure function of the seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from liandong.domain.hierarchy import Level
from liandong.simulation import unlinked
from liandong.simulation.accountability import STAGE_OF_LEVEL
from liandong.simulation.config import MODES
from liandong.simulation.engine import EventList, Servers
from liandong.simulation.outcomes import FACTS, Outcomes, collect
from liandong.simulation.world import Route, World

ARRIVE, INTAKE_DONE, DELIVER, OFFER, DONE, ESCALATE, CLIMB, DECIDE, RESOLVE, SILO = range(10)


Job = tuple[int, int, float, int, float]  # (case, department, working minutes, token, offered at)
OVERHEAD = -1  # the token of work that does not settle the case (co-presence): never withdrawn
STAGE = STAGE_OF_LEVEL  # the stage (front, middle, back) of a holder's level
CITY, TOWNSHIP = int(Level.CITY), int(Level.TOWNSHIP)  # plain ints: compared per event


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
        mech = self.cfg.mechanisms
        self.shared = mode in mech.shared_record
        self.copresence_on = mode in mech.co_presence
        self.escalating = mode in mech.escalation
        self.lag = 0.0 if self.shared else 60.0 * self.cfg.escalation.paper_lag_wh
        self.pool_of = world.pool_of
        self.level_of = world.level_of
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
        self.hot = (w.heat >= world.rules.policy.heat_threshold).tolist() if self.shared else [False] * n
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
        self.busy = [0.0] * 5  # working minutes of handling per level
        self.waited = [0.0] * 5  # minutes jobs waited in line per level
        self.started = [0] * 5
        self.overhead = {"copresence": 0.0, "dispatch": 0.0}
        self.dispatch_min = 0.0
        self.held = [0.0] * (3 * n)  # minutes each stage held each case
        self.holder = [-1] * n  # the level holding the case now
        self.since = [0.0] * n
        self.climb = [0.0] * n
        self.chain = [0] * n
        h = self.cfg.handling
        self.ack_min = 60.0 * h.ack_wh
        self.assist_min = 60.0 * h.assist_wh
        self.return_min = 60.0 * self.cfg.relay.return_wh
        self.fact_loss = self.cfg.relay.loss_per_hop  # the retelling model's p (simulation/retelling.py)
        self.end = world.work.end
        # clock-hour limits (outages, emergencies) are worked round the clock, ahead of the line
        self.urgent = [world.limit_of(c)[1] == "h" for c in range(n)]
        self.handlers: list[Callable[[Any], None]] = [
            self._arrive, self._intake_done, self._deliver, self._offer, self._done,
            self._escalate, partial(unlinked.climb, self), partial(unlinked.decide, self), self._resolve,
            partial(unlinked.silo, self)]

    # -- running ----------------------------------------------------------------------------
    def run(self) -> Outcomes:
        ev = self.ev
        for c, t in enumerate(self.world.workload.time.tolist()):
            ev.schedule(t, 1, ARRIVE, c)
        ev.run(self.handlers)
        self.overhead["dispatch"] = self.dispatch_min
        for c in [c for c in range(self.n) if math.isnan(self.resolved[c])]:
            self.hold(c, -1)  # still open when the run ends: held until then
        return collect(self)

    def _ensure(self, p: int) -> None:
        servers = self.servers
        while p >= len(servers):
            servers.add(self.world.handlers(self.staffed, len(servers)))

    def _start(self, p: int, job: Job | None) -> None:
        token = self.token
        while job is not None and job[3] != token[job[0]] and job[3] != OVERHEAD:
            job = self.servers.release(p)  # withdrawn while waiting (escalated or returned)
        if job is None:
            return
        lv = self.level_of[job[1]]
        now = self.ev.now
        self.busy[lv] += job[2]
        if now > job[4]:
            self.waited[lv] += now - job[4]
        self.started[lv] += 1
        self.ev.schedule(now + job[2] if self.urgent[job[0]] else self.end(now, job[2]), 0, DONE, job)

    def _offer(self, job: Job) -> None:
        c, d, _, tok, _ = job
        if tok != self.token[c] and tok != OVERHEAD:
            return
        p = self.pool_of[d]
        self._ensure(p)
        if self.servers.offer(p, 0 if self.hot[c] or self.urgent[c] else 1, job):
            self._start(p, job)

    def _done(self, job: Job) -> None:
        c, d, _, tok, _ = job
        p = self.pool_of[d]
        self._start(p, self.servers.release(p))
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

    def hold(self, c: int, level: int) -> None:
        """The case changes hands: the time since the last change goes to the holder's stage (the
        platform's attribution rule), and a unit of ``level`` holds it now (-1: resolved, the last
        holder is kept)."""
        now = self.ev.now
        was = self.holder[c]
        if was >= 0:
            self.held[3 * c + STAGE[was]] += now - self.since[c]
        self.since[c] = now if level >= 0 else math.nan
        if level >= 0:
            self.holder[c] = level

    def assign(self, c: int, d: int, executors: tuple[int, ...], team: tuple[int, ...] = ()) -> None:
        """The case reaches department ``d`` (with its ground executors, and the departments of the
        levels between present in the team): signed, then queued."""
        self.current[c] = d
        lv = self.level[c] = self.level_of[d]
        self.hold(c, lv)
        now = self.ev.now
        if d == self.truth[c].lead and math.isnan(self.owner_at[c]):
            self.owner_at[c] = now
        self.parts[c] = 1 + len(executors)
        ack = self.ack_min * self.ack[c]
        when = now + ack if self.urgent[c] else self.end(now, ack)
        tok = self.token[c]
        self.ev.schedule(when, 1, OFFER, (c, d, self._work_minutes(d, c), tok, when))
        for e in executors:
            self.ev.schedule(when, 1, OFFER, (c, e, self.assist_min * self.assist[c], tok, when))
        if team:
            cost = 60.0 * self.cfg.linkage.copresence_wh
            self.overhead["copresence"] += cost * len(team)
            for s in team:
                self.ev.schedule(when, 1, OFFER, (c, s, cost, OVERHEAD, when))

    def team(self, c: int, r: Route, ground: bool) -> tuple[int, ...]:
        """Co-presence (共同在场): with the mechanism, a case with ground parts in other places, a
        major case or a hot one has the levels between present on its record; their staff time is
        the mode's cost. The supervising departments present, or none."""
        present = self.copresence_on and (
            (ground and bool(r.executors)) or bool(r.supervisors) or self.hot[c])
        self.copresent[c] = present
        return r.supervisors if present else ()

    def _finish(self, c: int) -> None:
        """All parts done: without co-presence, the places must still be coordinated by letter."""
        r = self.route[c]
        extra = len(r.executors) if self.scope_known[c] else 0
        tok = self.token[c]
        if extra and not self.copresent[c]:
            wait = 60.0 * self.cfg.linkage.coordination_wh * extra
            self.ev.schedule(self.end(self.ev.now, wait), 1, RESOLVE, (c, tok))
        else:
            self._resolve((c, tok))

    def _resolve(self, item: tuple[int, int]) -> None:
        c, tok = item
        if tok == self.token[c] and math.isnan(self.resolved[c]):
            self.resolved[c] = self.ev.now
            self.hold(c, -1)

    def _lead_checked(self, c: int) -> bool:
        """Whether the lead's work settles the case (else it has been sent on)."""
        if self.mode == "relay":
            return unlinked.relay_checked(self, c)
        if self.mode == "siloed":
            return unlinked.silo_checked(self, c)
        return True

    def misrouted(self, c: int) -> bool:
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
        if self.escalating:
            self._chain(c, self.ev.now)
        if self.linkage:
            self.hold(c, CITY)  # the centre is the city government's (attribution._centre)
            d = self._desk(c)
            job = (c, d, self.cfg.intake.dispatch_minutes * self.ack[c], 0, self.ev.now)
            self.dispatch_min += job[2]
            if self.desks.offer(d, 0 if self.hot[c] else 1, job):
                self.ev.schedule(self.ev.now + job[2], 0, INTAKE_DONE, job)
            return
        self.pos[c] = len(self.paths[self.place[c]]) - 1
        if self.mode == "relay":
            self.hold(c, TOWNSHIP)
            unlinked.decide(self, (c, 0))
        else:
            unlinked.silo(self, (c, 0))

    def _intake_done(self, job: Job) -> None:
        c, d = job[0], job[1]
        following = self.desks.release(d)
        if following is not None:
            self.ev.schedule(self.ev.now + following[2], 0, INTAKE_DONE, following)
        if self.misrouted(c):  # the wrong department signs, sees it is not its own, returns it
            back = self.ack_min + self.return_min / 7
            self.ev.schedule(self.end(self.ev.now, back), 1, DELIVER, (c, self.token[c]))
            return
        self._deliver((c, self.token[c]))

    def _deliver(self, item: tuple[int, int]) -> None:
        c, tok = item
        if tok != self.token[c]:
            return
        r = self.route[c]
        self.assign(c, r.lead, r.executors, self.team(c, r, True))

    # -- the chain, in every mode ---------------------------------------------------------
    def _chain(self, c: int, start: float) -> None:
        """提级 / 督办 at the threshold past the deadline counted from ``start``: on the platform's
        clock with the shared record, from the paper overdue list (a lag) without it."""
        due = self.world.due(start, c)
        span = max(due - start, 60.0)
        self.chain[c] += 1
        at = due + span * self.cfg.escalation.after / 100 + self.lag
        self.ev.schedule(at, 2, ESCALATE, (c, self.chain[c]))

    def _escalate(self, item: tuple[int, int]) -> None:
        c, gen = item
        if gen != self.chain[c] or not math.isnan(self.resolved[c]):
            return
        level = self.level[c]
        if level < 0 and not self.linkage:  # not yet with a lead: the unit it has reached
            level = int(self.paths[self.place[c]][self.pos[c]].level)
        if level <= Level.CENTRAL or level - 1 < self.world.ceiling(c, self.sev[c]):
            return  # at the ceiling (提级上限) the level above supervises; it does not take over
        self.token[c] += 1  # work below is withdrawn; the level above leads
        self.escalations[c] += 1
        r = self.route[c] = self.world.route(c, severity=self.sev[c], scope_known=self.scope_known[c],
                                             floor=level - 1)
        path = self.paths[self.place[c]]
        self.pos[c] = max(i for i, u in enumerate(path) if u.level <= r.level)
        self._chain(c, self.ev.now)
        self.assign(c, r.lead, ())
