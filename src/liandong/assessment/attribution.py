"""Precise accountability (精准问责): who held an adverse case, for how long, at which stage.

An adverse outcome (a breach of the deadline, a redo, an unsatisfied rating, an escalation on a
breach) is split along the case's events into segments, each held by one party:

- waiting for dispatch (the dispatch centre), for acknowledgement and for handling (the lead);
- a return awaiting its decision (the deciding level; a disputed return is a responsibility gap);
- a case routed with no entry in the responsibility list (the provincial government, which
  issues the list: 权责清单);
- a pending summons (the summoned departments, sharing the time), an assist part reported after
  the deadline (the assisting department, from the deadline to its report);
- an extension or resource request awaiting the decision above (the approver);
- the clock paused for the reporter (the reporter: no one's fault), and the follow-up (the centre).

Where several holds overlap, the one of highest priority holds the time (a decision awaited above
over a summons over the lead's own handling). Each segment goes to its party's stage: the centre
is the front end, province and city the middle, county and township the back end (DESIGN.md §7).
The evidence of a segment is the pair of event versions that opened and closed it (the ledger
holds each event as a signed leaf). Outcomes of cases inside a sanctioned pilot are marked for
error tolerance (容错).

Pure: events in, segments out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from liandong.domain.cases import events as ev
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.domain.instruments.kinds import Kind
from liandong.domain.instruments.record import InstrumentRecord
from liandong.domain.organisation import GOVERNMENT

REPORTER = "reporter"
STAGES = ("front", "middle", "back")
OUTCOMES = ("breach", "redo", "unsatisfied", "escalated")
# kind → priority (higher holds the time when holds overlap)
KINDS: dict[str, int] = {
    "dispatch": 0, "acknowledgement": 0, "handling": 0, "follow_up": 0, "return_decision": 0,
    "disputed_return": 0, "responsibility_gap": 0,
    "summons": 1, "assist": 1,
    "extension": 2, "resource": 2,
    "reporter": 3,
}


@dataclass(frozen=True, slots=True)
class Pilot:
    """A sanctioned pilot (政策试点): cases of its matters (all when empty) with a place in its
    scope, received within ``[start, end)``, carry the error-tolerance mark."""

    name: str
    scope: str
    start: datetime
    end: datetime
    matters: frozenset[str] = frozenset()

    def covers(self, matter: str, places: Iterable[str], received: datetime,
               hierarchy: HierarchyIndex) -> bool:
        if self.matters and matter not in self.matters:
            return False
        if not self.start <= received < self.end or self.scope not in hierarchy:
            return False
        return any(p in hierarchy and hierarchy.is_ancestor(self.scope, p) for p in places)


@dataclass(frozen=True, slots=True)
class Segment:
    party: str  # a department code, or "reporter"
    stage: str  # front, middle, back; "" for the reporter
    kind: str
    start: datetime
    end: datetime
    seconds: float  # the party's share of the time (holds shared by several parties are split)
    evidence: tuple[int, int]  # the versions of the events that opened and closed the hold


@dataclass(frozen=True, slots=True)
class Attribution:
    case_id: str
    outcomes: tuple[str, ...]
    default_party: str  # where blame falls by default: the lead at the outcome
    default_stage: str
    tolerance: str  # the pilot's name when the case is inside a sanctioned pilot, else ""
    segments: tuple[Segment, ...]

    def held(self) -> dict[str, float]:
        """Seconds per party."""
        out: dict[str, float] = defaultdict(float)
        for s in self.segments:
            out[s.party] += s.seconds
        return dict(out)


def pilots_of(records: Iterable[InstrumentRecord]) -> list[Pilot]:
    """The sanctioned pilots recorded on the platform: each pilot unit (an addressee's jurisdiction)
    from the issue to the decision that ended it (or its end date), for the matters it names in its
    subject (comma-separated matter codes; all matters when empty)."""
    out = []
    for r in records:
        if r.kind is not Kind.PILOT or r.issued_at is None or r.state == "withdrawn":
            continue
        end = r.decision.at if r.decision is not None and r.decision.decision != "extend" else (
            r.due or datetime.max.replace(tzinfo=r.issued_at.tzinfo))
        matters = frozenset(m.strip() for m in r.subject.split(",") if m.strip())
        out += [Pilot(r.title, a.rpartition("-")[0], r.issued_at, end, matters) for a in r.addressees]
    return out


def stage_of(level: int) -> str:
    if level == Level.CENTRAL:
        return "front"
    if level in (Level.PROVINCE, Level.CITY):
        return "middle"
    if level in (Level.COUNTY, Level.TOWNSHIP):
        return "back"
    return ""


def party_stage(party: str, hierarchy: HierarchyIndex) -> str:
    unit = party.rpartition("-")[0]
    return stage_of(int(hierarchy.get(unit).level)) if unit in hierarchy else ""


@dataclass(slots=True)
class _Hold:
    party: str
    kind: str
    start: datetime
    end: datetime | None
    opened: int
    closed: int = 0


def outcomes_of(events: Sequence[ev.Event], as_of: datetime) -> tuple[str, ...]:
    """The adverse outcomes of a case by ``as_of``."""
    found: list[str] = []
    due: datetime | None = None
    resolved_late = False
    resolved = False
    last_rating = ""
    for e in events:
        if isinstance(e, (ev.CaseDispatched, ev.ReturnDecided, ev.CaseRedispatched, ev.CaseEscalated,
                          ev.ExtensionDecided, ev.CaseReopened, ev.CaseUnpaused, ev.CaseResumed)):
            due = e.due
            if isinstance(e, ev.CaseReopened):
                resolved = False
        if isinstance(e, ev.CaseResolved):
            resolved = True
            resolved_late = resolved_late or not e.on_time
        elif isinstance(e, ev.CaseReopened) and "redo" not in found:
            found.append("redo")
        elif isinstance(e, ev.CaseFollowedUp):
            last_rating = e.rating
        elif isinstance(e, ev.CaseEscalated) and e.trigger == "breach" and "escalated" not in found:
            found.append("escalated")
    if resolved_late or (not resolved and due is not None and due < as_of):
        found.insert(0, "breach")
    if last_rating == "unsatisfied":
        found.append("unsatisfied")
    return tuple(k for k in OUTCOMES if k in found)


def attribute(case_id: str, events: Sequence[ev.Event], as_of: datetime, hierarchy: HierarchyIndex,
              pilots: Sequence[Pilot] = ()) -> Attribution | None:
    """The attribution of a case's adverse outcomes as at ``as_of``; None when it has none."""
    seen = [e for e in events if e.at <= as_of]
    if not seen or not isinstance(seen[0], ev.CaseReported):
        return None
    outcomes = outcomes_of(seen, as_of)
    if not outcomes:
        return None
    report = seen[0]
    holds, end, lead = _holds(seen, as_of, hierarchy)
    segments = _partition(holds, end, hierarchy)
    pilot = next((p.name for p in pilots
                  if p.covers(report.matter, report.affected, report.at, hierarchy)), "")
    return Attribution(case_id, outcomes, lead, party_stage(lead, hierarchy), pilot, tuple(segments))


def _centre(affected: Sequence[str], hierarchy: HierarchyIndex) -> str:
    """The dispatch centre (12345) of a case not yet dispatched: its city's government."""
    for code in affected:
        if code in hierarchy:
            city = hierarchy.nearest_at_or_above(code, Level.CITY)
            return f"{city.code}-{GOVERNMENT}"
    return "platform"


def _province_government(affected: Sequence[str], hierarchy: HierarchyIndex) -> str:
    for code in affected:
        if code in hierarchy:
            return f"{hierarchy.nearest_at_or_above(code, Level.PROVINCE).code}-{GOVERNMENT}"
    return "platform"


def _holds(seen: Sequence[ev.Event], as_of: datetime,
           hierarchy: HierarchyIndex) -> tuple[list[_Hold], datetime, str]:
    report = seen[0]
    assert isinstance(report, ev.CaseReported)
    holds: list[_Hold] = []
    base = _Hold(_centre(report.affected, hierarchy), "dispatch", report.at, None, 1)
    holds.append(base)
    pending: dict[tuple[str, str], _Hold] = {}
    lead = ""
    gap = False
    due: datetime | None = None
    end = as_of

    def switch(party: str, kind: str, at: datetime, version: int) -> None:
        nonlocal base
        base.end, base.closed = at, version
        base = _Hold(party, kind, at, None, version)
        holds.append(base)

    def open_hold(key: tuple[str, str], party: str, kind: str, at: datetime, version: int) -> None:
        pending[key] = _Hold(party, kind, at, None, version)
        holds.append(pending[key])

    def close_hold(key: tuple[str, str], at: datetime, version: int) -> None:
        hold = pending.pop(key, None)
        if hold is not None:
            hold.end, hold.closed = at, version

    for version, e in enumerate(seen, start=1):
        if isinstance(e, ev.CaseRouted):
            gap = e.gap
            lead = e.lead
            if gap and base.kind == "dispatch":
                open_hold(("gap", ""), _province_government(report.affected, hierarchy),
                          "responsibility_gap", e.at, version)
        elif isinstance(e, (ev.CaseDispatched, ev.ReturnDecided, ev.CaseRedispatched, ev.CaseEscalated)):
            lead, due = e.lead, e.due
            close_hold(("gap", ""), e.at, version)
            switch(lead, "acknowledgement", e.at, version)
        elif isinstance(e, ev.CaseAcknowledged):
            switch(lead, "handling", e.at, version)
        elif isinstance(e, ev.CaseReturned):
            switch(e.decider, "disputed_return" if e.disputed or gap else "return_decision", e.at, version)
        elif isinstance(e, (ev.CaseResolved, ev.CaseClosed)):
            for key in [k for k in pending if k[0] != "gap"]:
                close_hold(key, e.at, version)
            if isinstance(e, ev.CaseClosed):
                end = e.at
                base.end, base.closed = e.at, version
                break
            switch(_centre(report.affected, hierarchy), "follow_up", e.at, version)
        elif isinstance(e, ev.CaseReopened):
            due = e.due
            switch(lead, "handling", e.at, version)
        elif isinstance(e, ev.LeadChanged):
            lead = e.lead
            if base.kind in ("acknowledgement", "handling"):
                switch(lead, base.kind, e.at, version)
        elif isinstance(e, ev.SummonsIssued):
            for dept in e.departments:
                open_hold(("summons", dept), dept, "summons", e.at, version)
        elif isinstance(e, ev.SummonsAnswered):
            close_hold(("summons", e.department), e.at, version)
        elif isinstance(e, ev.AssistReported) and not e.on_time and due is not None and due < e.at:
            holds.append(_Hold(e.department, "assist", due, e.at, version, version))
        elif isinstance(e, ev.ExtensionRequested):
            open_hold(("extension", ""), e.approver, "extension", e.at, version)
        elif isinstance(e, ev.ExtensionDecided):
            due = e.due
            close_hold(("extension", ""), e.at, version)
        elif isinstance(e, ev.ResourceRequested):
            open_hold(("resource", ""), e.approver, "resource", e.at, version)
        elif isinstance(e, ev.ResourceDecided):
            close_hold(("resource", ""), e.at, version)
        elif isinstance(e, ev.CasePaused):
            open_hold(("reporter", ""), REPORTER, "reporter", e.at, version)
        elif isinstance(e, ev.CaseUnpaused):
            due = e.due
            close_hold(("reporter", ""), e.at, version)
        elif isinstance(e, (ev.CaseResumed,)):
            due = e.due
    for hold in holds:
        if hold.end is None:
            hold.end, hold.closed = end, len(seen)
    return holds, end, lead


def _partition(holds: Sequence[_Hold], end: datetime, hierarchy: HierarchyIndex) -> list[Segment]:
    """Cut the time at every hold's ends; each piece goes to the holds of highest priority in it
    (shared equally); consecutive pieces of the same hold are joined."""
    cuts = sorted({h.start for h in holds} | {h.end for h in holds if h.end is not None} | {end})
    acc: dict[int, list[float]] = {}  # hold index → [seconds]
    bounds: dict[int, tuple[datetime, datetime]] = {}
    for a, b in pairwise(cuts):
        if b > end:
            break
        live = [i for i, h in enumerate(holds) if h.start <= a and h.end is not None and h.end >= b]
        if not live:
            continue
        top = max(KINDS[holds[i].kind] for i in live)
        winners = [i for i in live if KINDS[holds[i].kind] == top]
        share = (b - a).total_seconds() / len(winners)
        for i in winners:
            acc.setdefault(i, [0.0])[0] += share
            first, _ = bounds.get(i, (a, b))
            bounds[i] = (first, b)
    out = []
    for i in sorted(acc, key=lambda i: (bounds[i][0], i)):
        h = holds[i]
        stage = "" if h.party == REPORTER else party_stage(h.party, hierarchy)
        out.append(Segment(h.party, stage, h.kind, bounds[i][0], bounds[i][1], acc[i][0],
                           (h.opened, h.closed)))
    return out


# -- aggregates ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Summary:
    """Attribution over many cases: held time per party and stage, and the fairness figure."""

    cases: int
    tolerated: int
    by_party: Mapping[str, float]  # seconds
    by_stage: Mapping[str, float]
    by_kind: Mapping[str, float]
    default_by_stage: Mapping[str, int]  # adverse cases blamed on each stage by default

    @property
    def blamable_seconds(self) -> float:
        return sum(self.by_stage.get(s, 0.0) for s in STAGES)

    def held_share(self, stage: str) -> float | None:
        total = self.blamable_seconds
        return self.by_stage.get(stage, 0.0) / total if total else None

    def default_share(self, stage: str) -> float | None:
        total = sum(self.default_by_stage.values())
        return self.default_by_stage.get(stage, 0) / total if total else None

    @property
    def fairness(self) -> float | None:
        """The grassroots' (back end's) share of the delay they held, over their share of the blame
        by default (the lead at the outcome takes it all): 1 is fair, below 1 the grassroots are
        blamed for more than they held."""
        held, blamed = self.held_share("back"), self.default_share("back")
        if held is None or not blamed:
            return None
        return held / blamed


def by_time_held(item: tuple[str, float]) -> tuple[float, str]:
    """The order of parties by seconds held, most first, then by code: the same whichever order the
    seconds were added in (to a millisecond)."""
    return -round(item[1], 3), item[0]


def summarise(attributions: Iterable[Attribution], *, include_tolerated: bool = False) -> Summary:
    by_party: dict[str, float] = defaultdict(float)
    by_stage: dict[str, float] = defaultdict(float)
    by_kind: dict[str, float] = defaultdict(float)
    default: dict[str, int] = defaultdict(int)
    n = tolerated = 0
    for a in attributions:
        if a.tolerance:
            tolerated += 1
            if not include_tolerated:
                continue
        n += 1
        if a.default_stage:
            default[a.default_stage] += 1
        for s in a.segments:
            by_party[s.party] += s.seconds
            by_kind[s.kind] += s.seconds
            if s.stage:
                by_stage[s.stage] += s.seconds
    return Summary(n, tolerated, dict(by_party), dict(by_stage), dict(by_kind), dict(default))
