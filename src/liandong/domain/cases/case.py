"""The case aggregate: each command checks the transition table and the rules, then emits
events; the state changes only by applying those events (so a replay gives the same case)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from liandong.domain.aggregate import Aggregate
from liandong.domain.cases import events as ev
from liandong.domain.cases.record import CaseRecord, apply
from liandong.domain.cases.routing import Role, RoutingDecision
from liandong.domain.cases.rules import SOURCES, Rules, severity_of
from liandong.domain.cases.states import CaseAction, CaseState, next_state
from liandong.domain.contact import check_email, check_phone
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.domain.worktime import check_moment

PLATFORM = "platform"
REPORTER = "reporter"
"""The actor of a report (and of a follow-up rating) made by the public rather than a department."""


class Case(Aggregate[CaseRecord, ev.Event]):
    """A reported problem (案件) from intake to archive; its state is the record (``record.py``)."""

    record_type = CaseRecord
    apply = staticmethod(apply)
    refusals = ("case.unknown", "case.conflict", "case.not_allowed_actor", "case_id")

    @property
    def state(self) -> CaseState:
        return self.record.state

    def _check(self, action: CaseAction) -> None:
        next_state(self.record.state, action)

    def _routing_events(self, decision: RoutingDecision, now: datetime, by: str) -> None:
        self._emit(ev.CaseRouted(
            case_id=self.id, at=now, actor=by, owner=decision.owner.code,
            owner_level=int(decision.owner_level), lead=decision.lead,
            reasons=tuple((r.rule.value, *r.args) for r in decision.reasons), gap=decision.gap,
            members=tuple((code, role.value, rule.value) for code, role, rule in decision.members)))

    def _clocks(self, now: datetime, rules: Rules) -> tuple[datetime, datetime, str]:
        """Acknowledgement and handling deadlines from ``now``. A restarted clock (return, re-dispatch,
        escalation, redo) never ends before the deadline in force: none moves earlier unapproved."""
        matter = rules.matter_for(self.record)
        limit = matter.limit(severity_of(self.record.severity))
        ack_due = rules.calendar.deadline(now, rules.policy.ack_hours, "h")
        due = rules.calendar.deadline(now, limit.amount, limit.unit)
        if self.record.due is not None and self.record.due > due:
            due = self.record.due
        return ack_due, due, str(limit)

    def _route(self, rules: Rules, affected: Sequence[str] | None = None) -> RoutingDecision:
        r = self.record
        floor = Level(r.floor) if r.floor is not None else None
        return rules.router.route(matter=rules.matter_for(r), severity=severity_of(r.severity),
                                  affected=affected or r.affected, floor=floor)

    # -- intake and dispatch -------------------------------------------------------------------
    @classmethod
    def report(cls, *, case_id: str, matter: str, severity: str, affected: Sequence[str],
               description: str, source: str, now: datetime, rules: Rules, actor: str = REPORTER,
               reporter_name: str = "", reporter_phone: str = "", idempotency_key: str = "",
               reporter_account: str = "", address: str = "", coordinates: str = "",
               publish: bool = False, reporter_email: str = "") -> Case:
        """受理: validate and take in a report."""
        matter_type, sev = rules.matter(matter, affected, now), severity_of(severity)  # matter first
        matter_type.limit(sev)
        if not affected:
            raise DomainError("case.no_place")
        for code in affected:
            rules.router.check_place(code)
        reporter_phone = check_phone(reporter_phone)
        if not description.strip():
            raise DomainError("case.empty_description")
        if source not in SOURCES:
            raise DomainError("case.bad_source", value=source, allowed=", ".join(SOURCES))
        case = cls(CaseRecord(case_id))
        case._emit(ev.CaseReported(
            case_id=case_id, at=now, actor=actor, matter=matter, severity=sev.value,
            affected=tuple(dict.fromkeys(affected)), description=description.strip(),
            source=source, reporter_name=reporter_name, reporter_phone=reporter_phone,
            idempotency_key=idempotency_key, reporter_account=reporter_account, address=address,
            coordinates=coordinates))
        if publish:
            case._emit(ev.PublicationAgreed(case_id=case_id, at=now, actor=actor))
        if email := check_email(reporter_email):
            case._emit(ev.ContactEmailGiven(case_id=case_id, at=now, actor=actor, reporter_email=email))
        return case

    def dispatch(self, *, by: str, now: datetime, rules: Rules, lead: str = "") -> None:
        """派单 to the routed lead, or one the dispatcher names within reach (the routed one assists)."""
        self._check(CaseAction.DISPATCH)
        decision = self._route(rules)
        if lead and lead != decision.lead:
            rules.router.check_reach(by, lead, self.record.affected)
        self._routing_events(decision, now, by)
        ack_due, due, limit = self._clocks(now, rules)
        self._emit(ev.CaseDispatched(case_id=self.id, at=now, actor=by, lead=lead or decision.lead,
                                     ack_due=ack_due, due=due, limit=limit))

    def acknowledge(self, *, by: str, now: datetime) -> None:
        """签收 by the lead."""
        self._check(CaseAction.ACKNOWLEDGE)
        self._party(by, [self.record.lead], "lead")
        self._emit(ev.CaseAcknowledged(case_id=self.id, at=now, actor=by))

    def start(self, *, by: str, now: datetime) -> None:  # 开始处置
        self._check(CaseAction.START)
        self._party(by, [self.record.lead], "lead")
        self._emit(ev.HandlingStarted(case_id=self.id, at=now, actor=by))

    # -- re-dispatch (returns and their rulings: ``disputes``) ------------------------------------
    def redispatch(self, *, by: str, lead: str, reason: str, now: datetime, rules: Rules) -> None:
        """改派 by the dispatcher to another department; its clocks start anew."""
        self._check(CaseAction.REDISPATCH)
        self._party(by, [self.record.dispatcher], "dispatcher")
        rules.router.check_reach(by, lead, self.record.affected)
        if lead == self.record.lead:
            raise DomainError("case.same_lead", lead=lead)
        ack_due, due, _ = self._clocks(now, rules)
        self._emit(ev.CaseRedispatched(case_id=self.id, at=now, actor=by, lead=lead,
                                       reason=reason.strip(), ack_due=ack_due, due=due))

    # -- escalation and scope ------------------------------------------------------------------
    def escalate(self, *, by: str, reason: str, now: datetime, rules: Rules,
                 trigger: str = "request") -> None:
        """提级: raise the owner one level and re-run routing (the old lead stays to assist)."""
        self._check(CaseAction.ESCALATE)
        r = self.record
        if trigger == "request":
            self._party(by, [r.lead], "lead")
            if not reason.strip():
                raise DomainError("case.reason_required", action="escalate")
        if r.owner_level <= Level.CENTRAL:
            raise DomainError("case.cannot_escalate", level="central")
        rules.check_ceiling(r)  # taken over only up to the matter's ceiling (承接提级)
        self._reroute(by=by, now=now, rules=rules, trigger=trigger, reason=reason,
                      floor=Level(r.owner_level - 1))

    def _reroute(self, *, by: str, now: datetime, rules: Rules, trigger: str, reason: str,
                 floor: Level | None, affected: Sequence[str] | None = None) -> None:
        r = self.record
        old_level = r.owner_level
        r_floor: Level | None = Level(r.floor) if r.floor is not None else None
        if floor is not None:
            r_floor = floor if r_floor is None else Level(min(r_floor, floor))
        decision = rules.router.route(matter=rules.matter_for(r), severity=severity_of(r.severity),
                                      affected=affected or r.affected, floor=r_floor)
        ack_due, due, _ = self._clocks(now, rules)
        self._emit(ev.CaseEscalated(
            case_id=self.id, at=now, actor=by, trigger=trigger, reason=reason.strip(),
            from_level=old_level, to_level=int(decision.owner_level), lead=decision.lead,
            ack_due=ack_due, due=due))
        self._routing_events(decision, now, by)

    def widen(self, *, by: str, added: Sequence[str], now: datetime, rules: Rules) -> None:
        """A new affected jurisdiction: re-run routing; a higher owner takes over, the team widens."""
        self._check(CaseAction.WIDEN)
        r = self.record
        fresh = [c for c in dict.fromkeys(added) if c not in r.affected]
        rules.router.check_widening(by, fresh)
        if not fresh:
            raise DomainError("case.nothing_new", value=",".join(added))
        self._emit(ev.ScopeWidened(case_id=self.id, at=now, actor=by, added=tuple(fresh)))
        if r.state is CaseState.RECEIVED:
            return
        decision = self._route(rules)
        if decision.owner.code != r.owner and r.state is not CaseState.RETURNED:
            self._reroute(by=by, now=now, rules=rules, trigger="scope", reason="影响范围扩大", floor=None)
        else:
            for code, role, rule in decision.members:
                if code not in r.team:
                    self._emit(ev.MemberJoined(case_id=self.id, at=now, actor=by, department=code,
                                               role=role.value if role is not Role.LEAD else "assist",
                                               reason=rule.value))

    def reclassify(self, *, by: str, matter: str, reason: str, now: datetime, rules: Rules) -> None:
        """改类 before handling starts: the dispatcher (once there is one) corrects the matter type;
        the severity stays when the new type knows it, else becomes the type's default. Dispatch
        then routes by the new type; a dispatched case is re-dispatched to the right lead next."""
        self._check(CaseAction.RECLASSIFY)
        r = self.record
        if r.dispatcher:
            self._party(by, [r.dispatcher], "dispatcher")
        new = rules.matter(matter, r.affected, r.received_at)
        if matter == r.matter:
            raise DomainError("case.same_matter", matter=matter)
        known = {s.value for s in new.severities}
        severity = r.severity if r.severity in known else new.default_severity.value
        self._emit(ev.MatterCorrected(case_id=self.id, at=now, actor=by, matter=matter, previous=r.matter,
                                      severity=severity, reason=reason.strip()))

    def set_heat(self, *, by: str, heat: int, now: datetime, rules: Rules) -> None:
        """舆情热度; above the threshold the level above becomes present."""
        self._check(CaseAction.HEAT)
        if not 0 <= heat <= 100:
            raise DomainError("case.bad_heat", value=heat, allowed="0–100")
        self._heat_to(by=by, heat=heat, now=now, rules=rules)

    def support(self, *, by: str, reporter_phone: str = "", now: datetime, rules: Rules) -> None:
        """附议 ("me too"): another citizen reports the same open problem; the heat rises by the
        policy's step, so enough of them bring the level above to the case."""
        self._check(CaseAction.SUPPORT)
        r = self.record
        self._emit(ev.ReportSupported(case_id=self.id, at=now, actor=by, supporters=r.supporters + 1,
                                      reporter_phone=check_phone(reporter_phone)))
        heat = min(100, r.heat + rules.policy.support_heat)
        if heat != r.heat:
            self._heat_to(by=PLATFORM, heat=heat, now=now, rules=rules)

    def _heat_to(self, *, by: str, heat: int, now: datetime, rules: Rules) -> None:
        r = self.record
        self._emit(ev.HeatChanged(case_id=self.id, at=now, actor=by, heat=heat))
        if heat >= rules.policy.heat_threshold and not r.heat_present and r.lead:
            supervisor = rules.router.supervisor_of(r.lead)
            self._emit(ev.SupervisionStarted(case_id=self.id, at=now, actor=PLATFORM,
                                             supervisor=supervisor, trigger="heat"))

    # -- handling ----------------------------------------------------------------------------
    def request_extension(self, *, by: str, until: datetime, reason: str, now: datetime,
                          rules: Rules) -> None:
        """延期申请 before the deadline, to the supervising level."""
        self._check(CaseAction.REQUEST_EXTENSION)
        r = self.record
        self._party(by, [r.lead], "lead")
        assert r.due is not None
        check_moment(until, now=now, within=timedelta(days=rules.policy.max_extension_days))
        if now >= r.due:
            raise DomainError("case.extension_too_late", due=r.due.isoformat())
        if until <= r.due:
            raise DomainError("case.extension_not_later", due=r.due.isoformat(), until=until.isoformat())
        if r.pending_extension is not None:
            raise DomainError("case.extension_pending")
        if not reason.strip():
            raise DomainError("case.reason_required", action="request_extension")
        self._emit(ev.ExtensionRequested(case_id=self.id, at=now, actor=by, until=until,
                                         reason=reason.strip(), approver=rules.router.supervisor_of(r.lead)))

    def decide_extension(self, *, by: str, approve: bool, reason: str, now: datetime) -> None:
        self._check(CaseAction.DECIDE_EXTENSION)
        r = self.record
        if r.pending_extension is None:
            raise DomainError("case.no_extension_pending")
        self._party(by, [r.pending_extension.approver], "approver")
        assert r.due is not None
        due = r.pending_extension.until if approve else r.due
        self._emit(ev.ExtensionDecided(case_id=self.id, at=now, actor=by, approved=approve, due=due,
                                       reason=reason.strip()))

    def request_resource(self, *, by: str, resource: str, reason: str, now: datetime, rules: Rules,
                         approver: str = "") -> None:
        """资源申请: the lead asks a department of a level above its own (by default the same
        system one level up) for a decision on a resource; its deadline keeps running."""
        self._check(CaseAction.REQUEST_RESOURCE)
        r = self.record
        self._party(by, [r.lead], "lead")
        if r.pending_resource is not None:
            raise DomainError("case.resource_pending")
        if not resource.strip():
            raise DomainError("case.resource_required")
        target = approver.strip() or rules.router.supervisor_of(r.lead)
        rules.router.check_department(target)
        unit, lead_unit = target.rpartition("-")[0], r.lead.rpartition("-")[0]
        h = rules.router.hierarchy
        if unit == lead_unit or not h.is_ancestor(unit, lead_unit):
            raise DomainError("case.resource_not_above", approver=target, lead=r.lead)
        self._emit(ev.ResourceRequested(case_id=self.id, at=now, actor=by, approver=target,
                                        resource=resource.strip(), reason=reason.strip()))

    def decide_resource(self, *, by: str, approve: bool, reason: str, now: datetime) -> None:
        """资源决定 by the department asked (its reason is the decision's note)."""
        self._check(CaseAction.DECIDE_RESOURCE)
        r = self.record
        if r.pending_resource is None:
            raise DomainError("case.no_resource_pending")
        self._party(by, [r.pending_resource.approver], "approver")
        self._emit(ev.ResourceDecided(case_id=self.id, at=now, actor=by, approved=approve,
                                      note=reason.strip()))

    def pause(self, *, by: str, reason: str, now: datetime) -> None:
        """Stop the clock while waiting for the reporter (补充材料)."""
        self._check(CaseAction.PAUSE)
        self._party(by, [self.record.lead], "lead")
        if self.record.paused_at is not None:
            raise DomainError("case.already_paused")
        self._emit(ev.CasePaused(case_id=self.id, at=now, actor=by, reason=reason.strip()))

    def unpause(self, *, by: str, now: datetime) -> None:
        self._check(CaseAction.UNPAUSE)
        r = self.record
        self._party(by, [r.lead], "lead")
        if r.paused_at is None or r.due is None:
            raise DomainError("case.not_paused")
        paused = max(0, int((now - r.paused_at).total_seconds()))
        self._emit(ev.CaseUnpaused(case_id=self.id, at=now, actor=by, paused_seconds=paused,
                                   due=r.due + timedelta(seconds=paused)))

    def shelve(self, *, by: str, until: datetime, reason: str, now: datetime, rules: Rules) -> None:
        """挂账: long-running works with a due date (at most the policy's ``max_shelve_days`` ahead)."""
        self._check(CaseAction.SHELVE)
        self._party(by, [self.record.lead], "lead")
        check_moment(until, now=now, within=timedelta(days=rules.policy.max_shelve_days))
        if until <= now or (self.record.due is not None and until <= self.record.due):
            raise DomainError("case.shelve_date_past", until=until.isoformat())
        self._emit(ev.CaseShelved(case_id=self.id, at=now, actor=by, reason=reason.strip(), until=until))

    def resume(self, *, by: str, now: datetime) -> None:
        self._check(CaseAction.RESUME)
        self._party(by, [self.record.lead], "lead")
        assert self.record.due is not None
        self._emit(ev.CaseResumed(case_id=self.id, at=now, actor=by, due=self.record.due))

    def report_assist(self, *, by: str, summary: str, now: datetime, photos: tuple[str, ...] = (),
                      documents: tuple[str, ...] = ()) -> None:
        """An assisting department reports its part."""
        self._check(CaseAction.REPORT_ASSIST)
        r = self.record
        self._party(by, r.members(Role.ASSIST), "assist")
        if r.team[by].reported_at is not None:
            raise DomainError("case.assist_already_reported", department=by)
        on_time = r.due is None or now <= r.due
        self._emit(ev.AssistReported(case_id=self.id, at=now, actor=by, department=by,
                                     summary=summary.strip(), on_time=on_time,
                                     photos=_attachment_keys(photos), documents=_attachment_keys(documents)))

    def resolve(self, *, by: str, summary: str, public_note: str, now: datetime, rules: Rules,
                photos: tuple[str, ...] = (), documents: tuple[str, ...] = ()) -> None:
        """办结 by the lead, once every assist has reported its part (joint closure)."""
        self._check(CaseAction.RESOLVE)
        r = self.record
        self._party(by, [r.lead], "lead")
        pending = r.pending_assists()
        if pending:
            raise DomainError("case.assists_pending", departments="、".join(pending))
        if not summary.strip():
            raise DomainError("case.reason_required", action="resolve")
        self._emit(ev.CaseResolved(case_id=self.id, at=now, actor=by, summary=summary.strip(),
                                   public_note=public_note.strip(),
                                   on_time=r.due is None or now <= r.due,
                                   follow_up_by=rules.calendar.deadline(
                                       now, rules.policy.follow_up_working_days, "wd"),
                                   photos=_attachment_keys(photos), documents=_attachment_keys(documents)))

    # -- follow-up, closure, duplicates --------------------------------------------------------
    def close(self, *, by: str, now: datetime) -> None:
        """归档 by the centre that dispatched the case."""
        self._check(CaseAction.CLOSE)
        if self.record.dispatcher:
            self._party(by, [self.record.dispatcher], "dispatcher")
        self._emit(ev.CaseClosed(case_id=self.id, at=now, actor=by))

    def merge_into(self, *, by: str, target: Case, now: datetime) -> None:
        """A duplicate merges into ``target``; the target records it so both reporters hear."""
        self._check(CaseAction.MERGE)
        if target.id == self.id:
            raise DomainError("case.merge_self")
        target._check(CaseAction.ABSORB)
        self._emit(ev.CaseMerged(case_id=self.id, at=now, actor=by, into=target.id))
        target._emit(ev.DuplicateAbsorbed(case_id=target.id, at=now, actor=by, duplicate=self.id,
                                          reporter_name=self.record.reporter_name,
                                          reporter_phone=self.record.reporter_phone))


def _attachment_keys(keys: tuple[str, ...]) -> tuple[str, ...] | None:
    """The attachments an event carries (photos, documents), by the SHA-256 of what was kept (so the
    record commits to them); None for none (the field is left out)."""
    if not keys:
        return None
    found = tuple(dict.fromkeys(k.lower() for k in keys))
    if any(len(k) != 64 or any(ch not in "0123456789abcdef" for ch in k) for k in found):
        raise DomainError("case.bad_photo_key")
    return found
