"""What the dispatcher and the catalogue's keepers read of disputes and repeats: the catalogue
changes arbitration rulings propose (提请修订派单目录), and repeat callers and repeat matters at one
place within a window (重复来电、重复诉求), to be merged (并单) or handled as one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from liandong.domain.cases import disputes
from liandong.domain.cases import events as ev
from liandong.domain.cases.disputes import CatalogueProposal
from liandong.services.ports import UnitOfWork


def catalogue_proposals(uow: Callable[[], UnitOfWork], *, since: datetime, until: datetime,
                        scope: str | None = None) -> list[CatalogueProposal]:
    """Every binding arbitration of the cases received in [since, until) (under ``scope``), oldest
    first: the matter, its places and the lead the ruling names, as a proposed catalogue change."""
    with uow() as u:
        found = [p for case_id, events, _ in u.case_reads.streams_received(since, until, scope=scope)
                 for p in disputes.catalogue_proposals(case_id, events)]
    return sorted(found, key=lambda p: (p.at, p.case_id))


@dataclass(frozen=True)
class Repeat:
    """A group of cases received in the window that share a caller or a matter at a place."""

    kind: str  # "caller" (the same reporter phone) or "place" (the same matter at the same place)
    key: str  # the phone, or "matter@place"
    case_ids: tuple[str, ...]  # oldest first
    open_ids: tuple[str, ...]  # of those, the ones neither closed nor merged (what may still be merged)


def repeats(uow: Callable[[], UnitOfWork], *, since: datetime, until: datetime,
            scope: str | None = None, least: int = 2) -> list[Repeat]:
    """Repeat callers (the same reporter phone) and repeat matters at one place (the same matter
    type reported for the same place) among the cases received in [since, until): groups of at
    least ``least`` cases, the largest first. A merged child is not counted again."""
    callers: dict[str, list[str]] = defaultdict(list)
    places: dict[str, list[str]] = defaultdict(list)
    still_open: set[str] = set()
    with uow() as u:
        for case_id, events, _ in u.case_reads.streams_received(since, until, scope=scope):
            reported = next((e for e in events if isinstance(e, ev.CaseReported)), None)
            if reported is None or any(isinstance(e, ev.CaseMerged) for e in events):
                continue
            matter = reported.matter
            for e in events:
                if isinstance(e, ev.MatterCorrected):
                    matter = e.matter
            if not any(isinstance(e, ev.CaseClosed) for e in events):
                still_open.add(case_id)
            if reported.reporter_phone:
                callers[reported.reporter_phone].append(case_id)
            for place in reported.affected:
                places[f"{matter}@{place}"].append(case_id)
    groups = [Repeat(kind, key, tuple(ids), tuple(i for i in ids if i in still_open))
              for kind, table in (("caller", callers), ("place", places))
              for key, ids in table.items() if len(ids) >= least]
    return sorted(groups, key=lambda g: (-len(g.case_ids), g.kind, g.key))
