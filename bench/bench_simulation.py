"""Simulator benchmarks (issue 9).

1. The kernel against SimPy on the same queueing model, side by side in this process: a network
   of departments, each an M/M/c queue with Poisson arrivals. Target: ≥ 3× SimPy's events/s.
2. Linkage mode with the full rules (the platform's routing, deadlines in working time, the
   escalation chain, fork-join teams, co-presence) over the whole country, partitioned by
   province over both cores. Target: ≥ 1,000,000 simulated cases a minute; one month of the
   whole country (≈ 30 million dispatched cases) in at most 40 minutes.

    .venv/bin/python bench/bench_simulation.py [--simpy] [--days N] [--workers 2]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import simpy

from liandong.simulation.config import load_config
from liandong.simulation.experiment import Plan, simulate
from liandong.simulation.queueing import mmc

DEPARTMENTS, HANDLERS, CUSTOMERS = 50, 4, 20_000
ARRIVAL, SERVICE = 2.4, 1.0  # utilisation 0.6


def simpy_network(seed: int) -> tuple[float, int]:
    """The same model in SimPy: a process per arrival stream and per customer, Resources."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    waits: list[float] = []
    events = [0]

    def customer(res: simpy.Resource, service: float):  # type: ignore[no-untyped-def]
        arrived = env.now
        with res.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(service)
        events[0] += 1

    def source(res: simpy.Resource, gaps: list[float], services: list[float]):  # type: ignore[no-untyped-def]
        for gap, service in zip(gaps, services, strict=True):
            yield env.timeout(gap)
            events[0] += 1
            env.process(customer(res, service))

    for _ in range(DEPARTMENTS):
        res = simpy.Resource(env, capacity=HANDLERS)
        gaps = rng.exponential(1 / ARRIVAL, CUSTOMERS).tolist()
        services = rng.exponential(1 / SERVICE, CUSTOMERS).tolist()
        env.process(source(res, gaps, services))
    env.run()
    return float(np.mean(waits)), events[0]


def bench_simpy(repeats: int) -> None:
    print("| engine (50 departments × 4 handlers, 1,000,000 customers, ρ = 0.6) | events/s | mean wait | × SimPy |")
    print("|---|---:|---:|---:|")
    best_simpy = best_ours = 0.0
    for seed in range(repeats):
        t = time.perf_counter()
        w_simpy, n_simpy = simpy_network(seed)
        rate_simpy = n_simpy / (time.perf_counter() - t)
        t = time.perf_counter()
        ours = mmc(arrival_rate=ARRIVAL, service_rate=SERVICE, c=HANDLERS, customers=CUSTOMERS, seed=seed,
                   departments=DEPARTMENTS, warmup=0.0)
        rate_ours = ours.events / (time.perf_counter() - t)
        best_simpy, best_ours = max(best_simpy, rate_simpy), max(best_ours, rate_ours)
    print(f"| SimPy 4 (baseline) | {best_simpy:,.0f} | {w_simpy:.3f} | 1.0 |")
    print(f"| liandong kernel (`EventList` + `Servers`) | {best_ours:,.0f} | {ours.mean_wait:.3f} | "
          f"{best_ours / best_simpy:.1f} |")


def bench_national(days: int, workers: int) -> None:
    config = load_config()
    plan = Plan("all", days, ("linkage",), 1, config)
    t = time.perf_counter()
    last = [t]

    def progress(done: int, total: int, cases: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 30 or done == total:
            print(f"  … {done}/{total} provinces, {cases:,} cases, {now - t:.0f} s", flush=True)
            last[0] = now

    result = simulate(plan, workers=workers, progress=progress)
    seconds = time.perf_counter() - t
    f = result.tallies["linkage"].figures()
    print(f"| linkage, whole country, {days} day(s), {workers} processes | {result.cases:,} | "
          f"{seconds:.0f} s | {result.cases / seconds * 60:,.0f} | {result.events / seconds:,.0f} | "
          f"{f['resolve_days_mean']:.2f} d, breaches {f['breach_rate']:.1%} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--simpy", action="store_true")
    parser.add_argument("--days", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.simpy or not args.days:
        bench_simpy(args.repeats)
    if args.days:
        print("\n| run | cases | time | cases/min | events/s | mean resolution |")
        print("|---|---:|---:|---:|---:|---|")
        bench_national(args.days, args.workers)
