"""The fair rules as columns of the engine's tables (issue 25 point 5, decision 0051): per case, the
finding that excludes it and the on-time counts under each set of clock stops that changes them,
so that the figures under any ``[clock_stops]`` and ``[exclusions]`` are sums of the ``cases`` and
``members`` tables — the same as ``fair.adjust`` gives case by case from the events.

A stop set is a pair (a refused extension's wait, a resource wait); ``SUFFIX`` names the three that
change a figure (with neither, the facts are today's). A case that carries no fair part
(``CaseFacts.fair`` None) keeps today's counts in every column and is never excluded."""

from __future__ import annotations

from collections.abc import Iterable

from liandong.assessment.facts import COUNTS, CaseFacts, MemberFacts
from liandong.assessment.fair_facts import KEPT, FairFacts

SUFFIX = {(True, False): "e", (False, True): "r", (True, True): "er"}
STOPPED = ("resolved_on_time", "assists_in_time")
CASE_COLUMNS = ("excluded", *(f"{n}_{s}" for n in STOPPED for s in SUFFIX.values()))
MEMBER_COLUMNS = tuple(f"assists_in_time_{s}" for s in SUFFIX.values())
Mode = tuple[bool, bool, bool]
"""(stop for a refused extension, stop for a resource wait, exclusions)."""


def _assist(m: MemberFacts, fair: FairFacts | None, stops: tuple[bool, bool]) -> int:
    clock = fair.assist(m.department) if fair is not None and m.assists_due else None
    return m.assists_in_time if clock is None else int(clock.on_time(*stops))


def member_values(m: MemberFacts, fair: FairFacts | None) -> tuple[float, ...]:
    """A team member's assist part on time under each stop set."""
    return tuple(float(_assist(m, fair, stops)) for stops in SUFFIX)


def case_values(f: CaseFacts) -> tuple[float, ...]:
    """A case's ``CASE_COLUMNS`` (the flag as 0/1)."""
    fair = f.fair
    if fair is None or f.counts.get("supporting"):
        return (0.0, *(float(f.counts[n]) for n in STOPPED for _ in SUFFIX))
    resolved = f.counts.get("resolved") and fair.resolution is not None
    on_time = [float(fair.resolution.on_time(*s)) if resolved and fair.resolution is not None
               else float(f.counts["resolved_on_time"]) for s in SUFFIX]
    assists = [float(sum(_assist(m, fair, s) for m in f.members)) for s in SUFFIX]
    return (float(fair.excluded), *on_time, *assists)


def mode_of(stops: Iterable[str], exclusions: bool) -> Mode:
    found = set(stops)
    return "extension" in found, "resource" in found, exclusions


def _column(name: str, mode: Mode | None) -> str:
    if mode is not None and name in STOPPED and (mode[0] or mode[1]):
        return f"{name}_{SUFFIX[mode[0], mode[1]]}"
    return name


def sums(mode: Mode | None, *, outer: bool = False) -> str:
    """The select list of the sums of ``COUNTS`` under the fair mode's clock stops (None: today's);
    ``outer``: over the sums per group and exclusion (the counts that are rates' of the cases not
    excluded, the others of all).

    FSUM (compensated summation) for the one fractional count: a plain SUM of doubles depends on the
    order DuckDB's threads add in, and 0.9 × basically satisfied would drift in the last digits."""
    out = []
    for n in COUNTS:
        agg = "FSUM" if n == "satisfaction_points" else "SUM"
        if outer:
            out.append(f"{agg}({n}){'' if n in KEPT else ' FILTER (WHERE NOT excluded)'} AS {n}")
        else:
            out.append(f"{agg}({_column(n, mode)}) AS {n}")
    return ", ".join(out)


def query(key: str, where: str, group: str | None, mode: Mode | None) -> str:
    """The sums of the ``cases`` rows ``where`` says, per ``group`` (None: one row), keyed ``key``.
    With exclusions, summed per group and exclusion first, then the groups' rows: as fast as one
    sum (a ``FILTER`` on every column of the rows themselves took twice as long), and exact, each
    count of a group being the sum of one row or of whole numbers."""
    by = f" GROUP BY {group}" if group else ""
    if mode is None or not mode[2]:
        return f"SELECT {key} AS key, {sums(mode)} FROM cases WHERE {where}{by}"
    inner = (f"SELECT {key} AS key, excluded, {sums(mode)} FROM cases WHERE {where} "
             f"GROUP BY {group + ', ' if group else ''}excluded")
    return f"SELECT key, {sums(mode, outer=True)} FROM ({inner}) GROUP BY key"


def member_sums(names: Iterable[str], mode: Mode | None) -> str:
    return ", ".join(f"SUM(m.{_column(n, mode)}) AS {n}" for n in names)


def kept(mode: Mode | None) -> str:
    """The condition on a case for its team members to count (an excluded case has none)."""
    return " AND NOT excluded" if mode is not None and mode[2] else ""
