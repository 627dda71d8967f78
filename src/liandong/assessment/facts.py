"""Per-case facts for assessment: what each indicator counts of one case, from its events alone.

Every indicator of ``docs/assessment.md`` is a ratio of sums over cases (or over team members);
this module decides, for one case as it stood at a moment, what it adds to each numerator and
denominator. The aggregation (per jurisdiction, department, level, system and period) is then
plain sums, done by the analytics engine (``liandong.assessment.engine``). Keeping the
definitions here, in one pure function, is what makes the CLI, the exports and the workbench
show the same figures.

Pure: no storage, no clock. The caller gives the events of a case up to the moment the figures
are taken at (``as_of``) and the departments' read marks (information symmetry).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from liandong.assessment import fair_facts
from liandong.assessment.fair_facts import FairFacts
from liandong.domain.cases import events as ev
from liandong.domain.cases.case import Case
from liandong.domain.cases.record import CaseRecord
from liandong.domain.cases.routing import Role
from liandong.domain.cases.states import CaseState
from liandong.domain.hierarchy import HierarchyIndex, Level

# A "basically satisfied" answer counts 0.9 of a satisfied one (DESIGN.md §7).
RATING_POINTS = {"satisfied": 1.0, "basically_satisfied": 0.9, "unsatisfied": 0.0}
MAJOR = frozenset({"I", "II", "III", "IV"})
# States in which the handling deadline runs (a paused or shelved case's own clock aside).
_RUNNING = frozenset({CaseState.DISPATCHED, CaseState.ACKNOWLEDGED, CaseState.IN_PROGRESS,
                      CaseState.RETURNED})
_NEW_ACK_CLOCK = (ev.CaseDispatched, ev.ReturnDecided, ev.CaseRedispatched, ev.CaseEscalated)
UNIT_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP)

# The counted columns of a case row, in the order of the tables; (numerator, denominator) pairs
# make the rates of ``engine.RATES``.
COUNTS = (
    "received", "dispatched", "resolved", "closed", "open", "overdue",
    "valid", "contacted", "solved", "satisfaction_points",
    "ack_due", "ack_in_time", "resolved_on_time", "returned", "redone", "extended", "escalated",
    "resource_asked", "summons_due", "summons_in_time", "assists_due", "assists_in_time",
    "copresence_due", "copresent", "team", "team_read_latest", "read_lag_seconds", "reads",
    "supporting",
)


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """What a department on the team adds to the collaboration indicators of its own."""

    department: str
    role: str
    summons_due: int
    summons_in_time: int
    assists_due: int
    assists_in_time: int
    team: int  # 1 for an active member of the team when read marks are known (information symmetry)
    read_latest: int
    read_lag_seconds: int
    reads: int


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """One case as it stood at ``as_of``: its dimensions and its contribution to every count."""

    case_id: str
    received_at: datetime
    matter: str
    severity: str
    source: str
    lead: str  # the lead department at as_of (or the last one it had)
    lead_system: str
    lead_level: int  # Level of the lead's unit; -1 before any dispatch
    places: tuple[tuple[str, str, str, str], ...]  # (province, city, county, township) per place
    counts: Mapping[str, float]
    members: tuple[MemberFacts, ...]
    record: CaseRecord
    values: tuple[float, ...] = ()  # the counts in the order of COUNTS (for the columnar tables)
    fair: FairFacts | None = None  # what the fair rules read (None: not carried, read the events)

    def count(self, name: str) -> float:
        return self.counts[name]


def _units(hierarchy: HierarchyIndex, code: str) -> tuple[str, str, str, str]:
    if code not in hierarchy:
        return ("", "", "", "")
    out = []
    for level in UNIT_LEVELS:
        unit = hierarchy.ancestor_at(code, level)
        out.append(unit.code if unit is not None else "")
    return (out[0], out[1], out[2], out[3])


def level_of(department: str, hierarchy: HierarchyIndex) -> int:
    """The administrative level of a department's unit (``320213-urban_management`` → county)."""
    unit = department.rpartition("-")[0]
    return int(hierarchy.get(unit).level) if unit in hierarchy else -1


