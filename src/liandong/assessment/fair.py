"""Fair assessment per case (issue 25 point 5): what a case's events say beyond its facts — the
on-time measures with the clock stops of the rules, the centre's finding on the request (不合理诉求
认定) and its appeal, and the 回访核实 of a sampled case — and the facts adjusted by them.

Clock stops (``fair_rules.STOPS``). The handling deadline a case carries already stops for three
waits: waiting for the reporter (CasePaused → CaseUnpaused moves the deadline on by the pause),
a return awaiting its ruling (ReturnDecided, CaseRedispatched and CaseEscalated start the clocks
anew from the ruling) and 挂账 (CaseShelved makes the deadline the shelving date until CaseResumed).
Two waits for another authority's decision run through it today, and a rule stops them:

- ``extension``: ExtensionRequested starts the stop, ExtensionDecided ends it — counted only when the
  extension is refused (an approved one moved the deadline to the date the lead asked for);
- ``resource``: ResourceRequested starts it, ResourceDecided ends it.

A wait still undecided when the case is resolved (or an assist part reported) counts up to then.
The stopped time is added to the deadline in force when the resolution (按时办结) or the assist
part (协办按时) is measured; a new deadline (a new lead's clocks, 重办) starts with no stop.

The finding on the request is the one in force when the figures are read, whenever it was made:
the centre rules on a month's requests after the month, before its assessment is published.

Pure: no storage, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from liandong.assessment.facts import COUNTS, RATING_POINTS, CaseFacts
from liandong.assessment.fair_facts import KEPT
from liandong.assessment.rules import AssessmentRules
from liandong.domain.cases import events as ev
from liandong.domain.cases.events.adjudication import APPLY_ADJUDICATION, Adjudication
from liandong.domain.cases.record import CaseRecord, apply
from liandong.domain.cases.waiting import sampled_for_verification

_NEW_DEADLINE = (ev.CaseDispatched, ev.ReturnDecided, ev.CaseRedispatched, ev.CaseEscalated, ev.CaseReopened)


@dataclass(frozen=True, slots=True)
class FairCase:
    """What the fair rules read of one case's events at a moment."""

    case_id: str
    resolved_on_time: bool | None  # the last resolution, with the clock stops (None: not resolved)
    assists_on_time: Mapping[str, bool]  # per assisting department, its last part, with the stops
    stopped_seconds: int  # stopped before the last resolution (or up to now, unresolved)
    adjudication: Adjudication | None
    sampled: bool  # in the 回访核实 sample, with a valid first rating
    first_rating: str  # the follow-up's rating ("" without one)
    verified: bool  # a second, independent call was made
    verified_rating: str  # its rating ("none": the reporter was not reached)
    agrees: bool

    @property
    def excluded(self) -> bool:
        return self.adjudication is not None and self.adjudication.excluded


def fair_case(case_id: str, events: Sequence[ev.Event], as_of: datetime, stops: Sequence[str]) -> FairCase:
    """The fair reading of a case's events up to ``as_of``."""
    record = CaseRecord(case_id)
    stopped = timedelta()
    open_stops: dict[str, datetime] = {}
    on_time: bool | None = None
    assists: dict[str, bool] = {}
    last_stopped = 0
    first_rating, verified, verified_rating, agrees = "", False, "", False

    def pending(at: datetime) -> timedelta:
        return sum((at - since for since in open_stops.values()), timedelta())

    for e in events:
        if e.at > as_of:  # a finding made after the period (before its assessment) still counts
            if type(e) in APPLY_ADJUDICATION:
                APPLY_ADJUDICATION[type(e)](record, e)
            continue
        if isinstance(e, ev.CaseResolved | ev.AssistReported):
            due = record.due
            extra = stopped + pending(e.at)
            timely = due is None or e.at - due <= extra
            if isinstance(e, ev.CaseResolved):
                on_time, last_stopped = timely, int(extra.total_seconds())
            else:
                assists[e.department] = timely
        elif isinstance(e, _NEW_DEADLINE):
            stopped = timedelta()
            open_stops.clear()
        elif isinstance(e, ev.ExtensionRequested) and "extension" in stops:
            open_stops["extension"] = e.at
        elif isinstance(e, ev.ExtensionDecided) and "extension" in open_stops:
            since = open_stops.pop("extension")
            stopped += timedelta() if e.approved else e.at - since
        elif isinstance(e, ev.ResourceRequested) and "resource" in stops:
            open_stops["resource"] = e.at
        elif isinstance(e, ev.ResourceDecided) and "resource" in open_stops:
            stopped += e.at - open_stops.pop("resource")
        elif isinstance(e, ev.CaseFollowedUp):
            first_rating = e.rating
        elif isinstance(e, ev.FollowUpVerified):
            verified, verified_rating, agrees = True, e.rating, e.agrees
        apply(record, e)
    if on_time is None:
        last_stopped = int((stopped + pending(as_of)).total_seconds())
    sampled = first_rating in RATING_POINTS and sampled_for_verification(case_id)
    return FairCase(case_id, on_time, assists, last_stopped, record.adjudication, sampled, first_rating,
                    verified, verified_rating, agrees)


