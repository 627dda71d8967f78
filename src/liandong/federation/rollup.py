"""National roll-ups without personal data (issue 27 point 5, decision 0050).

- ``day_units``: a node's facts of one day (Asia/Shanghai) — the cases received that day with a place
  under its scope, as the 事实表 gives them at the day's end (``assessment.stored.period_facts``) —
  summed per unit: ``county:<code>`` for each county a case has a place in, ``department:<code>`` for
  its lead department. Only the counts of ``assessment.facts.COUNTS``: no case id, no name, phone,
  address, coordinate or text.
- ``publish_day``: those figures in a ``facts`` note to the centre, through the outbox, on
  ``fed.out.<me>.100000.facts``, message id ``<me>-facts-<day>-<sha256 of the note, 16 hex>``: the
  same figures sent again are dropped by the stream's duplicate window and found by the centre's
  ``federation_received``; new figures of a day replace the earlier ones at the centre.
- ``national``: the centre's KPIs and ranking over what it received.
- ``reference_items`` / ``publish_reference``: the centre's reference data versions (the hierarchy,
  the national catalogue) — a serial (the publication's time) and a digest of the content — sent to
  every province on ``fed.out.100000.<to>.reference``."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from liandong.adapters.sql.federation import SqlFederationStore
from liandong.adapters.sql.federation_data import SqlFederationData
from liandong.assessment.facts import COUNTS, CaseFacts
from liandong.assessment.stored import period_facts
from liandong.domain.errors import DomainError
from liandong.domain.worktime import SHANGHAI
from liandong.federation.notes import seal_note

if TYPE_CHECKING:
    from liandong.bootstrap import Platform
    from liandong.federation.node import FederationNode

KPIS = ("received", "closed", "resolved", "resolved_on_time", "overdue", "open")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), SHANGHAI)
    return start, start + timedelta(days=1)


def units_of(facts: Iterable[CaseFacts]) -> dict[str, dict[str, float]]:
    """Per-unit sums of the counts of ``facts``."""
    units: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0.0))
    for f in facts:
        keys = {f"county:{p[2]}" for p in f.places if p[2]}
        if f.lead:
            keys.add(f"department:{f.lead}")
        for key in keys:
            sums = units[key]
            for name in COUNTS:
                sums[name] += float(f.counts.get(name, 0.0))
    return {unit: {k: round(v, 6) for k, v in sums.items()} for unit, sums in sorted(units.items())}


def day_units(platform: Platform, scope: str, day: date) -> dict[str, dict[str, float]]:
    start, end = day_bounds(day)
    as_of = min(end, platform.clock.now())
    return units_of(period_facts(platform.reads, platform.hierarchy, start, end, as_of, scope=scope))


def publish_day(node: FederationNode, day: date, centre: str = "100000") -> str | None:
    """The day's figures queued for the centre; the message id, or None when the same figures were
    queued before."""
    if node.me == centre:
        raise DomainError("federation.local_case", case_id=f"facts {day}", scope=centre, me=node.me)
    units = {unit: {k: wire(v) for k, v in counts.items()} for unit, counts in
             day_units(node.platform, node.me, day).items()}
    note = seal_note(node.signer, "facts", sender=node.me, to=centre, day=day.isoformat(), units=units)
    msg_id = f"{node.me}-facts-{day.isoformat()}-{hashlib.sha256(note).hexdigest()[:16]}"
    now = node.platform.clock.now()
    with node.platform.uow() as uow:
        conn = uow.connection  # type: ignore[attr-defined]
        if SqlFederationData(conn).queued(msg_id):
            return None
        SqlFederationStore(conn).add_outbox(msg_id, f"fed.out.{node.me}.{centre}.facts", note, now)
        uow.commit()
    return msg_id


def publish_recent(node: FederationNode) -> list[str]:
    """Yesterday's and today's figures (Shanghai days), each queued when it changed (``federation run
    --rollup``, the served loop)."""
    today = node.platform.clock.now().astimezone(SHANGHAI).date()
    return [m for m in (publish_day(node, today - timedelta(days=1)), publish_day(node, today)) if m]


def wire(value: float) -> int | str:
    """A count as signed JSON carries it (no floats in canonical JSON): an integer, or a decimal text."""
    return int(value) if float(value).is_integer() else f"{value:.6f}"


def kpis(counts: Mapping[str, float]) -> dict[str, float]:
    received = counts.get("received", 0.0)
    resolved = counts.get("resolved", 0.0)
    out = {name: counts.get(name, 0.0) for name in KPIS}
    out["closure_rate"] = round(counts.get("closed", 0.0) / received, 6) if received else 0.0
    out["on_time_rate"] = round(counts.get("resolved_on_time", 0.0) / resolved, 6) if resolved else 0.0
    return out


def county_totals(rows: Iterable[tuple[str, str, str, Mapping[str, float]]]) -> dict[str, dict[str, float]]:
    """Per sender, the sums over its county units (a case counted once per county it touches)."""
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for sender, _day, unit, counts in rows:
        if unit.startswith("county:"):
            for name, value in counts.items():
                totals[sender][name] += value
    return {s: dict(c) for s, c in totals.items()}


def ranking(totals: Mapping[str, Mapping[str, float]]) -> list[dict[str, Any]]:
    """Units ranked by closure rate, then on-time rate, then code; each with its KPIs and rank."""
    rows: list[dict[str, Any]] = [{"unit": unit, **kpis(counts)} for unit, counts in totals.items()]
    rows.sort(key=lambda r: (-r["closure_rate"], -r["on_time_rate"], r["unit"]))
    return [{"rank": n, **row} for n, row in enumerate(rows, 1)]


def national(node: FederationNode, first: date, last: date, by: str = "province") -> dict[str, Any]:
    """The centre's national KPIs and ranking (``by``: province or county) over the facts received for
    the days ``first``–``last``."""
    with node.platform.uow() as uow:
        rows = SqlFederationData(uow.connection).facts(first.isoformat(), last.isoformat())  # type: ignore[attr-defined]
    if by == "county":
        per: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for _sender, _day, unit, counts in rows:
            if unit.startswith("county:"):
                for name, value in counts.items():
                    per[unit.split(":", 1)[1]][name] += value
        totals: Mapping[str, Mapping[str, float]] = per
    else:
        totals = county_totals(rows)
    whole: dict[str, float] = defaultdict(float)
    for counts in county_totals(rows).values():
        for name, value in counts.items():
            whole[name] += value
    days = sorted({day for _s, day, _u, _c in rows})
    return {"first": first.isoformat(), "last": last.isoformat(), "days": days,
            "senders": sorted({s for s, *_ in rows}), "national": kpis(whole), "ranking": ranking(totals)}


def reference_items(platform: Platform, serial: int) -> dict[str, dict[str, Any]]:
    """The versions of this node's reference data: ``serial`` and a digest of the content."""
    h = hashlib.sha256()
    for unit in platform.hierarchy:
        h.update(f"{unit.code}\t{unit.name}\t{unit.parent_code or ''}\n".encode())
    matters = platform.catalogue.matters
    c = hashlib.sha256(f"{matters.version}\n".encode())
    for code in sorted(matters.matters):
        c.update(f"{code}\n".encode())
    return {"hierarchy": {"serial": serial, "digest": h.hexdigest()[:16]},
            "catalogue": {"serial": serial, "digest": c.hexdigest()[:16]}}


