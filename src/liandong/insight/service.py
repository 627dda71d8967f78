"""Demand insight over the platform's own reports (DESIGN §8): duplicates of a case, surge alerts
and 每月一题 candidates for a scope, the public-opinion heat of a case. Reads the store through the
unit of work; the statistics live in :mod:`liandong.insight.dupes` and :mod:`.hotspots`."""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from rapidfuzz import fuzz, process
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]

from liandong.domain.cases.case import PLATFORM
from liandong.domain.cases.commands import SetHeat
from liandong.domain.catalogue import parse_scope
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.domain.responsibility import ResponsibilityList
from liandong.insight.dupes import DuplicateFinder, Proposal, Report, normalise, related_matters
from liandong.insight.hotspots import (
    HEAT_SCALE,
    Alert,
    PriorityCandidate,
    SurgeDetector,
    opinion_heat,
    priority_candidates,
)
from liandong.insight.matter import Labelled, MatterClassifier, Suggestion, TrainingReport
from liandong.insight.matter_training import train
from liandong.services.cases import MessageBus
from liandong.services.clock import Clock
from liandong.services.ports import ReportRow, UnitOfWork
from liandong.services.writer import Writer

BASELINE_DAYS = 28
DUPLICATE_WINDOW = timedelta(days=3)
MODEL_DOCUMENT = "insight/matter-model"  # the trained classifier, base64 of its .npz, beside the lists
TRAINING_DAYS = 365
HEAT_STEP = 10  # a reading this much above the recorded heat is recorded
HEAT_MINIMUM = 20  # below this, heat is not worth an event
NEAR_COPY = 80  # rapidfuzz ratio (0–100) from which two report texts count as one wording
NEAR_COPY_LIMIT = 4000  # distinct wordings per matter compared pairwise; beyond, exact wording only


@dataclass(frozen=True)
class HeatReading:
    """舆情热度 of a case and what it is made of."""

    case_id: str
    heat: int
    duplicates: int  # open reports proposed as the same problem
    similar: int  # reports of the matter at the same township in the window
    expected: float  # how many the township's baseline would give in that window


HEAT_CHUNK = 20
"""Heat raises handed to a server's group-commit writer at once (each may escalate its case)."""


def _saturating_duplicates(similar: int, expected: float) -> int:
    """The number of duplicates past which ``opinion_heat`` reads 100 whatever comes on top."""
    excess_needed = HEAT_SCALE * math.log(200.0)  # 100 · (1 − e^(−E/scale)) rounds to 100 from here
    return max(0, math.ceil(excess_needed - 0.5 * max(0.0, similar - expected)))


