"""What the dispatch console (派单台) shows of each new report — the matter, the places, the platform's
routing and reading of its words, how long it has waited — and the departments a dispatcher may
name instead of the suggested lead, found by name (never by code)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from liandong.bootstrap import Platform
from liandong.domain.access import Principal
from liandong.domain.cases.record import CaseRecord
from liandong.domain.cases.states import CaseState
from liandong.domain.errors import DomainError
from liandong.domain.responsibility import Severity
from liandong.domain.worktime import SHANGHAI
from liandong.i18n import name_of, words
from liandong.i18n.messages import explain
from liandong.i18n.web.console import CONSOLE_TEXT, SEARCH_WORDS
from liandong.web.case_photos import thumbnail
from liandong.web.workbench import _matter_name as matter_name

LEADS_SHOWN = 12
"""Departments a search lists at most (the datalist of the override)."""


def in_scope(platform: Platform, user: Principal, r: CaseRecord) -> bool:
    """A report of the user's jurisdiction (one of its places lies there)."""
    h = platform.hierarchy
    return user.jurisdiction is not None and any(h.is_ancestor(user.jurisdiction, a) for a in r.affected)


def waited(received: datetime | None, now: datetime, lang: str) -> str:
    """How long a report has waited since it was taken in, in clock time and in words."""
    if received is None:
        return ""
    w = words(CONSOLE_TEXT, lang)
    minutes = max(0, int((now - received).total_seconds() // 60))
    hours, days = minutes // 60, minutes // 1440
    if days:
        return w["waited_days"].format(d=days, h=hours % 24)
    if hours:
        return w["waited_hours"].format(h=hours, m=minutes % 60)
    return w["waited_minutes"].format(m=minutes)


def report_row(platform: Platform, r: CaseRecord, lang: str, now: datetime) -> dict[str, Any]:
    """A new report as a card: the matter and the platform's routing, its places and wait."""
    router = platform.rules().router
    h = platform.hierarchy
    try:
        decision = router.route(matter=platform.rules().matter_for(r), severity=Severity(r.severity),
                                affected=r.affected)
        owner, lead = decision.owner.name, router.department_name(decision.lead)
    except DomainError as exc:
        owner, lead = "—", explain(exc, lang)
    received = r.received_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M") if r.received_at else ""
    return {"r": r, "owner": owner, "lead": lead, "received": received,
            "waited": waited(r.received_at, now, lang),
            "places": "、".join(h.get(a).name for a in r.affected),
            "matter_name": matter_name(platform, r.matter, lang), "matters": [], "dupes": [],
            "mismatch": False, "place_named": ""}


def reading(platform: Platform, rows: list[dict[str, Any]], lang: str) -> None:
    """The platform's reading of each new report: the matter its words suggest (a correction is
    offered when it differs from the one taken in), the place its words name when that is not
    where it was filed, and the earlier open reports it may repeat (并单 offered into those). Advice
    only; the dispatcher decides."""
    if not rows:
        return
    insight = platform.insight()
    try:
        suggested = insight.suggest([row["r"].description or "—" for row in rows], k=3)
    except DomainError:
        suggested = [[] for _ in rows]
    dupes = insight.duplicates_of([(row["r"].id, row["r"].received_at) for row in rows
                                   if row["r"].received_at is not None])
    h = platform.hierarchy
    for row, found in zip(rows, suggested, strict=True):
        r = row["r"]
        row["matters"] = [{"code": s.matter, "name": matter_name(platform, s.matter, lang),
                           "confidence": f"{s.confidence:.0%}", "keywords": "、".join(s.keywords)}
                          for s in found]
        row["mismatch"] = bool(found) and found[0].matter != r.matter
        place = platform.places.match(r.description or "")
        named = place.unit.code if place.status == "resolved" and place.unit is not None else ""
        row["place_named"] = (h.get(named).name if named and not any(
            h.is_ancestor(named, a) or h.is_ancestor(a, named) for a in r.affected) else "")
        row["dupes"] = [_dupe(platform, r, p.case_id, p.score) for p in dupes.get(r.id, [])[:3]]


def _dupe(platform: Platform, r: CaseRecord, other: str, score: float) -> dict[str, Any]:
    """A likely duplicate; 并单 is offered into an earlier report still open, never the other way."""
    found = platform.queries().get(other)
    at = found.record.received_at if found is not None else None
    original = (found is not None and found.record.state.is_open and r.received_at is not None
                and at is not None and at < r.received_at)
    received = at.astimezone(SHANGHAI).strftime("%m-%d %H:%M") if at is not None else ""
    excerpt = (found.record.description or "")[:16] if found is not None else ""
    return {"id": other, "score": f"{score:.2f}", "original": original, "received": received,
            "excerpt": excerpt}


Row = dict[str, Any]


def new_reports(platform: Platform, user: Principal, lang: str) -> tuple[list[Row], list[Row]]:
    """The new reports of the user's jurisdiction, oldest first, and the returns it must decide."""
    router = platform.rules().router
    now = platform.clock.now()
    new, returns = [], []
    for case in platform.queries().in_states(("received", "returned")):
        r = case.record
        if not in_scope(platform, user, r):
            continue
        if r.state is CaseState.RECEIVED:
            new.append(report_row(platform, r, lang, now))
        elif r.state is CaseState.RETURNED and r.pending_return is not None \
                and r.pending_return.decider == user.department:
            p, t = r.pending_return, words(CONSOLE_TEXT, lang)
            returns.append({"r": r, "lead": router.department_name(r.lead), "reason": p.reason,
                            "matter_name": matter_name(platform, r.matter, lang),
                            "category": t.get(f"category_{p.category}", "") if p.category else "",
                            "due": _local(p.decide_by) if p.decide_by else "",
                            "arbitration": bool(p.arbitration)})
    new.sort(key=lambda row: row["r"].received_at or datetime.min.replace(tzinfo=UTC))
    reading(platform, new, lang)
    photos = platform.photos().of_cases([row["r"].id for row in new])  # rows of the user's area
    for row in new:
        row["photos"] = [thumbnail(p) for p in photos.get(row["r"].id, [])]
    return new, returns


def _local(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%m-%d %H:%M")


REPEAT_DAYS = 7
"""The window of the console's repeat callers and repeat requests (重复来电、重复诉求)."""


def repeat_rows(platform: Platform, user: Principal, lang: str) -> list[Row]:
    """Repeat callers and repeat matters at one place of the user's jurisdiction in the last
    ``REPEAT_DAYS`` days, for the dispatcher to merge (并单): the phone masked, the open cases linked."""
    from liandong.services.disputes import repeats

    t = words(CONSOLE_TEXT, lang)
    now = platform.clock.now()
    out: list[Row] = []
    since = now - timedelta(days=REPEAT_DAYS)
    for g in repeats(platform.reads, since=since, until=now, scope=user.jurisdiction):
        if g.kind == "caller":
            what = t["repeat_caller"].format(phone=g.key[:3] + "****" + g.key[-4:])
        else:
            matter, _, place = g.key.partition("@")
            name = platform.hierarchy.get(place).name if place in platform.hierarchy else place
            what = t["repeat_place"].format(matter=matter_name(platform, matter, lang), place=name)
        out.append({"what": what, "count": t["repeat_count"].format(n=len(g.case_ids)), "open": g.open_ids})
    return out


EVER = datetime.min.replace(tzinfo=UTC)


def arrivals(platform: Platform, user: Principal, since: datetime = EVER) -> int:
    """Reports of the user's jurisdiction taken in after ``since`` (ever: all) still waiting for 派单."""
    return sum(1 for case in platform.queries().in_states(("received",))
               if case.record.received_at is not None and case.record.received_at > since
               and in_scope(platform, user, case.record))


def leads(platform: Platform, r: CaseRecord, actor: str, query: str, lang: str,
          limit: int = LEADS_SHOWN) -> list[dict[str, str]]:
    """The departments ``actor`` may make the lead of this case whose name, system or everyday short
    name (城管, 公安 …) holds ``query``: the units on the way from the case's places, top down."""
    wanted = query.strip().lower()
    catalogue = platform.catalogue
    out: list[dict[str, str]] = []
    organisation = platform.organisation()
    for unit in platform.rules().router.reach(actor, r.affected):
        for d in organisation.departments_of(unit):
            system = catalogue.systems.get(d.system_code)
            label = name_of(system, lang) if system is not None else ""
            said = (d.name, label, name_of(system, "zh") if system is not None else "",
                    *" ".join(SEARCH_WORDS.get(d.system_code, {}).values()).split())
            if not wanted or any(wanted in s.lower() for s in said if s):
                out.append({"code": d.code, "name": d.name, "system": label})
                if len(out) >= limit:
                    return out
    return out


def lead_by_name(platform: Platform, r: CaseRecord, actor: str, name: str, lang: str) -> str:
    """The code of the department named ``name`` (its official name, as the search lists it) among
    those the actor may make the lead; else refused, naming the departments that come closest."""
    name = name.strip()
    if not name:
        raise DomainError("web.lead_name_required")
    found = leads(platform, r, actor, "", lang, limit=10_000)
    exact = [d for d in found if d["name"] == name]
    if len(exact) == 1:
        return exact[0]["code"]
    close = [d["name"] for d in found if name in d["name"] or d["name"] in name][:5]
    raise DomainError("web.lead_unknown", name=name, close="、".join(close) or "—")
