"""考核结果固化 (issue 28, decision 0058): a closed period's assessment kept as the KPI engine's own
tables, so that the page a leader opens every morning reads them instead of every case of the month.

A closed period is assessed at its end (``assess_stored``: the facts valid at the period's last
moment), so what is saved after it changes nothing: its figures are settled once it has ended. Only
what reaches back before its end can move them — a backfill (a claimed time on a sandbox store), a
read mark replacing an older one, a pilot recorded later — and a snapshot is made again by
``freeze`` when asked (``liandong report freeze``, the server's warm-up for the last whole month when
none is kept); the page says when its snapshot was made.

Frozen are the engine's ``cases`` and ``members`` tables (``engine.case_table``, ``member_table``)
of every case received in the period with a place under a root (a scope the store serves), and the
attributions (``blame``: a row per case; ``segments``: a row per hold), as Parquet files under
``<data_dir>/assessment/<root>/<period>-<rules>/``; ``meta.json`` is written last, so a folder
without it is no snapshot. The engine then runs the same SQL on DuckDB over the files: the same
figures, by construction, for the root and every scope under it. Rules with clock stops or
exclusions (which re-read each case's rulings) are not frozen.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from liandong.assessment import fair
from liandong.assessment.attribution import Attribution, Segment, Summary, attribute, pilots_of
from liandong.assessment.engine import Engine, _connection, case_table, member_table
from liandong.assessment.periods import Period, last_whole_month, month
from liandong.assessment.rules import AssessmentRules
from liandong.assessment.service import Assessment, PeriodFacts, minute_up
from liandong.assessment.stored import period_facts
from liandong.domain.hierarchy import HierarchyIndex
from liandong.services.ports import UnitOfWork

VERSION = 2
"""Of the files' layout: a snapshot of another version is not read (it is made again)."""

TABLES = ("cases", "members", "blame", "segments")
_TEXT = pa.string()
BLAME = pa.schema([("row", pa.int64()), ("case_id", _TEXT), ("outcomes", pa.list_(_TEXT)),
                   ("default_party", _TEXT), ("default_stage", _TEXT), ("tolerance", _TEXT)])
SEGMENTS = pa.schema([("row", pa.int64()), ("part", pa.int32()), ("case_id", _TEXT), ("party", _TEXT),
                      ("stage", _TEXT), ("kind", pa.string()), ("start", pa.timestamp("us", tz="UTC")),
                      ("end", pa.timestamp("us", tz="UTC")), ("seconds", pa.float64()),
                      ("tolerated", pa.bool_()), ("opened", pa.int64()), ("closed", pa.int64())])


def rules_key(rules: AssessmentRules) -> str:
    """What of the rules a snapshot was made under (all of them: a change makes it again)."""
    return hashlib.sha256(rules.model_dump_json().encode()).hexdigest()[:16]


RUNNING_FROM = 10_000
"""Cases received so far from which the month in progress is taken each hour: below it the page is
assessed from the store in a few seconds at most, and stays current to the minute."""

REFRESH = timedelta(hours=1)
"""How old a snapshot of the period in progress may be and still be read (the server makes it again
each hour)."""


def freezable(period: Period, now: datetime, rules: AssessmentRules) -> bool:
    """Whether the period has begun by ``now`` and its rules can be frozen."""
    return period.start < now and not fair.active(rules)


def settled(frozen: Frozen) -> bool:
    """Whether a snapshot holds its period as it stood at its end (not a period in progress)."""
    return frozen.as_of == minute_up(frozen.period.end)