class Insight:
    """Queries of demand insight for one platform."""

    def __init__(self, *, uow: Callable[[], UnitOfWork], hierarchy: HierarchyIndex,
                 matters: ResponsibilityList, clock: Clock) -> None:
        self.uow = uow
        self.hierarchy = hierarchy
        self.matters = matters
        self.clock = clock
        self.finder = DuplicateFinder(hierarchy, window=DUPLICATE_WINDOW, related=related_matters(matters))
        self._model: tuple[str, MatterClassifier] | None = None  # (stored version, classifier)

    # -- matter from text -----------------------------------------------------------------------
    def classifier(self) -> MatterClassifier:
        """The trained classifier stored on the platform, or the keyword rules before any training."""
        with self.uow() as u:
            stored = u.organisation.document(MODEL_DOCUMENT)
        if stored is None:
            return MatterClassifier.from_rules(self.matters)
        version, text = stored
        if self._model is None or self._model[0] != version:
            try:
                blob = base64.b64decode(text.encode("ascii"), validate=True)
            except (ValueError, UnicodeEncodeError):
                raise DomainError("insight.bad_model", problem="not base64") from None
            self._model = (version, MatterClassifier.from_bytes(blob, self.matters))
        return self._model[1]

    def suggest(self, texts: Sequence[str], k: int = 3) -> list[list[Suggestion]]:
        """Ranked matter types for each text, with confidence and the keywords that matched."""
        return self.classifier().suggest_many(list(texts), k=k)

    def labels(self, *, days: int = TRAINING_DAYS) -> list[Labelled]:
        """What the platform has learned to call each report: the matter it was taken in as, and
        the dispatcher's 改类 (a correction, which overrides it) where there was one."""
        now = self.clock.now()
        rows = [r for r in self.reports(now - timedelta(days=days), now + timedelta(seconds=1))
                if r.description.strip()]
        group = self._near_copies(rows)
        out: list[Labelled] = []
        for r in rows:
            g = group[r.case_id]
            out.append(Labelled(r.description, r.reported_matter, case=r.case_id, group=g))
            if r.matter != r.reported_matter:
                out.append(Labelled(r.description, r.matter, corrected=True, case=r.case_id, group=g))
        return out

    def _near_copies(self, rows: Sequence[ReportRow]) -> dict[str, str]:
        """A group per set of near-copies (the same wording about other places, other numbers), so
        that the held-out split never tests the model on the twin of a training text."""
        h = self.hierarchy
        shapes: dict[str, dict[str, list[str]]] = {}  # matter → shape → cases
        for r in rows:
            names = [n for code in r.affected if code in h for u in h.path(code)[1:]
                     for n in (u.name, u.short_name)]
            shapes.setdefault(r.matter, {}).setdefault(normalise(r.description, names), []).append(r.case_id)
        group: dict[str, str] = {}
        for matter, by_shape in shapes.items():
            keys = list(by_shape)
            label = list(range(len(keys)))
            if 1 < len(keys) <= NEAR_COPY_LIMIT:
                near = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=NEAR_COPY, dtype=np.uint8)
                _, label = connected_components(csr_matrix(near > 0), directed=False)
            for key, component in zip(keys, label, strict=True):
                for case_id in by_shape[key]:
                    group[case_id] = f"{matter}:{component}"
        return group

    def train(self, *, seed: int = 1, days: int = TRAINING_DAYS, holdout: float = 0.2) -> TrainingReport:
        """Learn from the platform's labels, report the held-out accuracy and store the model."""
        model, report = train(self.labels(days=days), matters=self.matters, seed=seed, holdout=holdout)
        blob = model.to_bytes()
        stamp = self.clock.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        version = f"{stamp}-{hashlib.sha256(blob).hexdigest()[:12]}"  # fits the 32 characters kept
        with self.uow() as u:
            u.organisation.put_document(MODEL_DOCUMENT, version, base64.b64encode(blob).decode("ascii"))
            u.commit()
        self._model = (version, model)
        return report

    # -- reading the store ----------------------------------------------------------------------
    def reports(self, since: datetime, until: datetime, scope: str | None = None) -> list[ReportRow]:
        """Reports received in [since, until), those whose first place lies in ``scope`` if given."""
        with self.uow() as u:
            rows = u.case_reads.reports_received(since, until)
        if scope is None:
            return rows
        root = parse_scope(scope, self.hierarchy).root
        h = self.hierarchy
        return [r for r in rows if r.affected and r.affected[0] in h and h.is_ancestor(root, r.affected[0])]

    def _row(self, case_id: str) -> ReportRow:
        with self.uow() as u:
            case = u.case_reads.get(case_id)
        if case is None or case.record.received_at is None:
            raise DomainError("case.unknown", case_id=case_id[:40])
        at = case.record.received_at
        found = [r for r in self.reports(at, at + timedelta(microseconds=1)) if r.case_id == case_id]
        if not found:
            raise DomainError("case.unknown", case_id=case_id[:40])
        return found[0]

    @staticmethod
    def _report(r: ReportRow) -> Report:
        return Report(r.case_id, r.description, r.affected[0], r.matter, r.received_at, r.is_open)

    # -- duplicates -----------------------------------------------------------------------------
    def duplicates(self, case_id: str) -> list[Proposal]:
        """Open cases about the same problem at the same place within the window, best first."""
        me = self._row(case_id)
        window = self.finder.window
        around = self.reports(me.received_at - window, me.received_at + window)
        candidates = [self._report(r) for r in around if r.case_id != case_id and r.affected]
        return self.finder.propose(self._report(me), candidates)

    def duplicates_of(self, rows: Sequence[tuple[str, datetime]]) -> dict[str, list[Proposal]]:
        """Duplicates of many cases ((id, received) pairs) with one read of the store."""
        if not rows:
            return {}
        window = self.finder.window
        first, last = min(at for _, at in rows), max(at for _, at in rows)
        around = [r for r in self.reports(first - window, last + window) if r.affected]
        by_id = {r.case_id: r for r in around}
        out: dict[str, list[Proposal]] = {}
        for case_id, at in rows:
            me = by_id.get(case_id)
            if me is None:
                continue
            near = [self._report(r) for r in around
                    if r.case_id != case_id and abs(r.received_at - at) <= window]
            out[case_id] = self.finder.propose(self._report(me), near)
        return out

    # -- surges and priorities ------------------------------------------------------------------
    def _series(self, rows: Sequence[ReportRow]) -> tuple[list[datetime], list[str], list[str]]:
        rows = [r for r in rows if r.affected and r.affected[0] in self.hierarchy]
        return [r.received_at for r in rows], [r.affected[0] for r in rows], [r.matter for r in rows]

    def surges(self, scope: str, *, as_of: datetime | None = None, window_hours: float = 24,
               alpha: float = 0.001) -> list[Alert]:
        """Series of the scope surging now (or at ``as_of``), strongest first."""
        now = as_of or self.clock.now()
        detector = SurgeDetector(self.hierarchy, window_hours=window_hours, alpha=alpha,
                                 baseline_days=BASELINE_DAYS)
        rows = self.reports(now - timedelta(days=BASELINE_DAYS, hours=window_hours), now, scope)
        if not rows:
            return []
        times, places, matters = self._series(rows)
        alerts = detector.detect(times, places, matters, as_of=now)
        return sorted(alerts, key=lambda a: (a.p_value, -a.observed, a.jurisdiction, a.matter))

    def recent_surges(self, scope: str, *, days: float = 7, step_hours: float = 6,
                      as_of: datetime | None = None) -> list[Alert]:
        """Every surge episode of the scope in the last ``days``, when it first fired (newest first),
        as the detector would have raised them live every ``step_hours``."""
        now = as_of or self.clock.now()
        start = now - timedelta(days=days)
        detector = SurgeDetector(self.hierarchy, baseline_days=BASELINE_DAYS)
        rows = self.reports(start - timedelta(days=BASELINE_DAYS + 1), now, scope)
        if not rows:
            return []
        times, places, matters = self._series(rows)
        alerts = detector.scan(times, places, matters, start=start, end=now, step_hours=step_hours)
        return sorted(alerts, key=lambda a: (a.fired, -a.observed), reverse=True)

    def priorities(self, scope: str, *, as_of: datetime | None = None, months: int = 6,
                   level: Level = Level.COUNTY, top: int = 10) -> list[PriorityCandidate]:
        """Candidates for 每月一题 in the scope: volume, recurrence, repeats and dissatisfaction."""
        now = as_of or self.clock.now()
        rows = self.reports(now - timedelta(days=30 * months), now, scope)
        rows = [r for r in rows if r.affected and r.affected[0] in self.hierarchy]
        if not rows:
            return []
        times, places, matters = self._series(rows)
        satisfied = [None if r.rating in ("", "none") else r.rating != "unsatisfied" for r in rows]
        return priority_candidates(self.hierarchy, times, places, matters, as_of=now, satisfied=satisfied,
                                   level=level, months=months, top=top)

    # -- heat -----------------------------------------------------------------------------------
    def heat_sweep(self, bus: MessageBus | Writer, *, now: datetime | None = None,
                   step: int = HEAT_STEP, minimum: int = HEAT_MINIMUM) -> list[HeatReading]:
        """Raise the recorded 舆情热度 of open cases of the window whose reading grew (by ``step`` or
        more, from ``minimum``): the engine then brings the level above in at its threshold. Heat is
        never lowered here — a burst that ends does not undo the supervision it caused.

        The work is bounded for large bursts: duplicates are counted only until the heat cannot
        rise further (none at all when the similar reports alone saturate it), the cases are read
        in one unit of work, and the raises go to the group-commit writer together when one is
        given (a server's), not one transaction each beside it."""
        at = now or self.clock.now()
        window = self.finder.window
        rows = [r for r in self.reports(at - window - timedelta(days=BASELINE_DAYS), at) if r.affected]
        recent = [r for r in rows if r.received_at >= at - window]
        base: dict[tuple[str, str], int] = {}
        for r in rows:
            if r.received_at < at - window:
                key = (r.affected[0], r.matter)
                base[key] = base.get(key, 0) + 1
        groups: dict[tuple[str, str], list[ReportRow]] = {}
        for r in recent:
            groups.setdefault((r.affected[0], r.matter), []).append(r)
        readings: list[HeatReading] = []
        for key, members in groups.items():
            if len(members) < 2:
                continue
            expected = base.get(key, 0) * window / timedelta(days=BASELINE_DAYS)
            reports = [self._report(r) for r in members]
            similar = len(members) - 1
            for r, me in zip(members, reports, strict=True):
                if not r.is_open:
                    continue
                dupes = self._duplicates_up_to(me, reports, _saturating_duplicates(similar, expected))
                value = opinion_heat(duplicates=dupes, similar=similar, expected=expected)
                if value >= minimum:
                    readings.append(HeatReading(r.case_id, value, dupes, similar, round(expected, 3)))
        if not readings:
            return []
        with self.uow() as u:
            rising = []
            for reading in readings:
                case = u.case_reads.get(reading.case_id)
                if case is not None and reading.heat - case.record.heat >= step:
                    rising.append(reading)
        commands = [SetHeat(by=PLATFORM, case_id=x.case_id, heat=x.heat) for x in rising]
        if not isinstance(bus, MessageBus):  # a writer: a few at a time, people's commands in between
            outcomes: list[object] = []
            for start in range(0, len(commands), HEAT_CHUNK):
                futures = [bus.submit(command) for command in commands[start:start + HEAT_CHUNK]]
                outcomes.extend(f.result(timeout=120) for f in futures)
        else:
            outcomes = []
            for command in commands:
                try:
                    outcomes.append(bus.handle(command))
                except DomainError as exc:
                    outcomes.append(exc)
        # a refusal: the case moved on meanwhile (closed, merged): nothing to raise
        return [x for x, outcome in zip(rising, outcomes, strict=True)
                if not isinstance(outcome, DomainError)]

    def _duplicates_up_to(self, me: Report, reports: Sequence[Report], enough: int) -> int:
        """How many of ``reports`` duplicate ``me``, counted up to ``enough``."""
        count = 0
        for other in reports:
            if count >= enough:
                break
            if other.case_id != me.case_id and other.open:
                found = self.finder.compare(me, other)
                if found is not None and found.score >= self.finder.threshold:
                    count += 1
        return count

    def heat(self, case_id: str) -> HeatReading:
        """舆情热度 of a case from its duplicates and the excess of similar reports around it."""
        me = self._row(case_id)
        window, t = self.finder.window, me.received_at
        rows = self.reports(t - window - timedelta(days=BASELINE_DAYS), t + window)  # one read
        around = [r for r in rows if r.received_at >= t - window and r.case_id != case_id and r.affected]
        dupes = self.finder.propose(self._report(me), [self._report(r) for r in around])
        same = (me.affected[0], me.matter)
        similar = sum(1 for r in around if (r.affected[0], r.matter) == same)
        per_window = sum(1 for r in rows if r.received_at < t - window and r.affected[:1] == same[:1]
                         and r.matter == me.matter)
        expected = per_window * (2 * window) / timedelta(days=BASELINE_DAYS)
        value = opinion_heat(duplicates=len(dupes), similar=similar, expected=expected)
        return HeatReading(case_id, value, len(dupes), similar, round(expected, 3))