def publish_reference(node: FederationNode, serial: int | None = None) -> list[str]:
    """(The centre) the versions of its reference data queued for every province; the message ids."""
    if node.me != node.platform.hierarchy.root.code:
        raise DomainError("federation.not_centre", me=node.me)
    now = node.platform.clock.now()
    serial = int(now.timestamp()) if serial is None else serial
    items = reference_items(node.platform, serial)
    made = []
    with node.platform.uow() as uow:
        store = SqlFederationStore(uow.connection)  # type: ignore[attr-defined]
        for peer in node.config.peers:
            msg_id = f"{node.me}-reference-{peer.scope}-{serial}"
            note = seal_note(node.signer, "reference", sender=node.me, to=peer.scope, items=items)
            store.add_outbox(msg_id, f"fed.out.{node.me}.{peer.scope}.reference", note, now)
            made.append(msg_id)
        uow.commit()
    return made


def reference_state(node: FederationNode) -> dict[str, dict[str, str]]:
    """Per kind: the version received from the centre, this node's own digest, and whether they differ."""
    with node.platform.uow() as uow:
        held = SqlFederationData(uow.connection).reference()  # type: ignore[attr-defined]
    own = reference_items(node.platform, 0)
    return {kind: {"received": held.get(kind, "—"), "own": own[kind]["digest"],
                   "differs": "yes" if kind in held and held[kind].split(":", 1)[1] != own[kind]["digest"]
                   else "no"} for kind in own}
