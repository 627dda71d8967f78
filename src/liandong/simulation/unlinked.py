"""The two modes without the platform, on the ``Run``'s queues and clock.

- relay 逐级上报: the township receives; what it judges beyond it climbs one level at a time, each
  hop a report written and approved (delay), retold (each key fact may be lost) and, under career
  pressure, downgraded; a case handled too low is returned after the work and climbs again.
- siloed 各自为政: the citizen goes to the department of the matter's system nearest to them; what it
  cannot do alone waits for the citizen to report again one level higher (the department that
  turned it away holds the wait).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from liandong.domain.organisation import GOVERNMENT, department_code
from liandong.simulation.outcomes import FACTS

if TYPE_CHECKING:
    from liandong.simulation.model import Run

CLIMB, DECIDE, SILO = 6, 7, 9  # event kinds (model.py)


# -- relay ------------------------------------------------------------------------------------
def decide(run: Run, item: tuple[int, int]) -> None:
    """At the unit the case has reached: handle it here, or send it up (逐级上报)."""
    c, tok = item
    if tok != run.token[c]:
        return
    path = run.paths[run.place[c]]
    here = path[run.pos[c]]
    seen = run.world.route(c, severity=run.sev[c], scope_known=run.scope_known[c])
    if seen.level < here.level and run.pos[c] > 0:
        send_up(run, c, 0.0)
        return
    if run.misrouted(c):  # a wrong office first: returned after a while
        run.ev.schedule(run.end(run.ev.now, run.return_min), 1, DECIDE, item)
        return
    r = run.route[c] = run.world.route(c, severity=run.sev[c], scope_known=run.scope_known[c],
                                         floor=int(here.level))
    known = run.scope_known[c]
    run.assign(c, r.lead, r.executors if known else (), run.team(c, r, known))


def send_up(run: Run, c: int, first: float) -> None:
    delay = first + 60.0 * run.cfg.relay.hop_wh * float(run.rng.exponential())
    until = run.end(run.ev.now, delay)
    run.climb[c] += until - run.ev.now
    run.ev.schedule(until, 1, CLIMB, (c, run.token[c]))


def climb(run: Run, item: tuple[int, int]) -> None:
    """One hop up: each key fact may be lost and the severity downgraded on the way."""
    c, tok = item
    if tok != run.token[c]:
        return
    rc = run.cfg.relay
    run.hops[c] += 1
    run.pos[c] = max(0, run.pos[c] - 1)
    run.hold(c, int(run.paths[run.place[c]][run.pos[c]].level))
    lost = (run.rng.random(FACTS) < run.fact_loss).tolist()
    if lost[0] and not run.place_lost[c]:
        run.place_lost[c] = True
        run.facts[c] -= 1
    if run.sev[c] != 0 and (lost[2] or run.rng.random() < rc.downgrade):
        if run.sev[c] == int(run.world.workload.severity[c]):
            run.facts[c] -= 1  # the severity is no longer the true one
        run.sev[c] = 0 if lost[2] else run.sev[c] - 1
    if lost[3] and run.scope_known[c] and run.extra[c] >= 0:
        run.scope_known[c] = False
        run.facts[c] -= 1
    if lost[4] and not run.demand_lost[c]:
        run.demand_lost[c] = True
        run.facts[c] -= 1
    if lost[1]:  # whose matter it is was lost: the government office triages it again
        run.misroutes[c] += 1
        run.ev.schedule(run.end(run.ev.now, run.return_min), 1, DECIDE, item)
        return
    decide(run, item)


def relay_checked(run: Run, c: int) -> bool:
    r, true = run.route[c], run.truth[c]
    if r.lead == true.lead or r.level < true.level or run.pos[c] == 0:
        return True
    run.misroutes[c] += 1  # handled too low: beyond its power, returned, and it climbs
    run.token[c] += 1
    run.lead_done[c] = math.nan
    send_up(run, c, run.return_min)
    return False

# -- siloed -----------------------------------------------------------------------------------
def silo(run: Run, item: tuple[int, int]) -> None:
    """The citizen goes to the department of the matter's system nearest to them."""
    c, tok = item
    if tok != run.token[c]:
        return
    w = run.world.workload
    m = w.matters[int(w.matter[c])]
    path = run.paths[run.place[c]]
    system = m.lead or GOVERNMENT
    has = run.world.rules.router.has_department
    pos = run.pos[c]
    while pos > 0 and not has(path[pos], system):
        pos -= 1
    run.pos[c] = pos
    unit = path[pos]
    d = run.world.department(department_code(unit.code, system if has(unit, system) else GOVERNMENT))
    if run.misrouted(c):
        run.hold(c, int(unit.level))
        run.ev.schedule(run.end(run.ev.now, run.return_min), 1, SILO, item)
        return
    run.assign(c, d, ())


def silo_checked(run: Run, c: int) -> bool:
    true = run.truth[c]
    d = run.current[c]
    if d == true.lead or run.level_of[d] <= true.level or run.pos[c] == 0:
        return True
    if run.extra[c] >= 0 and run.u_outcome[c] < run.cfg.siloed.partial_ok:
        run.partial[c] = True  # closed alone, for its own part only
        run.scope_known[c] = False
        run.facts[c] -= 1
        return True
    run.misroutes[c] += 1  # not its power: the citizen must go one level higher
    run.hops[c] += 1  # (the department that turned it away holds the wait)
    run.token[c] += 1
    run.lead_done[c] = math.nan
    run.pos[c] -= 1
    run.ev.schedule(run.ev.now + 1440.0 * run.cfg.siloed.re_report_days, 1, SILO, (c, run.token[c]))
    return False
