"""The demo's data: a month of a city's workload run through the real services in virtual time.

The linkage mode is simulated for the whole city (so queues and waits are the city's), then a
reproducible share of its reports is replayed as commands through the platform's message bus,
store and ledger — report, dispatch, sign, handle, summons, assists, resolution, follow-up — with
the platform's own escalation chain swept every evening. What the platform refuses is counted,
never forced. Cases whose next step falls after "now" stay open, so inboxes have work in them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

import numpy as np

from liandong.bootstrap import Platform
from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.domain.worktime import SHANGHAI
from liandong.services.cases import MessageBus, Result
from liandong.services.clock import ManualClock
from liandong.simulation.config import SimulationConfig, load_config
from liandong.simulation.model import Run
from liandong.simulation.texts import ReportTexts
from liandong.simulation.workload import SEVERITIES, generate
from liandong.simulation.world import World

BUCKET = 10.0  # minutes: commands due in the same ten minutes share one transaction
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
            "许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
SOURCES = (("citizen", 0.62), ("hotline", 0.18), ("grid", 0.12), ("online", 0.05), ("ngo", 0.01),
           ("department", 0.02))
RATING = ("satisfied", "basically_satisfied", "unsatisfied")
# Order of steps that fall in the same bucket: a case is reported before it is dispatched …
REPORT, DISPATCH, HEAT, ACK, START, SUMMON, ANSWER, ASSIST, RESOLVE, FOLLOW, CLOSE, REDO, RECHECK = range(13)
SWEEPS = (8 * 60, 11 * 60, 14 * 60, 17 * 60 + 45, 20 * 60)  # the chain runs through the day
ASSIST_TEXT = "已按分工完成现场处置并反馈"
RESOLVED_TEXT = "已现场核实并处置完毕，向诉求人反馈办理结果"
Step = tuple[float, int, int]  # (minute, step, case)
Progress = Callable[[int, int], None]


@dataclass
class DemoSummary:
    reports: int = 0
    commands: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    refused_steps: Counter[int] = field(default_factory=Counter)
    chain_events: int = 0
    checkpoints: int = 0
    open_cases: int = 0


def demo_config(days: int, end: datetime) -> SimulationConfig:
    """The default parameters, starting ``days`` before ``end`` (local midnight)."""
    local = end.astimezone(SHANGHAI)
    start = datetime.combine(local.date() - timedelta(days=days), time(0), SHANGHAI)
    return load_config().with_overrides({"start": start.isoformat()})


class DemoLoader:
    def __init__(self, platform: Platform, *, scope: str, days: int, share: float, seed: int,
                 end: datetime) -> None:
        self.platform = platform
        self.days = days
        self.end = end
        self.config = demo_config(days, end)
        self.workload = generate(platform.hierarchy, platform.catalogue, self.config, scope=scope,
                                 days=days, seed=seed)
        self.world = World.build(platform.rules(), self.config, self.workload, days)
        self.outcomes = Run(self.world, "linkage", self.world.staffing(days), seed).run()
        w = self.workload
        major = np.asarray([SEVERITIES[s].value in ("III", "II", "I") for s in w.severity.tolist()])
        burst = w.heat > 0  # 舆情 bursts whole, so that surges and heat show as they would
        self.chosen = np.flatnonzero((w.u[:, 3] < share) | major | burst).tolist()
        self.texts = ReportTexts.load(platform.catalogue.matters)
        self.rng = np.random.default_rng(seed)
        self.clock = ManualClock(self.config.start)
        self.bus: MessageBus = platform.bus(clock=self.clock)
        self.ids: dict[int, str] = {}
        self.summary = DemoSummary()
        self.city = platform.hierarchy.nearest_at_or_above(w.codes[0], Level.CITY).code

    # -- the plan -----------------------------------------------------------------------------
    def steps(self) -> list[Step]:
        o, w, work = self.outcomes, self.workload, self.world.work
        ack_min = 60.0 * self.config.handling.ack_wh
        out: list[Step] = []
        for i in self.chosen:
            t0 = float(w.time[i])
            out.append((t0, REPORT, i))
            dispatched = t0 + 2 + 8 * float(w.ack[i])  # the centre's operator writes the order
            out.append((dispatched, DISPATCH, i))
            if w.heat[i]:
                out.append((dispatched + 30, HEAT, i))
            urgent = self.world.limit_of(i)[1] == "h"  # clock-hour limits are worked round the clock
            ack = ack_min * float(w.ack[i])
            acked = dispatched + ack if urgent else work.end(dispatched, ack)
            out.append((acked, ACK, i))
            out.append((acked + 5, START, i))
            if w.u[i, 2] < 0.15:  # a street office summons its county's departments (吹哨)
                out.append((acked + 20, SUMMON, i))
                out.append((acked + 35 + 30 * float(w.u[i, 1]), ANSWER, i))
            resolved = float(o.resolved[i])
            if math.isnan(resolved):
                continue
            resolved = max(resolved, acked + 60)
            out.append((resolved - 30, ASSIST, i))
            out.append((resolved, RESOLVE, i))
            follow = work.end(resolved, 120 + 240 * float(w.u[i, 2]))
            out.append((follow, FOLLOW, i))
            if self._at_fault(i):  # 重办: redone within a working day, then asked again
                redone = work.end(follow, 420 * (0.5 + float(w.u[i, 2])))
                out.append((redone, REDO, i))
                out.append((work.end(redone, 120), RECHECK, i))
                out.append((work.end(redone, 130), CLOSE, i))
            else:
                out.append((follow + 10, CLOSE, i))
        limit = self.world.minutes(self.end)
        return sorted(s for s in out if s[0] < limit)

    # -- commands -----------------------------------------------------------------------------
    def _report(self, i: int) -> c.ReportCase:
        w = self.workload
        matter = w.matters[int(w.matter[i])]
        place = w.codes[int(w.place[i])]
        other = w.codes[int(w.extra[i])] if w.extra[i] >= 0 else ""
        # a place beyond the area this deployment serves is not taken in here: the report keeps its own
        affected = (place, other) if other and self.platform.rules().router.serves(other) else (place,)
        draw = int(w.template[i])
        source = SOURCES[int(np.searchsorted(np.cumsum([p for _, p in SOURCES]), w.u[i, 3] * 7 % 1))][0]
        name = SURNAMES[draw % len(SURNAMES)] + ("女士" if draw % 2 else "先生")
        return c.ReportCase(
            by="reporter", matter=matter.code, severity=SEVERITIES[int(w.severity[i])].value,
            affected=affected, source=source, reporter_name=name,
            reporter_phone=f"1{3 + draw % 7}{draw % 1000:03d}{(draw // 1000) % 1_000_000:06d}",
            description=self.texts.render(self.platform.hierarchy, matter=matter.code, place=place,
                                          draw=draw),
            idempotency_key=f"demo-{i}")

    def _at_fault(self, i: int) -> bool:
        """An unsatisfied rating for a cause of the handler (some of them) reopens the case."""
        return int(self.outcomes.rating[i]) == 2 and bool(self.workload.u[i, 1] > 0.7)

    def _case(self, i: int) -> Any:
        with self.platform.uow() as uow:
            return uow.case_reads.get(self.ids[i])

    def _commands(self, step: int, i: int) -> list[c.Command]:
        case_id = self.ids.get(i)
        if case_id is None:
            return []
        centre = f"{self.city}-gov"
        if step == DISPATCH:
            return [c.DispatchCase(by=centre, case_id=case_id)]
        if step == HEAT:
            return [c.SetHeat(by="platform", case_id=case_id, heat=int(self.workload.heat[i]))]
        record = self._case(i).record
        state, lead = record.state.value, record.lead
        if step in (FOLLOW, RECHECK):
            if state != "resolved":
                return []
            rating = RATING[max(0, int(self.outcomes.rating[i]))] if step == FOLLOW else "basically_satisfied"
            return [c.FollowUpCase(by=centre, case_id=case_id, contacted=True,
                                   solved=rating != "unsatisfied", rating=rating,
                                   handler_at_fault=step == FOLLOW and self._at_fault(i))]
        if step == CLOSE:
            return [c.CloseCase(by=centre, case_id=case_id)] if state == "followed_up" else []
        if step == ACK:
            return [c.AcknowledgeCase(by=lead, case_id=case_id)]
        if step == START:
            return [c.StartHandling(by=lead, case_id=case_id)]
        # escalated by the chain: the new lead signs for it and takes over before finishing
        takeover: list[c.Command] = []
        if state == "dispatched":
            takeover = [c.AcknowledgeCase(by=lead, case_id=case_id),
                        c.StartHandling(by=lead, case_id=case_id)]
        if step == SUMMON:
            return self._summons(i, case_id, record)
        if step == ANSWER:
            return [c.AnswerSummons(by=d, case_id=case_id, mode="on_site" if k % 3 else "online")
                    for k, (d, s) in enumerate(record.summons.items()) if s.answered_at is None]
        assists: list[c.Command] = [c.ReportAssist(by=d, case_id=case_id, summary=ASSIST_TEXT)
                                    for d in record.pending_assists()]
        if step == ASSIST:
            return takeover + assists
        if step in (RESOLVE, REDO):  # joint closure: any member still to report does so first
            return takeover + assists + [c.ResolveCase(by=lead, case_id=case_id, summary=RESOLVED_TEXT,
                                                       public_note="问题已处理，感谢您的反映")]
        return []

    def _summons(self, i: int, case_id: str, record: Any) -> list[c.Command]:
        h = self.platform.hierarchy
        place = self.workload.codes[int(self.workload.place[i])]
        if h.get(place).level is not Level.TOWNSHIP:
            return []
        county = h.parent(place)
        matter = self.workload.matters[int(self.workload.matter[i])]
        router = self.platform.rules().router
        wanted = [f"{county.code}-{s}" for s in (matter.lead, *matter.assist)
                  if s and county and router.has_department(county, s)][:2]
        return [c.SummonDepartments(by=f"{place}-gov", case_id=case_id, departments=tuple(wanted),
                                    reason="需要县级部门到场联合处置")] if wanted else []

    # -- running ------------------------------------------------------------------------------
    def _handle(self, commands: list[c.Command]) -> list[Result | DomainError]:
        results = self.bus.handle_batch(commands) if commands else []
        for result in results:
            if isinstance(result, DomainError):
                self.summary.refused[result.code] += 1
            else:
                self.summary.commands += 1
        return results

    def run(self, progress: Progress | None = None) -> DemoSummary:
        steps = self.steps()
        buckets: dict[int, list[Step]] = {}
        for s in steps:
            buckets.setdefault(int(s[0] // BUCKET), []).append(s)
        sweeps = {int((d * 1440 + m) // BUCKET) for d in range(self.days + 1) for m in SWEEPS}
        evenings = {int((d * 1440 + SWEEPS[3]) // BUCKET) for d in range(self.days + 1)}
        keys = sorted(set(buckets) | {e for e in sweeps if e * BUCKET < self.world.minutes(self.end)})
        done = 0
        for key in keys:
            self.clock.set(self.world.moment(key * BUCKET))
            todo = buckets.get(key, [])
            reports = [i for _, step, i in todo if step == REPORT]
            for i, result in zip(reports, self._handle([self._report(i) for i in reports]), strict=True):
                if not isinstance(result, DomainError):
                    self.ids[i] = result.case_id
                    self.summary.reports += 1
            for step in sorted({step for _, step, _ in todo} - {REPORT}):  # each step sees the last
                cases = [i for _, s, i in todo if s == step]
                commands = [cmd for i in cases for cmd in self._commands(step, i)]
                for result in self._handle(commands):
                    if isinstance(result, DomainError):
                        self.summary.refused_steps[step] += 1
            if key in sweeps:  # the platform's chain: reminders, urging, supervision, escalation
                self.summary.chain_events += self.bus.sweep()
            if key in evenings:
                with self.platform.uow() as uow:
                    if self.platform.ledger.checkpoint(uow, self.clock.now()):
                        self.summary.checkpoints += 1
                    uow.commit()
            done += len(todo)
            if progress:
                progress(done, len(steps))
        self.summary.open_cases = sum(1 for i in self.ids if math.isnan(self.outcomes.resolved[i])
                                      or self.outcomes.resolved[i] >= self.world.minutes(self.end))
        return self.summary


def load_demo(platform: Platform, *, scope: str, days: int = 30, share: float = 0.05, seed: int = 1,
              end: datetime | None = None, progress: Progress | None = None) -> DemoSummary:
    """Fill an initialised store with ``days`` of ``scope``'s cases ending at ``end`` (now)."""
    moment = end or platform.clock.now()
    return DemoLoader(platform, scope=scope, days=days, share=share, seed=seed, end=moment).run(progress)
