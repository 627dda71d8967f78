"""What the case page shows, prepared from the record and the shared record of events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from liandong.bootstrap import Platform
from liandong.domain.access import Principal, mask_name, mask_phone, sees_reporter
from liandong.domain.cases.events import to_payload
from liandong.domain.cases.record import CaseRecord
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.domain.worktime import SHANGHAI
from liandong.i18n import name_of, pick, words
from liandong.i18n.messages import EVENT_LABELS, ROLE_NAMES, level_name, reason_text, render
from liandong.i18n.web.work import SEVERITY, WORK_TEXT


def local(moment: datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else "—"


def case_view(platform: Platform, user: Principal, r: CaseRecord, events: list[Any],
              marks: dict[str, tuple[int, datetime]], lang: str) -> dict[str, Any]:
    h = platform.hierarchy
    router = platform.rules().router
    w = words(WORK_TEXT, lang)
    shown = sees_reporter(user, r)
    matter = platform.catalogue.matters.get(r.matter)
    team_by_level: dict[int, list[dict[str, Any]]] = {}
    for code, member in r.team.items():
        if not member.active:
            continue
        unit = h.get(code.rpartition("-")[0])
        read = marks.get(code)
        team_by_level.setdefault(int(unit.level), []).append({
            "code": code, "name": router.department_name(code), "role": member.role.value,
            "role_label": ROLE_NAMES[member.role][lang], "read": read is not None and read[0] >= r.version,
            "unread": r.version - read[0] if read else r.version,
            "read_at": local(read[1]) if read else "", "reported": local(member.reported_at)
            if member.reported_at else ""})
    levels = [{"level": level_name(Level(lv), lang), "members": team_by_level[lv]}
              for lv in sorted(team_by_level)]
    timeline = []
    for n, e in enumerate(events, start=1):
        payload = to_payload(e)
        kind = payload["type"]
        actor = payload.get("actor", "")
        timeline.append({"n": n, "type": kind, "label": EVENT_LABELS[kind][lang], "at": local(e.at),
                         "claimed": render("store.claimed_mark", lang, claimed=local(e.claimed_at))
                         if e.claimed_at else "",  # beside the recorded time, never instead of it
                         "actor": router.department_name(actor) if "-" in actor else (
                             {"reporter": w["actor_reporter"],
                              "platform": w["actor_platform"]}.get(actor, actor)),
                         "note": _note(payload, router, w)})
    summons = [{"code": d, "name": router.department_name(d), "due": local(s.due),
                "answered": local(s.answered_at) if s.answered_at else "", "on_time": s.on_time,
                "score": s.score} for d, s in r.summons.items()]
    counties = sorted({h.nearest_at_or_above(a, Level.COUNTY).code for a in r.affected})
    parent = h.parent(counties[0]) if counties else None
    return {
        "r": r, "matter": name_of(matter, lang), "category": matter.category,
        "severity": pick(SEVERITY.get(r.severity, (r.severity, r.severity)), lang),
        "places": [{"code": a, "name": h.get(a).name, "path": " › ".join(u.name for u in h.path(a)[1:])}
                   for a in r.affected],
        "reporter": r.reporter_name if shown else mask_name(r.reporter_name),
        "phone": r.reporter_phone if shown else mask_phone(r.reporter_phone),
        "received": local(r.received_at), "ack_due": local(r.ack_due),
        "due": local(r.due) + (render("calendar.provisional_mark", lang)
                               if platform.rules().due_is_provisional(r.due, r.limit) else ""),
        "owner": h.get(r.owner).name if r.owner else "—",
        "lead": router.department_name(r.lead) if r.lead else "—",
        "reasons": [reason_text(x, lang, platform.catalogue) for x in r.reasons],
        "levels": levels, "timeline": timeline, "summons": summons,
        "read_share": _read_share(r, marks),
        "map": {"parent": parent.code if parent else "", "highlight": counties},
        "summonable": _summonable(platform, user, r),
        "waiting": _waiting(r, router, w),
        "matter_options": _matter_options(platform, r, lang) if r.state.value in ("received", "dispatched",
                                                                                "returned") else [],
    }


def _matter_options(platform: Platform, r: CaseRecord, lang: str) -> list[tuple[str, str]]:
    """The matter types to correct to: what the report's words suggest first, then the list."""
    matters = platform.catalogue.matters
    try:
        suggested = [s.matter for s in platform.insight().suggest([r.description or "—"], k=3)[0]]
    except DomainError:
        suggested = []
    rest = sorted(matters.matters, key=lambda code: (matters.get(code).category, code))
    out = []
    for code in dict.fromkeys([*suggested, *rest]):
        if code == r.matter:
            continue
        m = matters.get(code)
        mark = ("★ " if code in suggested else "")
        out.append((code, f"{mark}{m.category} · {name_of(m, lang)}"))
    return out


def _waiting(r: CaseRecord, router: Any, w: dict[str, str]) -> list[str]:
    """Whom the case waits on above its lead: a resource, an extension or a return decision."""
    out = []
    if r.pending_resource is not None:
        p = r.pending_resource
        what = w["waits_resource"].format(resource=p.resource)
        out.append(f"{router.department_name(p.approver)} · {what} · {local(p.at)}")
    if r.pending_extension is not None:
        e = r.pending_extension
        what = w["waits_extension"]
        out.append(f"{router.department_name(e.approver)} · {what} · {local(e.at)}")
    if r.pending_return is not None:
        ret = r.pending_return
        what = w["waits_return"]
        out.append(f"{router.department_name(ret.decider)} · {what} · {local(ret.at)}")
    a = r.adjudication
    if a is not None and a.appeal_pending and a.appealed_at is not None:
        out.append(f"{router.department_name(a.decider)} · {w['waits_appeal']} · {local(a.appealed_at)}")
    return out


def _note(payload: dict[str, Any], router: Any, w: dict[str, str]) -> str:
    for key in ("reason", "summary", "public_note", "rating", "text"):
        if payload.get(key):
            return str(payload[key])
    if payload.get("lead"):
        return w["note_lead"] + router.department_name(payload["lead"])
    if payload.get("departments"):
        return "、".join(router.department_name(d) for d in payload["departments"])
    return ""


def _read_share(r: CaseRecord, marks: dict[str, tuple[int, datetime]]) -> float:
    """信息对称: the share of the active team that has read the latest event."""
    team = [code for code, m in r.team.items() if m.active]
    if not team:
        return 0.0
    return sum(1 for code in team if code in marks and marks[code][0] >= r.version) / len(team)


def _summonable(platform: Platform, user: Principal, r: CaseRecord) -> list[tuple[str, str]]:
    """The departments of the user's county that a township office may summon."""
    dept = user.department
    if dept is None:
        return []
    h = platform.hierarchy
    unit = h.get(dept.rpartition("-")[0])
    county = h.parent(unit.code)
    if unit.level is not Level.TOWNSHIP or county is None:
        return []
    departments = platform.organisation().departments_of(county.code)
    router = platform.rules().router
    return [(d.code, router.department_name(d.code)) for d in departments
            if not d.code.endswith("-gov") and d.code not in r.summons]