def case_facts(case_id: str, events: Sequence[ev.Event], as_of: datetime, hierarchy: HierarchyIndex,
               reads: Mapping[str, tuple[int, datetime]] | None = None) -> CaseFacts | None:
    """The facts of a case from its events up to ``as_of`` (later ones are ignored).

    ``reads`` maps each department to the version it has read up to and when (``case_read``);
    None when unknown (the information-symmetry counts are then 0 of 0). Returns None unless
    the stream starts with a report made before ``as_of``. A case merged into another (并单) is a
    supporting report of its parent: it counts as ``supporting`` alone — not received, not in any
    rate, no team — so the parent counts the matter once."""
    seen = [e for e in events if e.at <= as_of]
    if not seen or not isinstance(seen[0], ev.CaseReported):
        return None
    first = seen[0]
    ack_due: datetime | None = None
    first_ack: tuple[datetime, bool] | None = None
    last_resolution: ev.CaseResolved | None = None
    last_follow_up: ev.CaseFollowedUp | None = None
    dispatched = returned = escalated = closed = extended = resource = False
    redone = 0
    for e in seen:
        if isinstance(e, _NEW_ACK_CLOCK):
            ack_due = e.ack_due
            dispatched = True
            escalated = escalated or isinstance(e, ev.CaseEscalated)
        elif isinstance(e, ev.CaseAcknowledged) and first_ack is None:
            first_ack = (e.at, ack_due is not None and e.at <= ack_due)
        elif isinstance(e, ev.CaseResolved):
            last_resolution = e
        elif isinstance(e, ev.CaseFollowedUp):
            last_follow_up = e
        elif isinstance(e, ev.CaseReturned):
            returned = True
        elif isinstance(e, ev.CaseClosed):
            closed = True
        elif isinstance(e, ev.ExtensionRequested):
            extended = True
        elif isinstance(e, ev.ResourceRequested):
            resource = True
        elif isinstance(e, ev.CaseReopened):
            redone += 1
    r = Case.replay(case_id, seen).record
    waiting = r.state in (CaseState.RETURNED, CaseState.MERGED)
    ack_decided = first_ack is not None or (ack_due is not None and ack_due < as_of and not waiting)
    valid = last_follow_up is not None and last_follow_up.rating in RATING_POINTS
    lead = r.lead or next((code for code, m in reversed(r.team.items()) if m.role is Role.LEAD), "")
    members, team_counts = _members(r, seen, as_of, reads)
    major_or_cross = r.severity in MAJOR or len({_units(hierarchy, p)[2] for p in r.affected}) > 1
    counts: dict[str, float] = {
        "received": 1, "dispatched": int(dispatched),
        "resolved": int(last_resolution is not None), "closed": int(closed),
        "open": int(r.state.is_open),
        "overdue": int(r.state in _RUNNING and r.due is not None and r.due < as_of and r.paused_at is None),
        "valid": int(valid),
        "contacted": int(valid and last_follow_up is not None and last_follow_up.contacted),
        "solved": int(valid and last_follow_up is not None and last_follow_up.solved),
        "satisfaction_points": RATING_POINTS[last_follow_up.rating] if valid and last_follow_up else 0.0,
        "ack_due": int(dispatched and ack_decided),
        "ack_in_time": int(dispatched and ack_decided and first_ack is not None and first_ack[1]),
        "resolved_on_time": int(last_resolution is not None and last_resolution.on_time),
        "returned": int(dispatched and returned), "redone": int(redone > 0),
        "extended": int(dispatched and extended), "escalated": int(dispatched and escalated),
        "resource_asked": int(dispatched and resource),
        "copresence_due": int(dispatched and major_or_cross),
        "copresent": int(dispatched and major_or_cross and _copresent(r, hierarchy)),
        **team_counts, "supporting": 0,
    }
    if r.state is CaseState.MERGED:  # 并单: a child supports its parent, counted once there
        counts, members = {**dict.fromkeys(COUNTS, 0.0), "supporting": 1}, ()
    return CaseFacts(
        case_id=case_id, received_at=first.at, matter=r.matter, severity=r.severity, source=r.source,
        lead=lead, lead_system=lead.rpartition("-")[2], lead_level=level_of(lead, hierarchy) if lead else -1,
        places=tuple(dict.fromkeys(_units(hierarchy, p) for p in r.affected)), counts=counts,
        members=members, record=r, values=tuple(float(counts[name]) for name in COUNTS),
        fair=fair_facts.of_events(seen, events))


