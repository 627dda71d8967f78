"""Routing with local dispatch catalogues (派单目录) against today's routing, on the same mix.

Run: .venv/bin/python bench/bench_catalogue_routing.py [--n 50000] [--seconds S]
Both sides do what a case does per routing: look its matter up (``Rules.matter_for`` on the case's
record: its code, places and report time), then ``Router.route``. "national": no catalogues (the
look-up is the national list's). "local": every province and every city of 江苏 and 广东 with two
versions each (effective 2027-03-01 and 2027-09-01), overriding lead, authority, limits and keywords
of a dozen matters, report times spread over 2027 so every combination of versions is met.
Target (issue 25): local ≥ 0.9 × national. Run on a quiet machine; ``--seconds 1`` is a smoke run.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bench_engine import H, routing_jobs
from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.reference_data import default_catalogue
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.dispatch_catalogue import LocalCatalogue, LocalCatalogues, Override
from liandong.domain.hierarchy import Level
from liandong.domain.responsibility import Severity, TimeLimit

CAT = default_catalogue()


@dataclass(frozen=True, slots=True)
class Record:
    """What ``Rules.matter_for`` reads of a case's record."""

    matter: str
    affected: tuple[str, ...]
    received_at: datetime


def catalogues(seed: int = 5) -> LocalCatalogues:
    rng = random.Random(seed)
    scopes = [u.code for u in H.children(H.root.code)]
    scopes += [u.code for p in ("320000", "440000") for u in H.children(p) if u.level is Level.CITY]
    matters = [m for m in CAT.matters.matters.values() if m.lead]
    systems = sorted(CAT.systems)
    out = []
    for scope in scopes:
        for n, effective in enumerate((date(2027, 3, 1), date(2027, 9, 1)), start=1):
            overrides = {}
            for m in rng.sample(matters, 12):
                lead = rng.choice([s for s in systems if s not in m.assist])
                limits = {sev: TimeLimit(max(1, lim.amount - 1), lim.unit) for sev, lim in m.limits.items()}
                overrides[m.code] = Override(m.code, lead=lead, authority=rng.choice([Level.CITY, Level.COUNTY]),
                                             limits=limits, keywords=(*m.keywords, "本地"))
            out.append(LocalCatalogue(scope, f"2027.{n}", effective, "bench", overrides, {}))
    return LocalCatalogues(CAT.matters, out, H)


def jobs(n: int) -> list[tuple[Record, Severity]]:
    rng = random.Random(7)
    start = datetime(2027, 1, 1, tzinfo=UTC)
    return [(Record(matter.code, places, start + timedelta(minutes=rng.randrange(365 * 24 * 60))), sev)
            for matter, sev, places in routing_jobs(n, realistic=True)]  # type: ignore[attr-defined]


def one_round(rules: Rules, work: list[tuple[Record, Severity]]) -> float:
    route, matter_for = rules.router.route, rules.matter_for
    t = time.perf_counter()
    for record, sev in work:
        route(matter=matter_for(record), severity=sev, affected=record.affected)  # type: ignore[arg-type]
    return time.perf_counter() - t


def rates(sides: list[Rules], work: list[tuple[Record, Severity]], seconds: float) -> list[float]:
    """Routings per second of each side, best round of each; the sides' rounds alternate, so a
    machine that slows down slows both (at least two rounds each)."""
    best = [float("inf")] * len(sides)
    spent, rounds = 0.0, 0
    while spent < seconds or rounds < 2:
        for n, rules in enumerate(sides):
            took = one_round(rules, work)
            best[n], spent = min(best[n], took), spent + took
        rounds += 1
    return [len(work) / b for b in best]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--seconds", type=float, default=12.0, help="time for both sides (best rounds count)")
    args = parser.parse_args()
    work = jobs(args.n)
    local = catalogues()
    national = Rules(Router(H, CAT), ChineseWorkCalendar(), CasePolicy())
    with_local = Rules(Router(H, CAT), ChineseWorkCalendar(), CasePolicy(), local)
    decided = sum(1 for record, _ in work
                  if with_local.matter_for(record).origins)
    for rules in (national, with_local):  # warm both caches (department shapes, compositions)
        one_round(rules, work)
    base, b = rates([national, with_local], work, args.seconds)
    print(f"catalogues: {sum(1 for _ in local)} versions over {len(local.scopes())} scopes; "
          f"{decided / len(work):.0%} of the mix decided by one")
    print(f"routing, national list      : {base:>10,.0f} /s")
    print(f"routing, local catalogues   : {b:>10,.0f} /s")
    print(f"ratio local / national      : {b / base:.3f}  (target ≥ 0.9)")


if __name__ == "__main__":
    main()
