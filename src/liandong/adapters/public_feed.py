"""公开问题: the view of reports a city may publish (issue 24 point 5), read by the public pages, the
Atom/RSS feeds, the area alerts and Open311 alike.

A report is shown only when all of these hold: its reporter agreed (``PublicationAgreed``), its
matter type is public (``public = false`` in the responsibility list: never), the 12345 centre
has taken it in and dispatched it (``dispatched_at``: the centre's reading is the moderation step;
a report still waiting for it is not shown), and the centre has not taken it off again (公开审核,
``PublicationWithheld`` until a ``PublicationRestored``: it then leaves the lists, the map, the
feeds, the alerts and Open311). What is shown is redacted (``domain.redaction``): the
description and every public note; the place only as the township and a point rounded to about
100 m; never a name, a phone number, the typed address or an actor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from liandong.domain.cases.publication import PUBLIC_STEPS as PUBLIC_STEPS
from liandong.domain.cases.publication import public_note
from liandong.domain.catalogue import Catalogue
from liandong.domain.hierarchy import HierarchyIndex
from liandong.domain.redaction import public_point, redact
from liandong.i18n import name_of
from liandong.i18n.messages import EVENT_LABELS

if TYPE_CHECKING:
    from liandong.domain.cases.case import Case
    from liandong.services.queries import CaseQueries


SCANNED = 200
"""How many of the latest consented reports of the area a public list reads (the store selects them
by consent and place; those still waiting for the centre are passed over here)."""


class Published(Protocol):
    """What the public view needs of the platform."""

    catalogue: Catalogue
    hierarchy: HierarchyIndex

    def queries(self) -> CaseQueries: ...


@dataclass(frozen=True)
class PublicStep:
    at: datetime
    event: str
    label: str
    note: str


@dataclass(frozen=True)
class PublicReport:
    id: str
    matter: str
    matter_name: str
    status: str
    is_open: bool
    description: str
    township: str
    place: str  # 县 区 街道 names, from the county down
    lat: str | None
    lng: str | None
    received_at: datetime
    updated_at: datetime
    steps: tuple[PublicStep, ...]


def hidden_matters(catalogue: Catalogue) -> list[str]:
    """Matter types never shown publicly (``public = false`` in the responsibility list)."""
    return [m.code for m in catalogue.matters.matters.values() if not m.public]


def is_published(catalogue: Catalogue, case: Case) -> bool:
    r = case.record
    return (r.public_consent and not r.public_withheld and r.dispatched_at is not None
            and r.received_at is not None and r.matter not in hidden_matters(catalogue))


def within(hierarchy: HierarchyIndex, place: str, area: str) -> bool:
    """Whether the jurisdiction ``place`` lies in ``area`` (or is it)."""
    try:
        return any(unit.code == area for unit in hierarchy.path(place))
    except Exception:  # a code the hierarchy does not know is in no area
        return False


def view(platform: Published, case: Case, events: Iterable[Any], lang: str) -> PublicReport:
    """The public view of a published case (check ``is_published`` first)."""
    r = case.record
    matter = platform.catalogue.matters.get(r.matter)
    place = r.affected[0]
    lat, lng = public_point(r.coordinates)
    steps = tuple(PublicStep(at=e.at, event=type(e).__name__, label=EVENT_LABELS[type(e).__name__][lang],
                             note=redact(public_note(e)))
                  for e in events if type(e).__name__ in PUBLIC_STEPS)
    assert r.received_at is not None
    path = platform.hierarchy.path(place)
    return PublicReport(
        id=r.id, matter=r.matter, matter_name=name_of(matter, lang), status=r.state.value,
        is_open=r.state.is_open, description=redact(r.description), township=place,
        place=" ".join(u.name for u in path[3:] or path[1:]), lat=lat, lng=lng, received_at=r.received_at,
        updated_at=steps[-1].at if steps else r.received_at, steps=steps)


def public_reports(platform: Published, lang: str, *, area: str | None = None, matter: str | None = None,
                   limit: int = 50) -> list[PublicReport]:
    """The latest published reports, newest first, in ``area`` (any jurisdiction) and of ``matter``."""
    hidden = hidden_matters(platform.catalogue)
    found: list[PublicReport] = []
    for case, events in platform.queries().listed(limit=SCANNED, matters=[matter] if matter else None,
                                                  exclude_matters=hidden, consented=True, scope=area,
                                                  public=True):
        if not is_published(platform.catalogue, case):
            continue
        if area and not within(platform.hierarchy, case.record.affected[0], area):
            continue
        found.append(view(platform, case, events, lang))
        if len(found) >= limit:
            break
    return found


def public_report(platform: Published, case_id: str, lang: str) -> PublicReport | None:
    """One published report, None if there is none (or it may not be shown: the same answer)."""
    found = platform.queries().with_events(case_id)
    if found is None or not is_published(platform.catalogue, found[0]):
        return None
    return view(platform, found[0], found[1], lang)
