"""The instrument aggregate: its commands, each checked against the kind's workflow, the actor's
place in it, and the governance elements of the actor's level (a township cannot issue a pilot; a
city can contract a project). Its state is the record (``record.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from liandong.domain.aggregate import Aggregate
from liandong.domain.cases.routing import Router
from liandong.domain.errors import DomainError
from liandong.domain.instruments import events as ev
from liandong.domain.instruments.kinds import READ_BY_LIMIT, SPECS, Kind, Step
from liandong.domain.instruments.record import (
    PLATFORM,
    InstrumentRecord,
    Task,
    apply,
)
from liandong.domain.organisation import Action, GovernanceElements
from liandong.domain.worktime import check_moment

MAX_AHEAD = timedelta(days=5 * 366)
"""How far ahead an instrument's due date or a pilot's extension may lie (a five-year plan)."""


@dataclass(frozen=True)
class InstrumentRules:
    """What the commands need to know of the organisation."""

    router: Router  # departments that exist, their names, the level above each
    governance: GovernanceElements

    def level_of(self, department: str) -> int:
        unit = department.rpartition("-")[0]
        h = self.router.hierarchy
        if unit not in h:
            raise DomainError("department.unknown", code=department)
        return int(h.get(unit).level)

    def may(self, department: str, action: Action) -> None:
        """Refuse unless the governance elements of the department's level grant ``action``."""
        self.router.check_department(department)
        level = self.router.hierarchy.get(department.rpartition("-")[0]).level
        if not self.governance.allows(level, action):
            allowed = "、".join(lv.key for lv in type(level) if self.governance.allows(lv, action)) or "—"
            raise DomainError("instrument.not_granted", department=department, level=level.key,
                              action=action.value, allowed=allowed)


