"""What the fair rules read of a case, carried on its facts (issue 25 point 5, decision 0051): per
measured part (the last resolution, each assisting department's last part) how late it was against
the deadline in force and how long each stoppable wait ran before it, and the centre's finding.

``fair.fair_case`` reads the same from the events each time the figures are taken; this is the
same reading folded once, as the events land, into accumulators that a fact row keeps (JSON: ints,
None, lists and a dict of str keys), so that the on-time measures under any set of clock stops and
the exclusions are sums over the facts (``fair.adjust_facts``, the engine's fair columns) with no
event read. Times are integer microseconds: a part is on time under the stops ``S`` when
``late ≤ Σ stopped[k] for k in S`` (exact; ``fair.fair_case`` compares the same timedeltas).

The deadline in force is tracked from the events that set it (as ``CaseRecord.due`` is).

Pure: no storage, no clock.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from liandong.domain.cases import events as ev
from liandong.domain.cases.events.adjudication import EXCLUDING, AppealRuled, RequestAdjudicated

KINDS = ("extension", "resource")
"""The waits a clock stop takes off that the case's own deadline runs through (``fair_rules.STOPS``)."""
NEW_DEADLINE = (ev.CaseDispatched, ev.ReturnDecided, ev.CaseRedispatched, ev.CaseEscalated, ev.CaseReopened)
KEPT = frozenset({"received", "open", "closed", "overdue", "supporting"})
"""The counts an excluded case keeps (what is received and open is not a rate); every numerator
and denominator of a rate is taken off."""
_SETS_DUE = (*NEW_DEADLINE, ev.ExtensionDecided, ev.CaseUnpaused, ev.CaseResumed)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _us(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@dataclass(frozen=True, slots=True)
class Clock:
    """One measured part: microseconds past the deadline in force (None: there was none) and
    microseconds stopped before it by each kind of wait (``KINDS``)."""

    late: int | None
    extension: int
    resource: int

    def on_time(self, extension: bool, resource: bool) -> bool:
        """On time with the waits of the kinds asked for taken off."""
        return self.late is None or self.late <= extension * self.extension + resource * self.resource

    @property
    def stopped(self) -> int:
        return self.extension + self.resource


@dataclass(frozen=True, slots=True)
class FairFacts:
    """The fair part of a case's facts."""

    resolution: Clock | None  # the last resolution (None: not resolved)
    assists: tuple[tuple[str, Clock], ...]  # per assisting department, its last part
    finding: str  # the finding in force (``FINDINGS``; "" when none was made)

    @property
    def excluded(self) -> bool:
        return self.finding in EXCLUDING

    def assist(self, department: str) -> Clock | None:
        return next((c for d, c in self.assists if d == department), None)


def empty() -> dict[str, Any]:
    # due: the deadline in force; stop: stopped per kind since it was set; open: since when a wait
    # of each kind runs; res / as: the parts measured ([late, extension, resource]); fin: the finding
    return {"due": None, "stop": [0, 0], "open": [None, None], "res": None, "as": {}, "fin": ""}


def fold(acc: dict[str, Any], events: Sequence[ev.Event]) -> dict[str, Any]:
    """The accumulators after ``events`` (a new dict; ``acc`` is left as it was)."""
    out = {**acc, "stop": list(acc["stop"]), "open": list(acc["open"]), "as": dict(acc["as"])}
    stop, running = out["stop"], out["open"]
    for e in events:
        at = _us(e.at)
        if isinstance(e, ev.CaseResolved | ev.AssistReported):
            due = out["due"]
            part = [None if due is None else at - due,
                    *(stop[k] + (at - running[k] if running[k] is not None else 0) for k in (0, 1))]
            if isinstance(e, ev.CaseResolved):
                out["res"] = part
            else:
                out["as"][e.department] = part
        elif isinstance(e, NEW_DEADLINE):
            stop[:], running[:] = [0, 0], [None, None]
        elif isinstance(e, ev.ExtensionRequested):
            running[0] = at
        elif isinstance(e, ev.ExtensionDecided) and running[0] is not None:
            stop[0] += 0 if e.approved else at - running[0]
            running[0] = None
        elif isinstance(e, ev.ResourceRequested):
            running[1] = at
        elif isinstance(e, ev.ResourceDecided) and running[1] is not None:
            stop[1] += at - running[1]
            running[1] = None
        elif isinstance(e, RequestAdjudicated | AppealRuled):
            out["fin"] = e.finding
        if isinstance(e, _SETS_DUE):
            out["due"] = _us(e.due)
        elif isinstance(e, ev.CaseShelved):
            out["due"] = _us(e.until)
    return out


def finding_of(events: Sequence[ev.Event]) -> str:
    """The finding in force after ``events`` (a finding counts whenever it was made)."""
    found = ""
    for e in events:
        if isinstance(e, RequestAdjudicated | AppealRuled):
            found = e.finding
    return found


def read(acc: dict[str, Any], finding: str | None = None) -> FairFacts:
    """The fair facts of the accumulators (``finding``: the one in force now, when later than them)."""
    res = acc["res"]
    return FairFacts(None if res is None else Clock(*res),
                     tuple((d, Clock(*part)) for d, part in sorted(acc["as"].items())),
                     acc["fin"] if finding is None else finding)


def of_events(seen: Sequence[ev.Event], events: Sequence[ev.Event]) -> FairFacts:
    """The fair facts of a case from the events up to the moment (``seen``) and its whole stream
    (for the finding)."""
    return read(fold(empty(), seen), finding_of(events))


def dumps(acc: dict[str, Any]) -> str:
    """The accumulators as a fact row keeps them."""
    return json.dumps(acc, ensure_ascii=False, separators=(",", ":"))


def after_versions(events: Sequence[ev.Event], versions: Sequence[int]) -> list[str]:
    """The accumulators after the events 1..v of a stream, for each version ``v`` asked for
    (ascending): what the fact row of that version keeps (migration 0035)."""
    out, acc, done = [], empty(), 0
    for v in versions:
        acc, done = fold(acc, events[done:v]), v
        out.append(dumps(acc))
    return out