def active(rules: AssessmentRules) -> bool:
    """Whether the rules change the facts (clock stops that do something, or exclusions)."""
    return rules.exclusions.enabled or any(stops_of(rules))


def stops_of(rules: AssessmentRules) -> tuple[bool, bool]:
    """Whether the rules stop the clock for a refused extension's wait, and for a resource wait."""
    return "extension" in rules.clock_stops.stops, "resource" in rules.clock_stops.stops


def adjust(f: CaseFacts, fc: FairCase, rules: AssessmentRules) -> CaseFacts:
    """The facts of a case under the fair rules: an excluded case keeps only what is not a rate;
    with clock stops, the on-time measures are those of ``fc``."""
    return _adjusted(f, fc.excluded, fc.resolved_on_time, fc.assists_on_time, rules)


def adjust_facts(f: CaseFacts, rules: AssessmentRules) -> CaseFacts:
    """``adjust`` from what the facts carry (``CaseFacts.fair``, decision 0051): no event is read,
    and the facts are the same as ``refine`` gives."""
    ff = f.fair
    if ff is None:
        raise ValueError(f"the facts of {f.case_id} carry no fair part: read its events (refine)")
    ext, res = stops_of(rules)
    on_time = None if ff.resolution is None else ff.resolution.on_time(ext, res)
    return _adjusted(f, ff.excluded, on_time, {d: c.on_time(ext, res) for d, c in ff.assists}, rules)


def _adjusted(f: CaseFacts, excluded: bool, resolved_on_time: bool | None,
              assists_on_time: Mapping[str, bool], rules: AssessmentRules) -> CaseFacts:
    if f.counts.get("supporting"):
        return f  # a merged child counts in nothing already
    if rules.exclusions.enabled and excluded:
        counts = {n: (f.counts[n] if n in KEPT else 0.0) for n in COUNTS}
        return replace(f, counts=counts, members=(), values=tuple(float(counts[n]) for n in COUNTS))
    if not any(stops_of(rules)):
        return f
    counts = dict(f.counts)
    if counts.get("resolved") and resolved_on_time is not None:
        counts["resolved_on_time"] = float(resolved_on_time)
    members = tuple(replace(m, assists_in_time=int(assists_on_time[m.department]))
                    if m.assists_due and m.department in assists_on_time else m for m in f.members)
    counts["assists_in_time"] = float(sum(m.assists_in_time for m in members))
    return replace(f, counts=counts, members=members, values=tuple(float(counts[n]) for n in COUNTS))


def refine(facts: Sequence[CaseFacts], streams: Callable[[list[str]], Mapping[str, Sequence[ev.Event]]],
           as_of: datetime, rules: AssessmentRules) -> tuple[list[CaseFacts], dict[str, FairCase]]:
    """The facts adjusted by the fair rules, and the fair reading of each case (``streams`` gives
    the events of the cases asked for)."""
    events = streams([f.case_id for f in facts])
    stops = rules.clock_stops.stops
    cases = {f.case_id: fair_case(f.case_id, events.get(f.case_id, ()), as_of, stops) for f in facts}
    if not active(rules):
        return list(facts), cases
    return [adjust(f, cases[f.case_id], rules) for f in facts], cases