def month_in_progress(now: datetime, cutoff: int) -> Period:
    """The assessment month ``now`` falls in."""
    last = last_whole_month(now, cutoff)
    year, number = (int(part) for part in last.label.split("-"))
    return month(year + number // 12, number % 12 + 1, cutoff)


@dataclass(frozen=True)
class Frozen:
    """A snapshot on disk: its folder and what it was made of."""

    folder: Path
    root: str
    period: Period
    as_of: datetime
    made_at: datetime
    cases: int


class Snapshots:
    """The snapshots kept under ``folder`` (``<data_dir>/assessment``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def place(self, root: str, period: Period, rules: AssessmentRules) -> Path:
        return self.folder / root / f"{period.start:%Y%m%d%H%M}-{period.end:%Y%m%d%H%M}-{rules_key(rules)}"

    def get(self, root: str, period: Period, rules: AssessmentRules) -> Frozen | None:
        folder = self.place(root, period, rules)
        try:
            meta = json.loads((folder / "meta.json").read_text("utf-8"))
        except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
            return None
        if meta.get("version") != VERSION:
            return None
        return Frozen(folder, root, period, datetime.fromisoformat(meta["as_of"]),
                      datetime.fromisoformat(meta["made_at"]), int(meta["cases"]))

    def find(self, hierarchy: HierarchyIndex, scope: str, period: Period, rules: AssessmentRules,
             ) -> Frozen | None:
        """A snapshot of the period under a root that holds ``scope``, if one is kept."""
        if not self.folder.is_dir() or scope not in hierarchy:
            return None
        for root in sorted(p.name for p in self.folder.iterdir()):
            if root in hierarchy and hierarchy.is_ancestor(root, scope):
                found = self.get(root, period, rules)
                if found is not None:
                    return found
        return None

    def freeze(self, uow: Callable[[], UnitOfWork], hierarchy: HierarchyIndex, root: str, period: Period,
               rules: AssessmentRules, now: datetime, *, progress: Callable[[int, int], None] | None = None,
               ) -> Frozen:
        """Make (or make again) the snapshot of ``period`` for ``root`` as it stands at ``now`` (at its
        end once it has ended), a day of cases at a time."""
        if not freezable(period, now, rules):
            raise ValueError(f"period {period.label or period.start} cannot be frozen at {now}")
        folder = self.place(root, period, rules)
        partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        partial.mkdir(parents=True)
        end = min(period.end, now)
        as_of = minute_up(end)
        with uow() as u:
            pilots = rules.pilot_list() + pilots_of(i.record for i in u.instrument_reads.of_kind("pilot"))
        writers = {name: pq.ParquetWriter(partial / f"{name}.parquet", schema) for name, schema in (
            ("cases", case_table([]).schema), ("members", member_table([], hierarchy).schema),
            ("blame", BLAME), ("segments", SEGMENTS))}
        n = 0
        try:
            days = list(_days(period.start, end))
            for i, (start, end) in enumerate(days):
                facts = PeriodFacts(period, as_of, period_facts(uow, hierarchy, start, end, as_of, scope=root)
                                    ).refined(uow, rules).facts
                if facts:
                    writers["cases"].write_table(case_table(facts))
                    writers["members"].write_table(member_table(facts, hierarchy))
                ids: dict[str, Attribution | None] = {f.case_id: None for f in facts}
                with uow() as u:
                    for case_id, events, _ in u.case_reads.streams_received(start, end, scope=root):
                        if case_id in ids:
                            ids[case_id] = attribute(case_id, events, as_of, hierarchy, pilots)
                blamed = [a for f in facts if (a := ids[f.case_id]) is not None]  # in the facts' order
                _write_blame(writers, blamed, n)
                n += len(facts)
                if progress is not None:
                    progress(i + 1, len(days))
        finally:
            for w in writers.values():
                w.close()
        (partial / "meta.json").write_text(json.dumps({
            "version": VERSION, "root": root, "start": period.start.isoformat(),
            "end": period.end.isoformat(), "as_of": as_of.isoformat(), "made_at": now.isoformat(),
            "cases": n}), "utf-8")
        if folder.exists():  # made again: the old one set aside first (a reader finds one or the other)
            old = folder.with_name(f"{folder.name}.old-{uuid.uuid4().hex[:8]}")
            folder.rename(old)
            partial.rename(folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            partial.rename(folder)
        found = self.get(root, period, rules)
        assert found is not None
        return found


def snapshots(data_dir: Path | None) -> Snapshots | None:
    """The snapshots kept beside a store (none in memory)."""
    return None if data_dir is None else Snapshots(data_dir / "assessment")


def frozen_assessment(snaps: Snapshots | None, hierarchy: HierarchyIndex, period: Period, now: datetime,
                      rules: AssessmentRules, scope: str) -> FrozenAssessment | None:
    """The assessment of ``period`` (and the one before) for ``scope`` from snapshots, when both
    are kept — an ended period's as it stood at its end, one in progress made within the last hour
    (``REFRESH``); else None (assessed from the store). Only for a live store, and for an oversight
    role over ``scope`` (who counts every case of it), as the callers see to."""
    if snaps is None or not freezable(period, now, rules):
        return None
    current = snaps.find(hierarchy, scope, period, rules)
    if current is None or not (settled(current) if period.end <= now
                               else current.made_at <= now <= current.made_at + REFRESH):
        return None
    previous = snaps.find(hierarchy, scope, period.previous(), rules)
    if previous is None or not settled(previous):
        return None
    return FrozenAssessment.of(hierarchy, rules, current, previous)


def freeze_due(snaps: Snapshots, uow: Callable[[], UnitOfWork], hierarchy: HierarchyIndex,
               roots: tuple[str, ...], now: datetime, rules: AssessmentRules, *, refresh: timedelta = REFRESH,
               running_from: int = RUNNING_FROM,
               progress: Callable[[Period, str], Callable[[int, int], None] | None] | None = None,
               ) -> list[Frozen]:
    """Freeze, for each root, the last whole month and the one before where no snapshot holds them
    as they stood at their end (what the assessment page opens on by default), and the month in
    progress where its snapshot is older than ``refresh`` once it holds ``running_from`` cases;
    the snapshots made, oldest first."""
    if fair.active(rules):
        return []
    cutoff = rules.period.cutoff_day
    last = last_whole_month(now, cutoff)
    running = month_in_progress(now, cutoff)
    with uow() as u:
        busy = len(u.case_reads.versions_received(running.start, now)) >= running_from
    made = []
    for p in (last.previous(), last, *((running,) if busy else ())):
        for root in roots or (hierarchy.root.code,):
            kept = snaps.get(root, p, rules)
            due = kept is None or (not settled(kept) if p.end <= now else kept.made_at + refresh <= now)
            if due:
                made.append(snaps.freeze(uow, hierarchy, root, p, rules, now,
                                         progress=progress(p, root) if progress is not None else None))
    return made


def _days(start: datetime, until: datetime) -> Iterator[tuple[datetime, datetime]]:
    while start < until:
        end = min(start + timedelta(days=1), until)
        yield start, end
        start = end


def _write_blame(writers: dict[str, pq.ParquetWriter], blamed: list[Attribution], first: int) -> None:
    if not blamed:
        return
    rows = range(first, first + len(blamed))
    writers["blame"].write_table(pa.table({
        "row": list(rows), "case_id": [a.case_id for a in blamed],
        "outcomes": [list(a.outcomes) for a in blamed], "default_party": [a.default_party for a in blamed],
        "default_stage": [a.default_stage for a in blamed],
        "tolerance": [a.tolerance for a in blamed]}, schema=BLAME))
    segs = [(row, a.case_id, s) for row, a in zip(rows, blamed, strict=True) for s in a.segments]
    parts = [i for a in blamed for i in range(len(a.segments))]
    writers["segments"].write_table(pa.table({
        "row": [r for r, _, _ in segs], "part": parts, "case_id": [c for _, c, _ in segs],
        "party": [s.party for *_, s in segs], "stage": [s.stage for *_, s in segs],
        "kind": [s.kind for *_, s in segs], "start": [s.start for *_, s in segs],
        "end": [s.end for *_, s in segs],
        "seconds": [s.seconds for *_, s in segs],
        "tolerated": [bool(a.tolerance) for a in blamed for _ in a.segments],
        "opened": [s.evidence[0] for *_, s in segs],
        "closed": [s.evidence[1] for *_, s in segs]}, schema=SEGMENTS))


@dataclass
class FrozenEngine(Engine):
    """The KPI engine over a snapshot's files (views on them, local to this engine's connection)."""

    folder: Path = field(default_factory=Path)
    root: str = ""  # the snapshot's: every case of it is under it

    def __post_init__(self) -> None:
        self._db = _connection()
        for name in TABLES:
            path = str(self.folder / f"{name}.parquet").replace("'", "''")
            self._db.execute(f"CREATE TEMP VIEW {name} AS SELECT * FROM read_parquet('{path}')")

    def _need_members(self) -> None:
        pass

    def inside(self, scope: str) -> tuple[str, list[Any]]:
        """A condition keeping the cases with a place under ``scope`` (as ``Assessment.attributions``
        keeps them): none for the snapshot's root."""
        where, params = self._where_scope(scope)
        if scope == self.root:
            return "TRUE", []
        return f"case_id IN (SELECT case_id FROM cases WHERE {where})", params