def _members(r: CaseRecord, seen: Sequence[ev.Event], as_of: datetime,
             reads: Mapping[str, tuple[int, datetime]] | None,
             ) -> tuple[tuple[MemberFacts, ...], dict[str, float]]:
    """Per active team member: summonses answered in time, assist parts in time, read marks."""
    resolved = r.resolved_at is not None or r.state in (CaseState.FOLLOWED_UP, CaseState.CLOSED)
    at_version = [e.at for e in seen]
    latest = len(seen)
    out = []
    totals = dict.fromkeys(("summons_due", "summons_in_time", "assists_due", "assists_in_time",
                            "team", "team_read_latest", "read_lag_seconds", "reads"), 0.0)
    departments = [code for code, m in r.team.items() if m.active]
    departments += [code for code in r.summons if code not in departments]
    for code in departments:
        m = r.team.get(code)
        s = r.summons.get(code)
        s_due = int(s is not None and (s.answered_at is not None or s.due < as_of))
        s_in = int(s_due == 1 and s is not None and bool(s.on_time))
        a_due = a_in = 0
        if m is not None and m.active and m.role is Role.ASSIST:
            a_due = int(m.reported_at is not None or resolved)
            a_in = int(m.reported_at is not None and _assist_on_time(seen, code))
        on_team = int(reads is not None and m is not None and m.active)
        mark = reads.get(code) if reads is not None and on_team else None
        read_latest = lag = n_reads = 0
        if mark is not None and mark[1] <= as_of and mark[0] >= 1:
            version = min(mark[0], latest)
            read_latest = int(mark[0] >= latest)
            lag = max(0, int((mark[1] - at_version[version - 1]).total_seconds()))
            n_reads = 1
        role = m.role.value if m is not None and m.active else Role.SUMMONED.value
        out.append(MemberFacts(code, role, s_due, s_in, a_due, a_in, on_team, read_latest, lag, n_reads))
        for key, value in (("summons_due", s_due), ("summons_in_time", s_in), ("assists_due", a_due),
                           ("assists_in_time", a_in),
                           ("team", on_team),
                           ("team_read_latest", read_latest), ("read_lag_seconds", lag), ("reads", n_reads)):
            totals[key] += value
    return tuple(out), totals


def _assist_on_time(seen: Sequence[ev.Event], department: str) -> bool:
    for e in reversed(seen):
        if isinstance(e, ev.AssistReported) and e.department == department:
            return e.on_time
    return False


def _copresent(r: CaseRecord, hierarchy: HierarchyIndex) -> bool:
    """共同在场: every level from the owner down to the deepest department working on the case
    has a department on the team (no level in between left out of the loop)."""
    levels = {level_of(code, hierarchy) for code, m in r.team.items() if m.active}
    levels.discard(-1)
    if not levels:
        return False
    top = min(levels)
    # the levels the case's places actually have between the top and the deepest member
    deepest = max(levels)
    needed = {int(u.level) for p in r.affected if p in hierarchy for u in hierarchy.path(p)
              if top <= int(u.level) <= deepest}
    return needed <= levels
