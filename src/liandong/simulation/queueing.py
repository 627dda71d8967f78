"""The kernel against theory: departments as M/M/c queues with routing off.

``departments`` independent departments, each with ``c`` handlers, Poisson arrivals and
exponential service, run on the same ``EventList`` and ``Servers`` as the governance model; the
mean wait in line is compared with the Erlang C closed form.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from liandong.simulation.engine import EventList, Servers

ARRIVE, DONE = 0, 1


def erlang_c_wait(arrival_rate: float, service_rate: float, c: int) -> float:
    """Mean time in line W_q of an M/M/c queue (Erlang C), in the time unit of the rates."""
    a = arrival_rate / service_rate  # offered load in erlangs
    rho = a / c
    if rho >= 1:
        raise ValueError("the queue is unstable (utilisation ≥ 1)")
    tail = a ** c / math.factorial(c) / (1 - rho)
    p_wait = tail / (sum(a ** k / math.factorial(k) for k in range(c)) + tail)
    return p_wait / (c * service_rate - arrival_rate)


@dataclass(frozen=True)
class QueueRun:
    mean_wait: float
    customers: int
    events: int


def mmc(*, arrival_rate: float, service_rate: float, c: int, customers: int, seed: int,
        departments: int = 1, warmup: float = 0.05) -> QueueRun:
    """Simulate ``customers`` arrivals per department; the mean wait after a warm-up share."""
    rng = np.random.default_rng(seed)
    ev = EventList()
    servers = Servers()
    for _ in range(departments):
        servers.add(c)
    n = customers * departments
    gaps = rng.exponential(1 / arrival_rate, size=(departments, customers))
    times = np.cumsum(gaps, axis=1)
    service = rng.exponential(1 / service_rate, size=n).tolist()
    arrived = [0.0] * n
    waited = [0.0] * n
    dept = np.repeat(np.arange(departments), customers).tolist()
    order = np.argsort(times.ravel(), kind="stable")
    for i in order.tolist():
        arrived[i] = float(times.flat[i])

    def start(d: int, i: int | None) -> None:
        if i is None:
            return
        waited[i] = ev.now - arrived[i]
        ev.schedule(ev.now + service[i], 0, DONE, (d, i))

    def arrive(i: int) -> None:
        d = dept[i]
        if servers.offer(d, 1, i):
            start(d, i)

    def done(item: tuple[int, int]) -> None:
        d, _ = item
        start(d, servers.release(d))

    # Arrivals are scheduled lazily, one ahead per department, as a queueing kernel would.
    nexts = [0] * departments

    def arrive_and_next(i: int) -> None:
        arrive(i)
        d = dept[i]
        nexts[d] += 1
        if nexts[d] < customers:
            j = d * customers + nexts[d]
            ev.schedule(arrived[j], 1, ARRIVE, j)

    for d in range(departments):
        ev.schedule(arrived[d * customers], 1, ARRIVE, d * customers)
    ev.run([arrive_and_next, done])
    skip = int(customers * warmup)
    kept = np.asarray(waited).reshape(departments, customers)[:, skip:]
    return QueueRun(float(kept.mean()), int(kept.size), ev.processed)
