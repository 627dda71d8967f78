"""The citizen's map, shared by the portal's pages and scripts: where a pin and an address put a
report (``insight.pin``), and "already reported?" (已有人反映？) — the open reports of the same
matter nearby, as the public may see them: the matter, the township, the day, the status and, only
where the reporter agreed to publish it, the description with personal data removed
(``domain.redaction``). A matter marked not public (信访, minors …) is never listed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from liandong.domain.nearby import DEFAULT_RADIUS_M, Point
from liandong.domain.redaction import redact
from liandong.domain.worktime import SHANGHAI
from liandong.i18n import name_of
from liandong.i18n.web.portal import PORTAL_TEXT
from liandong.services.nearby import nearby_open

if TYPE_CHECKING:
    from liandong.bootstrap import Platform
    from liandong.insight.pin import Pinning

NEARBY_LIMIT = 5


class NearbyReport(BaseModel):
    """One open report nearby, as the public sees it (no name, number, address or account)."""

    ref: str  # 案件编号: what "me too" names
    matter: str
    place: str
    received: str  # the day, Asia/Shanghai
    status: str
    description: str  # "" unless the reporter agreed to publish it; redacted
    supporters: int
    distance_m: int | None


def pinning(platform: Platform) -> Pinning:
    from liandong.insight.pin import Pinning

    return Pinning(platform.hierarchy, platform.geocoder, platform.places, platform.intake())


def public_nearby(platform: Platform, *, matter: str, place: str = "", point: Point | None = None,
                  radius_m: int = DEFAULT_RADIUS_M, lang: str = "zh") -> list[NearbyReport]:
    """The open reports of ``matter`` at ``place`` or within ``radius_m`` of ``point``, nearest first."""
    kind = platform.catalogue.matters.get(matter)  # an unknown matter is refused by name
    if not kind.public:
        return []
    words = PORTAL_TEXT[lang]
    out = []
    for found in nearby_open(platform.read_uow, matter=matter, place=place, point=point, radius_m=radius_m,
                             limit=NEARBY_LIMIT):
        r = found.record
        if not found.number or r.received_at is None:
            continue
        first = r.affected[0] if r.affected else ""
        unit = platform.hierarchy.get(first) if first in platform.hierarchy else None
        out.append(NearbyReport(
            ref=found.number, matter=name_of(kind, lang), place=unit.name if unit else "",
            received=r.received_at.astimezone(SHANGHAI).strftime("%Y-%m-%d"),
            status=words.get(f"state_{r.state.value}", r.state.value),
            description=redact(r.description) if r.public_consent and not r.public_withheld else "",
            supporters=r.supporters,
            distance_m=None if found.distance_m is None else round(found.distance_m)))
    return out
