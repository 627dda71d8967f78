"""Stored case facts (事实表): what ``facts.case_facts`` needs of a case, kept as its events land.

A row is written with every save of a case: the accumulators folded over its events (first
acknowledgement, last resolution and follow-up, flags, the time of each version) and what the
case's record says after them (state, lead, team, summonses, places). It holds no hierarchy and no
moment: ``facts_of`` turns a row into the ``CaseFacts`` of any moment at or after the row's events
and before the next row's (the deadlines passed by then, the read marks made by then, the places'
units). Rows are versioned: the facts of a closed period are the row valid at its end.

A save is *regular* when all its events share one time, not earlier than the events before
them; a row of an irregular save (a backfill, events of several moments) marks the moments from
its earliest event on as "replay the events" — exact, and rare.

Pure: no storage, no clock.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from liandong.assessment.facts import (
    COUNTS,
    MAJOR,
    RATING_POINTS,
    CaseFacts,
    MemberFacts,
    _copresent,
    _units,
    level_of,
)
from liandong.domain.cases import events as ev
from liandong.domain.cases.record import CaseRecord, TeamMember, apply
from liandong.domain.cases.routing import Role
from liandong.domain.cases.states import CaseState
from liandong.domain.hierarchy import HierarchyIndex
from liandong.services.ports import FactRow

_RUNNING = frozenset({CaseState.DISPATCHED, CaseState.ACKNOWLEDGED, CaseState.IN_PROGRESS,
                      CaseState.RETURNED})
_NEW_ACK_CLOCK = (ev.CaseDispatched, ev.ReturnDecided, ev.CaseRedispatched, ev.CaseEscalated)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime | None) -> int | None:
    """A moment as integer microseconds since 1970 (exact, compact in JSON)."""
    if moment is None:
        return None
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def moment(us: int | None) -> datetime | None:
    return None if us is None else _EPOCH + timedelta(microseconds=us)


def _empty_acc() -> dict[str, Any]:
    return {"ack_due": None, "first_ack": None, "disp": 0, "ret": 0, "esc": 0, "clo": 0, "ext": 0,
            "res": 0, "redo": 0, "resolved": 0, "rot": 0, "fu": None, "assist": {}, "ats": [],
            "rec": None}


def fold(acc: dict[str, Any], events: Sequence[ev.Event]) -> dict[str, Any]:
    """The accumulators after ``events`` (a new dict; ``acc`` is left as it was)."""
    out = {**acc, "assist": dict(acc["assist"]), "ats": list(acc["ats"])}
    for e in events:
        at = micros(e.at)
        out["ats"].append(at)
        if out["rec"] is None:
            out["rec"] = at if isinstance(e, ev.CaseReported) else -1
        if isinstance(e, _NEW_ACK_CLOCK):
            out["ack_due"] = micros(e.ack_due)
            out["disp"] = 1
            out["esc"] = out["esc"] or int(isinstance(e, ev.CaseEscalated))
        elif isinstance(e, ev.CaseAcknowledged) and out["first_ack"] is None:
            out["first_ack"] = int(out["ack_due"] is not None and at is not None and at <= out["ack_due"])
        elif isinstance(e, ev.CaseResolved):
            out["resolved"], out["rot"] = 1, int(bool(e.on_time))
        elif isinstance(e, ev.CaseFollowedUp):
            out["fu"] = [e.rating, int(bool(e.contacted)), int(bool(e.solved))]
        elif isinstance(e, ev.CaseReturned):
            out["ret"] = 1
        elif isinstance(e, ev.CaseClosed):
            out["clo"] = 1
        elif isinstance(e, ev.ExtensionRequested):
            out["ext"] = 1
        elif isinstance(e, ev.ResourceRequested):
            out["res"] = 1
        elif isinstance(e, ev.CaseReopened):
            out["redo"] += 1
        if isinstance(e, ev.AssistReported):
            out["assist"][e.department] = int(bool(e.on_time))
    return out


def _record_part(r: CaseRecord) -> dict[str, Any]:
    """What the facts read of the record after the events (hierarchy-free)."""
    lead = r.lead or next((code for code, m in reversed(r.team.items()) if m.role is Role.LEAD), "")
    resolved = r.resolved_at is not None or r.state in (CaseState.FOLLOWED_UP, CaseState.CLOSED)
    members = []
    departments = [code for code, m in r.team.items() if m.active]
    departments += [code for code in r.summons if code not in departments]
    for code in departments:
        m = r.team.get(code)
        s = r.summons.get(code)
        active = m is not None and m.active
        assist = m is not None and active and m.role is Role.ASSIST
        members.append([code, m.role.value if m is not None and active else Role.SUMMONED.value,
                        int(active),
                        None if s is None
                        else [int(s.answered_at is not None), micros(s.due), int(bool(s.on_time))],
                        int(assist and (m.reported_at is not None or resolved)) if m is not None else 0,
                        int(assist and m.reported_at is not None) if m is not None else 0])
    running = r.state in _RUNNING and r.due is not None and r.paused_at is None
    return {"st": r.state.value, "matter": r.matter, "sev": r.severity, "src": r.source, "lead": lead,
            "aff": list(r.affected), "owner": r.owner, "due": micros(r.due) if running else None,
            "members": members}


def row_of(case_id: str, previous: str | None, record: CaseRecord, events: Sequence[ev.Event]) -> FactRow:
    """The row after a save of ``events`` (``previous``: the body of the case's row before, None
    for a new case)."""
    return row_after(case_id, None if previous is None else json.loads(previous)["acc"], record, events)[0]


def row_after(case_id: str, before: dict[str, Any] | None, record: CaseRecord,
              events: Sequence[ev.Event]) -> tuple[FactRow, dict[str, Any]]:
    """``row_of`` from the accumulators of the row before (None for a new case) instead of its
    body, and the accumulators after: a replay carries them on instead of parsing each body back
    (the JSON round trip leaves them as they are: ints, None, lists and a dict of str keys)."""
    before = _empty_acc() if before is None else before
    acc = fold(before, events)
    times = [e.at for e in events]
    first, last = min(times), max(times)
    start = micros(first)
    assert start is not None
    irregular = first != last or (bool(before["ats"]) and start < max(before["ats"]))
    body = json.dumps({"acc": acc, "rec": _record_part(record)}, ensure_ascii=False, separators=(",", ":"))
    received = moment(acc["rec"]) if acc["rec"] not in (None, -1) else first
    assert received is not None
    return FactRow(case_id, record.version, first, irregular, body, received), acc


def rows_of_stream(case_id: str, events: Sequence[ev.Event]) -> list[FactRow]:
    """The rows a stream leaves when each of its events is saved alone (a rebuild from the log:
    the record after each event, replayed once)."""
    record = CaseRecord(case_id)
    rows: list[FactRow] = []
    previous: str | None = None
    for e in events:
        apply(record, e)
        row = row_of(case_id, previous, record, [e])
        rows.append(row)
        previous = row.body
    return rows


def facts_of(row: FactRow, as_of: datetime, hierarchy: HierarchyIndex,
             reads: Mapping[str, tuple[int, datetime]] | None, units: dict[str, tuple[str, str, str, str]],
             ) -> CaseFacts | None:
    """The facts of a case at ``as_of`` from its row valid then (as ``case_facts`` gives them from
    its events); ``units`` memoises the units of each place."""
    data = json.loads(row.body)
    acc, rec = data["acc"], data["rec"]
    if acc["rec"] in (None, -1):
        return None
    received = moment(acc["rec"])
    assert received is not None
    cut = micros(as_of)
    assert cut is not None
    state = CaseState(rec["st"])
    team = {m[0]: TeamMember(m[0], Role(m[1]), "", received) for m in rec["members"] if m[2]}
    record = CaseRecord(id=row.case_id, version=len(acc["ats"]), state=state, matter=rec["matter"],
                        severity=rec["sev"], affected=tuple(rec["aff"]), source=rec["src"],
                        received_at=received, owner=rec["owner"], team=team)
    lead = rec["lead"]
    places = tuple(dict.fromkeys(_place_units(hierarchy, p, units) for p in rec["aff"]))
    if state is CaseState.MERGED:
        counts: dict[str, float] = {**dict.fromkeys(COUNTS, 0.0), "supporting": 1}
        members: tuple[MemberFacts, ...] = ()
    else:
        counts, members = _counts(acc, rec, state, cut, hierarchy, reads, record, units)
    return CaseFacts(
        case_id=row.case_id, received_at=received, matter=rec["matter"], severity=rec["sev"],
        source=rec["src"], lead=lead, lead_system=lead.rpartition("-")[2],
        lead_level=level_of(lead, hierarchy) if lead else -1, places=places, counts=counts,
        members=members, record=record, values=tuple(float(counts[name]) for name in COUNTS))


def _place_units(hierarchy: HierarchyIndex, code: str, units: dict[str, tuple[str, str, str, str]],
                 ) -> tuple[str, str, str, str]:
    found = units.get(code)
    if found is None:
        found = units[code] = _units(hierarchy, code)
    return found


def _counts(acc: dict[str, Any], rec: dict[str, Any], state: CaseState, cut: int, hierarchy: HierarchyIndex,
            reads: Mapping[str, tuple[int, datetime]] | None, record: CaseRecord,
            units: dict[str, tuple[str, str, str, str]]) -> tuple[dict[str, float], tuple[MemberFacts, ...]]:
    dispatched = acc["disp"]
    waiting = state in (CaseState.RETURNED, CaseState.MERGED)
    first_ack, ack_due = acc["first_ack"], acc["ack_due"]
    ack_decided = first_ack is not None or (ack_due is not None and ack_due < cut and not waiting)
    fu = acc["fu"]
    valid = fu is not None and fu[0] in RATING_POINTS
    counties = {_place_units(hierarchy, p, units)[2] for p in rec["aff"]}
    major_or_cross = rec["sev"] in MAJOR or len(counties) > 1
    members, team_counts = _members(acc, rec, cut, reads)
    counts: dict[str, float] = {
        "received": 1, "dispatched": dispatched, "resolved": acc["resolved"], "closed": acc["clo"],
        "open": int(state.is_open), "overdue": int(rec["due"] is not None and rec["due"] < cut),
        "valid": int(valid), "contacted": int(valid and bool(fu[1])), "solved": int(valid and bool(fu[2])),
        "satisfaction_points": RATING_POINTS[fu[0]] if valid else 0.0,
        "ack_due": int(bool(dispatched) and ack_decided),
        "ack_in_time": int(bool(dispatched) and ack_decided and first_ack == 1),
        "resolved_on_time": int(bool(acc["resolved"]) and bool(acc["rot"])),
        "returned": int(bool(dispatched) and bool(acc["ret"])), "redone": int(acc["redo"] > 0),
        "extended": int(bool(dispatched) and bool(acc["ext"])),
        "escalated": int(bool(dispatched) and bool(acc["esc"])),
        "resource_asked": int(bool(dispatched) and bool(acc["res"])),
        "copresence_due": int(bool(dispatched) and major_or_cross),
        "copresent": int(bool(dispatched) and major_or_cross and _copresent(record, hierarchy)),
        **team_counts, "supporting": 0,
    }
    return counts, members


def _members(acc: dict[str, Any], rec: dict[str, Any], cut: int,
             reads: Mapping[str, tuple[int, datetime]] | None,
             ) -> tuple[tuple[MemberFacts, ...], dict[str, float]]:
    ats: list[int] = acc["ats"]
    latest = len(ats)
    out = []
    totals = dict.fromkeys(("summons_due", "summons_in_time", "assists_due", "assists_in_time",
                            "team", "team_read_latest", "read_lag_seconds", "reads"), 0.0)
    for code, role, active, summons, a_due, a_reported in rec["members"]:
        s_due = int(summons is not None and (bool(summons[0]) or summons[1] < cut))
        s_in = int(s_due == 1 and summons is not None and bool(summons[2]))
        a_in = int(bool(a_reported) and bool(acc["assist"].get(code, 0)))
        on_team = int(reads is not None and bool(active))
        mark = reads.get(code) if reads is not None and on_team else None
        read_latest = lag = n_reads = 0
        if mark is not None and micros(mark[1]) <= cut and mark[0] >= 1:  # type: ignore[operator]
            version = min(mark[0], latest)
            read_latest = int(mark[0] >= latest)
            lag = max(0, int((mark[1] - moment(ats[version - 1])).total_seconds()))  # type: ignore[operator]
            n_reads = 1
        out.append(MemberFacts(code, role, s_due, s_in, a_due, a_in, on_team, read_latest, lag, n_reads))
        for key, value in (("summons_due", s_due), ("summons_in_time", s_in), ("assists_due", a_due),
                           ("assists_in_time", a_in), ("team", on_team), ("team_read_latest", read_latest),
                           ("read_lag_seconds", lag), ("reads", n_reads)):
            totals[key] += value
    return tuple(out), totals
