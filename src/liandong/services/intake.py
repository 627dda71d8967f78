"""受理: the one way a report comes in, whatever the channel (REST, the portal, Open311, the CLI).

What every channel used to do its own way is done here once: the tracking code given to the
reporter (only its digest is stored), the idempotency key made the caller's own, the place checked
against the area this deployment serves (by the case itself), and — where the channel hands its
reports straight to the 12345 centre, as Open311 does — the dispatch in the same transaction as the
report, so a report is never left taken in but undispatched.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Router
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.domain.organisation import GOVERNMENT, department_code
from liandong.services.accounts import token_digest
from liandong.services.cases import Result
from liandong.services.randomness import random_bits
from liandong.services.writer import Writer, unwrap

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def new_tracking_code() -> str:
    """Twelve characters (60 bits), grouped for reading aloud: ``K7QD-2MXP-9HRA``."""
    bits = random_bits(60)  # from the system's generator; five bits a character
    raw = "".join(TRACKING_ALPHABET[bits >> shift & 31] for shift in range(0, 60, 5))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def scoped_key(owner: str, key: str) -> str:
    """An idempotency key as stored: the caller's own (``owner``: an account, an API client, an
    anonymous address), so that a key another caller used finds nothing of theirs."""
    return hashlib.sha256(f"{owner}\n{key}".encode()).hexdigest()


@dataclass(frozen=True)
class Taken:
    """What the reporter is told: the case, and the tracking code (None for a repeated report)."""

    result: Result
    tracking_code: str | None

    @property
    def case_id(self) -> str:
        return self.result.case_id


@dataclass(frozen=True)
class Intake:
    """The platform's intake: builds the one report command and hands it to the writer."""

    writer: Writer
    hierarchy: HierarchyIndex
    router: Router | None = None  # the served area; None: every place (as the case itself checks)

    def command(self, *, by: str, owner: str, key: str = "", dispatch: bool = False,
                **report: Any) -> tuple[c.ReportCase, str]:
        """The report command and its tracking code. ``owner`` makes ``key`` the caller's own;
        ``dispatch``: the city's 12345 centre dispatches it in the same transaction."""
        affected = tuple(report.pop("affected"))
        for place in affected:
            self.check_area(place)
        code = new_tracking_code()
        command = c.ReportCase(by=by, affected=affected,
                               idempotency_key=scoped_key(owner, key) if key else "",
                               tracking_hash=token_digest(code),
                               dispatch_by=self.centre_of(affected[0]) if dispatch and affected else "",
                               **report)
        return command, code

    def check_area(self, place: str) -> None:
        """A place outside the area this deployment serves is refused at once, before the writer,
        naming the area served and, where it can, the province and city the place belongs to
        (``place.outside_area_of``); an unknown code is left to the case's own check."""
        router = self.router
        if router is None or place not in self.hierarchy or router.serves(place):
            return
        region = region_of(self.hierarchy, place)
        name = self.hierarchy.get(place).name
        if not region or region == name:
            raise DomainError("place.outside_area", place=name, area=router.area_name())
        raise DomainError("place.outside_area_of", place=name, region=region, area=router.area_name())

    def centre_of(self, place: str) -> str:
        """The 12345 centre that dispatches a place's reports: its city's government."""
        return department_code(self.hierarchy.nearest_at_or_above(place, Level.CITY).code, GOVERNMENT)

    def take(self, **kw: Any) -> Taken:
        command, code = self.command(**kw)
        result = self.writer.handle(command)
        return Taken(result, None if result.duplicate else code)

    async def take_async(self, **kw: Any) -> Taken:
        command, code = self.command(**kw)
        result = unwrap(await self.writer.submit_async(command))
        return Taken(result, None if result.duplicate else code)


def region_of(hierarchy: HierarchyIndex, place: str) -> str:
    """The province and city a place belongs to, as one name (江苏省苏州市; 北京市 for a city that
    is a province); '' for the central node itself."""
    names: list[str] = []
    for unit in hierarchy.path(place)[1:]:
        if unit.level > Level.CITY:
            break
        if unit.name not in names and unit.name not in ("市辖区", "县", "省直辖县级行政区划"):
            names.append(unit.name)
    return "".join(names)