class Instrument(Aggregate[InstrumentRecord, ev.InstrumentEvent]):
    """Commands on one instrument; its state is the record (``record.py``)."""

    record_type = InstrumentRecord
    apply = staticmethod(apply)  # type: ignore[assignment]
    refusals = ("instrument.not_found", "instrument.conflict", "instrument.not_party", "id")

    def _step(self, step: Step) -> None:
        r = self.record
        if not r.is_open and step is not Step.READ:
            raise DomainError("instrument.closed", id=r.id, state=r.state)
        if step not in r.spec.steps:
            raise DomainError("instrument.no_such_step", kind=r.kind.value, step=step.value,
                              allowed=", ".join(sorted(s.value for s in r.spec.steps)))

    # -- issuing -----------------------------------------------------------------------------
    @classmethod
    def issue(cls, instrument_id: str, *, by: str, kind: str, title: str, body: str, scope: str,
              addressees: Sequence[str], now: datetime, rules: InstrumentRules,
              due: datetime | None = None, cadence_days: int = 0,
              indicators: Sequence[tuple[str, str, str]] = (), subject: str = "", budget_fen: int = 0,
              evidence: Sequence[str] = (), read_limit_hours: int = 0,
              items: Sequence[tuple[str, int]] = ()) -> Instrument:
        try:
            k = Kind(kind)
        except ValueError:
            raise DomainError("instrument.unknown_kind", value=kind,
                              allowed=", ".join(x.value for x in Kind)) from None
        spec = SPECS[k]
        rules.may(by, spec.issue)
        if not title.strip():
            raise DomainError("instrument.title_required")
        if not addressees:
            raise DomainError("instrument.no_addressees")
        h = rules.router.hierarchy
        if scope not in h:
            raise DomainError("instrument.unknown_scope", code=scope)
        issuer_unit = by.rpartition("-")[0]
        for code in addressees:
            rules.router.check_department(code)
            unit = code.rpartition("-")[0]
            if spec.direction == "down" and (unit == issuer_unit or not h.is_ancestor(issuer_unit, unit)):
                raise DomainError("instrument.not_below", addressee=code, issuer=by)
            if spec.direction == "up" and (unit == issuer_unit or not h.is_ancestor(unit, issuer_unit)):
                raise DomainError("instrument.not_above", addressee=code, issuer=by)
        if spec.direction == "down" and not h.is_ancestor(issuer_unit, scope):
            raise DomainError("instrument.scope_outside", scope=scope, issuer=by)
        if spec.needs_due and due is None:
            raise DomainError("instrument.due_required", kind=k.value)
        if due is not None:
            check_moment(due, now=now, within=MAX_AHEAD)
            if due <= now:
                raise DomainError("instrument.due_past", due=due.isoformat())
        if spec.needs_evidence and not evidence:
            raise DomainError("instrument.evidence_required", kind=k.value)
        if budget_fen < 0 or cadence_days < 0 or read_limit_hours < 0 or any(q <= 0 for _, q in items):
            raise DomainError("instrument.negative", kind=k.value)
        for _, baseline, target in indicators:
            _decimal(baseline)
            _decimal(target)
        if items and k is not Kind.RESOURCE:
            raise DomainError("instrument.items_only_for_resources", kind=k.value)
        made = cls(InstrumentRecord(instrument_id))
        made._emit(ev.Issued(
            instrument_id=instrument_id, at=now, actor=by, kind=k.value, title=title.strip(),
            body=body.strip(),
            scope=scope, addressees=tuple(dict.fromkeys(addressees)), due=due, cadence_days=cadence_days,
            indicators=tuple(indicators), subject=subject, budget_fen=budget_fen, evidence=tuple(evidence),
            read_limit_hours=read_limit_hours, items=tuple((n.strip(), int(q)) for n, q in items)))
        return made

    # -- the steps ---------------------------------------------------------------------------
    def read(self, *, by: str, now: datetime, rules: InstrumentRules) -> None:
        """已阅: an addressee's read receipt (or, for a promoted experience, any department in the
        scope it was promoted to)."""
        r = self.record
        h = rules.router.hierarchy
        unit = by.rpartition("-")[0]
        promoted = unit in h and any(h.is_ancestor(scope, unit) for scope in r.promoted_to)
        if not promoted:
            self._party(by, list(r.addressees), "addressee")
        if by not in r.reads:
            self._emit(ev.Read(instrument_id=self.id, at=now, actor=by, department=by))

    def report(self, *, by: str, text: str, figures: Sequence[tuple[str, str]], now: datetime) -> None:
        """A pilot's data report, a project's progress, an inspection's findings (by the inspector),
        a resource's use (after its allocation, which concluded the request)."""
        r = self.record
        if not (r.kind is Kind.RESOURCE and r.decision is not None and r.decision.decision == "allocated"):
            self._step(Step.REPORT)
        allowed = [r.issuer] if r.kind in (Kind.INSPECTION, Kind.ASSESSMENT) else list(r.addressees)
        if r.kind is Kind.RESOURCE:
            allowed = [r.issuer]  # the requester reports the use of what it was given
            if r.decision is None:
                raise DomainError("instrument.not_decided", id=r.id)
        self._party(by, allowed, "reporter")
        if not text.strip():
            raise DomainError("instrument.text_required")
        known = {name for name, _, _ in r.indicators}
        for name, value in figures:
            if known and name not in known:
                raise DomainError("instrument.unknown_indicator", name=name, allowed="、".join(sorted(known)))
            _decimal(value)
        self._emit(ev.Reported(instrument_id=self.id, at=now, actor=by, department=by, text=text.strip(),
                               figures=tuple(figures)))

    def respond(self, *, by: str, text: str, now: datetime) -> None:
        self._step(Step.RESPOND)
        r = self.record
        self._party(by, list(r.addressees), "addressee")
        if by in r.responses:
            raise DomainError("instrument.already_responded", department=by)
        if not text.strip():
            raise DomainError("instrument.text_required")
        on_time = r.due is None or now <= r.due
        self._emit(ev.Responded(instrument_id=self.id, at=now, actor=by, department=by, text=text.strip(),
                                on_time=on_time))

    def assign(self, *, by: str, task: str, owner: str, title: str, due: datetime, now: datetime,
               rules: InstrumentRules) -> None:
        """交办 a task: a rectification, a milestone, a follow-up action. Tasking is 指导督促, which
        a department holds over its own jurisdiction only: a level invited from above (to a meeting,
        a training) attends but takes no task from the convener."""
        self._step(Step.ASSIGN)
        r = self.record
        self._party(by, [r.issuer], "issuer")
        if owner not in r.addressees and owner != r.issuer:
            raise DomainError("instrument.owner_not_addressee", owner=owner, allowed="、".join(r.addressees))
        issuer_unit, owner_unit = r.issuer.rpartition("-")[0], owner.rpartition("-")[0]
        if owner_unit != issuer_unit and not rules.router.hierarchy.is_ancestor(issuer_unit, owner_unit):
            raise DomainError("instrument.task_above", owner=owner, issuer=r.issuer)
        if task in r.tasks:
            raise DomainError("instrument.task_exists", task=task)
        if not title.strip():
            raise DomainError("instrument.title_required")
        check_moment(due, now=now, within=MAX_AHEAD)
        if due <= now:
            raise DomainError("instrument.due_past", due=due.isoformat())
        self._emit(ev.TaskAssigned(instrument_id=self.id, at=now, actor=by, task=task, owner=owner,
                                   title=title.strip(), due=due))

    def _task(self, task: str) -> Task:
        found = self.record.tasks.get(task)
        if found is None:
            raise DomainError("instrument.no_task", task=task, allowed="、".join(self.record.tasks) or "—")
        return found

    def complete(self, *, by: str, task: str, note: str, now: datetime) -> None:
        self._step(Step.COMPLETE)
        t = self._task(task)
        self._party(by, [t.owner], "task owner")
        if t.done_at is not None:
            raise DomainError("instrument.task_done", task=task)
        self._emit(ev.TaskCompleted(instrument_id=self.id, at=now, actor=by, task=task, note=note.strip(),
                                    on_time=now <= t.due))

    def verify(self, *, by: str, task: str, accepted: bool, note: str, now: datetime) -> None:
        """The issuer (the inspector) verifies a task reported done; refused, it goes back."""
        self._step(Step.VERIFY)
        t = self._task(task)
        self._party(by, [self.record.issuer], "issuer")
        if t.done_at is None:
            raise DomainError("instrument.task_not_done", task=task)
        self._emit(ev.TaskVerified(instrument_id=self.id, at=now, actor=by, task=task, accepted=accepted,
                                   note=note.strip()))

    def attend(self, *, by: str, present: bool, now: datetime) -> None:
        self._step(Step.ATTEND)
        self._party(by, list(self.record.addressees), "invitee")
        self._emit(ev.Attended(instrument_id=self.id, at=now, actor=by, department=by, present=present))

    def record_minutes(self, *, by: str, text: str, now: datetime) -> None:
        self._step(Step.MINUTES)
        self._party(by, [self.record.issuer], "convener")
        if not text.strip():
            raise DomainError("instrument.text_required")
        self._emit(ev.MinutesRecorded(instrument_id=self.id, at=now, actor=by, text=text.strip()))

    def decide(self, *, by: str, decision: str, reason: str, now: datetime, rules: InstrumentRules,
               scope: str = "", until: datetime | None = None, justification: str = "") -> None:
        """The concluding decision: a pilot scaled up (to ``scope``), extended (``until``) or
        stopped; a project accepted or rejected; an inspection closed; a resource allocated.
        ``justification``: why a rule is departed from, required and recorded for an inspection
        closed with no rectification task and for a pilot scaled up below its targets."""
        self._step(Step.DECIDE)
        r = self.record
        spec = r.spec
        decider = list(r.addressees) if r.kind is Kind.RESOURCE else [r.issuer]
        self._party(by, decider, "decider")
        if spec.decide_action is not None:
            rules.may(by, spec.decide_action)
        if decision not in spec.decisions:
            raise DomainError("instrument.bad_decision", value=decision, allowed=", ".join(spec.decisions))
        if not reason.strip():
            raise DomainError("instrument.reason_required")
        h = rules.router.hierarchy
        units = [a.rpartition("-")[0] for a in r.addressees]
        wider = (scope in h and h.is_ancestor(r.issuer.rpartition("-")[0], scope)
                 and all(h.is_ancestor(scope, u) and scope != u for u in units))
        if decision == "scale_up" and not wider:
            raise DomainError("instrument.scale_up_scope", scope=scope or "—", current=r.scope)
        if until is not None:
            check_moment(until, now=now, within=MAX_AHEAD)
        if decision == "extend" and (until is None or (r.due is not None and until <= r.due) or until <= now):
            raise DomainError("instrument.extend_until", until=until.isoformat() if until else "—")
        if decision == "closed":
            open_tasks = [t.id for t in r.tasks.values() if t.verified is not True]
            if open_tasks:
                raise DomainError("instrument.tasks_open", tasks="、".join(open_tasks))
            if r.kind is Kind.INSPECTION and not r.tasks and not justification.strip():
                raise DomainError("instrument.no_rectification", id=r.id, findings=len(r.reports))
        shortfall = below_target(r) if decision == "scale_up" else ()
        if shortfall and not justification.strip():
            name = rules.router.department_name
            raise DomainError("instrument.below_target", gaps="；".join(
                f"{name(d)} {n} {value or '未报送'} < {target}" for d, n, value, target in shortfall))
        self._emit(ev.Decided(instrument_id=self.id, at=now, actor=by, decision=decision,
                              reason=reason.strip(),
                              scope=scope if decision == "scale_up" else "",
                              until=until if decision == "extend" else None,
                              justification=justification.strip(), shortfall=shortfall))

    def promote(self, *, by: str, scope: str, now: datetime, rules: InstrumentRules) -> None:
        """A level above the author promotes the experience to its scope."""
        self._step(Step.PROMOTE)
        r = self.record
        rules.may(by, Action.PROMOTE_EXPERIENCE)
        h = rules.router.hierarchy
        unit = by.rpartition("-")[0]
        author = r.issuer.rpartition("-")[0]
        if unit == author or not h.is_ancestor(unit, author):
            raise DomainError("instrument.not_above", addressee=by, issuer=r.issuer)
        if scope not in h or not h.is_ancestor(unit, scope):
            raise DomainError("instrument.scope_outside", scope=scope, issuer=by)
        self._emit(ev.Promoted(instrument_id=self.id, at=now, actor=by, scope=scope))

    def adopt(self, *, by: str, now: datetime, rules: InstrumentRules) -> None:
        self._step(Step.ADOPT)
        r = self.record
        rules.router.check_department(by)
        unit = by.rpartition("-")[0]
        h = rules.router.hierarchy
        if not any(h.is_ancestor(scope, unit) for scope in r.promoted_to):
            raise DomainError("instrument.not_promoted_here", department=by,
                              scopes="、".join(r.promoted_to) or "—")
        if by not in r.adopted_by:
            self._emit(ev.Adopted(instrument_id=self.id, at=now, actor=by, department=by))

    def withdraw(self, *, by: str, reason: str, now: datetime) -> None:
        self._step(Step.WITHDRAW)
        self._party(by, [self.record.issuer], "issuer")
        if not reason.strip():
            raise DomainError("instrument.reason_required")
        self._emit(ev.Withdrawn(instrument_id=self.id, at=now, actor=by, reason=reason.strip()))

    # -- deadlines ---------------------------------------------------------------------------
    def check(self, *, now: datetime, rules: InstrumentRules) -> None:
        """Flag what is late, once each, and escalate it to the level above the late party:
        directive responses; briefings, experiences and circulated notices unread past their limit;
        tasks past their deadline; a pilot's data reports behind its cadence."""
        r = self.record
        if not r.is_open:
            return
        late: list[tuple[str, str]] = []
        if r.kind is Kind.DIRECTIVE and r.due is not None and now > r.due:
            late += [(a, "respond") for a in r.addressees if a not in r.responses]
        limit = r.issued_at + timedelta(hours=r.read_limit_hours) if r.issued_at is not None else None
        if r.kind in READ_BY_LIMIT and r.read_limit_hours and limit is not None and now > limit:
            late += [(a, "read") for a in r.addressees if a not in r.reads]
        late += [(t.owner, f"task:{t.id}") for t in r.tasks.values() if t.done_at is None and now > t.due]
        if r.kind is Kind.RESOURCE and r.due is not None and now > r.due and r.decision is None:
            late += [(a, "decide") for a in r.addressees]
        if r.kind is Kind.PILOT and r.cadence_days and r.issued_at is not None:
            due_reports = (now - r.issued_at) // timedelta(days=r.cadence_days)
            for a in r.addressees:
                made = sum(1 for rep in r.reports if rep.department == a)
                if made < due_reports:
                    late.append((a, f"report:{due_reports}"))
        for department, what in late:
            if (department, what) in r.overdue:
                continue
            above = rules.router.supervisor_of(department) if rules.level_of(department) > 0 else department
            self._emit(ev.Overdue(instrument_id=self.id, at=now, actor=PLATFORM, department=department,
                                  what=what, escalated_to=above))