@dataclass
class FrozenAssessment(Assessment):
    """An ``Assessment`` whose periods are snapshots: the same figures, groups, rankings and
    accountability, read from the files."""

    snapshots: dict[str, Frozen] = field(default_factory=dict)

    @classmethod
    def of(cls, hierarchy: HierarchyIndex, rules: AssessmentRules, current: Frozen, previous: Frozen,
           ) -> FrozenAssessment:
        return cls(hierarchy, rules, PeriodFacts(current.period, current.as_of, [], []),
                   PeriodFacts(previous.period, previous.as_of, [], []),
                   snapshots={"current": current, "previous": previous})

    @property
    def made_at(self) -> datetime:
        return self.snapshots["current"].made_at

    def engine(self, which: str = "current") -> FrozenEngine:
        found = self._engines.get(which)
        if not isinstance(found, FrozenEngine):
            found = self._engines[which] = FrozenEngine(
                pa.table({}), pa.table({}), self.hierarchy, self.rules.composite.weights, (),
                self.rules.composite.extra_weights, None, folder=self.snapshots[which].folder,
                root=self.snapshots[which].root)
        return found

    def attributions(self, scope: str, which: str = "current") -> list[Attribution]:
        e = self.engine(which)
        inside, params = e.inside(scope)
        blame = e._db.execute(f"SELECT row, case_id, outcomes, default_party, default_stage, tolerance "
                              f"FROM blame WHERE {inside} ORDER BY row", params).fetchall()
        segments: dict[int, list[Segment]] = {}
        for row, party, stage, kind, start, end, seconds, opened, closed in e._db.execute(
                f"SELECT row, party, stage, kind, start, \"end\", seconds, opened, closed FROM segments "
                f"WHERE {inside} ORDER BY row, part", params).fetchall():
            segment = Segment(party, stage, kind, start, end, seconds, (opened, closed))
            segments.setdefault(row, []).append(segment)
        return [Attribution(case_id, tuple(outcomes), party, stage, tolerance, tuple(segments.get(row, ())))
                for row, case_id, outcomes, party, stage, tolerance in blame]

    def accountability(self, scope: str, which: str = "current") -> Summary:
        """``summarise`` in SQL: the sums of seconds may differ from Python's in the last bits."""
        e = self.engine(which)
        inside, params = e.inside(scope)
        n = tolerated = 0
        default: dict[str, int] = {}
        for tol, stage, count in e._db.execute(
                f"SELECT tolerance <> '', default_stage, count(*) FROM blame WHERE {inside} "
                f"GROUP BY 1, 2 ORDER BY 1, 2", params).fetchall():
            if tol:
                tolerated += count
                continue
            n += count
            if stage:
                default[stage] = default.get(stage, 0) + count
        by_party: dict[str, float] = {}
        by_stage: dict[str, float] = {}
        by_kind: dict[str, float] = {}
        for party, stage, kind, seconds in e._db.execute(
                f"SELECT party, stage, kind, sum(seconds) FROM segments WHERE NOT tolerated AND {inside} "
                f"GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
                params).fetchall():
            by_party[party] = by_party.get(party, 0.0) + seconds
            by_kind[kind] = by_kind.get(kind, 0.0) + seconds
            if stage:
                by_stage[stage] = by_stage.get(stage, 0.0) + seconds
        return Summary(n, tolerated, by_party, by_stage, by_kind, default)