def below_target(r: InstrumentRecord) -> tuple[tuple[str, str, str, str], ...]:
    """Where a pilot falls short of its targets: for each addressee and indicator, its latest
    reported value when it does not reach the target (measured from the baseline: a target above
    the baseline is reached from below, one under it from above), or "" when it never reported
    one. (department, indicator, value, target)."""
    gaps: list[tuple[str, str, str, str]] = []
    for name, baseline, target in r.indicators:
        try:
            goal, start = Decimal(target), Decimal(baseline)
        except InvalidOperation:  # issued before indicators were checked: no target to measure
            continue
        for department in r.addressees:
            values = [v for rep in r.reports if rep.department == department
                      for n, v in rep.figures if n == name]
            if not values:
                gaps.append((department, name, "", target))
                continue
            latest = Decimal(values[-1])
            if (latest < goal) if goal >= start else (latest > goal):
                gaps.append((department, name, values[-1], target))
    return tuple(gaps)


def _decimal(value: str) -> None:
    """Figures are decimal text (no floats in signed payloads)."""
    text = value.strip()
    body = text[1:] if text.startswith("-") else text
    whole, _, frac = body.partition(".")
    if not whole.isdigit() or (frac and not frac.isdigit()):
        raise DomainError("instrument.bad_figure", value=value[:30])
