"""The actions a case page offers: which one a user may take right now, its form and its command.

Offering is a courtesy (state × role × place on the team); the engine still decides, and a
refusal is shown next to the action. A page's form and the command it posts are derived from the
command's declaration (``asked``, ``values_from``), for the instrument page's steps too.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass
from dataclasses import fields as dataclass_fields
from datetime import datetime
from typing import Any

from liandong.domain import declare as d
from liandong.domain.access import COMMAND_ROLES, Principal
from liandong.domain.cases import commands as c
from liandong.domain.cases.record import CaseRecord
from liandong.domain.cases.routing import Role
from liandong.domain.cases.states import TRANSITIONS, CaseAction
from liandong.domain.duties import waits_on
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.domain.organisation import GovernanceElements
from liandong.domain.powers import may
from liandong.domain.worktime import SHANGHAI

Form = Mapping[str, Any]


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, checkboxes, datetime, number, matter
    label: tuple[str, str]  # zh, en
    required: bool = True
    options: tuple[tuple[str, tuple[str, str]], ...] = ()


@dataclass(frozen=True)
class Action:
    key: str  # the command's slug (its permission key and API path)
    engine: CaseAction
    label: tuple[str, str]
    command: type[c.CaseCommand]
    fields: tuple[Field, ...] = ()
    who: str = "lead"  # lead | dispatcher | assist | summoned | summoner | decider | approver |
    #                   resource_approver | any

    @property
    def attachments(self) -> bool:
        """Whether photos may be attached (办结, 协办反馈): the page cleans them and the command
        carries their keys, so the record commits to what was attached."""
        return any(f.name == "photos" for f in dataclass_fields(self.command))

    def build(self, case_id: str, by: str, version: int, form: Form) -> c.Command:
        """The command from the posted form: each asked field read as its declaration says, the
        others at their defaults (or as the page derives them, ``DERIVED``)."""
        values = values_from(self.command, form)
        values.update(DERIVED.get(self.key, lambda _form: {})(form))
        return self.command(by=by, case_id=case_id, expected_version=version, **values)


def asked(cls: type, *, choices: Mapping[str, tuple[tuple[str, tuple[str, str]], ...]] | None = None,
          skip: frozenset[str] | set[str] = frozenset()) -> tuple[Field, ...]:
    """The form of a command: every declared field a page may set (``Param.web``), with its label, its
    kind, whether it is required, and its choices — declared, or given now (``choices``: the tasks
    one may report done, the decisions of an instrument's kind); ``skip``: fields that do not apply
    to this aggregate now."""
    out = []
    for f in dataclass_fields(cls):
        p = f.metadata.get("param")
        if p is None or not p.web or p.edge or f.name in skip:
            continue
        required = f.default is MISSING and p.kind not in (d.CHECKBOX,)
        options = (choices or {}).get(f.name, p.choices)
        out.append(Field(f.name, p.kind, p.label, required=required, options=options))
    return tuple(out)


def values_from(cls: type, form: Form, *, skip: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """The values of a command's asked fields from a posted form, each read as its declaration says
    (a field left empty, or skipped, takes its default)."""
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in dataclass_fields(cls):
        p = f.metadata.get("param")
        if p is None or not p.web or p.edge or f.name in skip:
            continue
        values[f.name] = _read(form, f.name, hints[f.name], p, f.default)
    return values


def _read(form: Form, name: str, hint: Any, p: d.Param, default: Any) -> Any:
    kind = p.kind
    text = _text(form, name)
    if not text and default is not MISSING and kind not in (d.CHECKBOX, d.CHECKBOXES):
        return default  # an optional time, a select left out: its default
    if kind == d.DATETIME:
        return _moment(form, name)
    if kind == d.CHECKBOXES:
        return _many(form, name)
    if kind == d.LIST:
        return _list(text, hint, p.separator)
    if hint is bool:
        return text == "yes" if kind == d.SELECT else bool(text)
    if hint is int:
        try:
            return int(text)
        except ValueError:
            raise DomainError("web.bad_number", value=text) from None
    return text


def _list(text: str, hint: Any, separator: str) -> tuple[Any, ...]:
    """One item a line; an item of several parts (a pair) split at the declared separator."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    element = typing.get_args(d.base_type(hint)[0])[0]
    if typing.get_origin(element) is not tuple:
        return tuple(lines)
    parts = typing.get_args(element)
    out = []
    for line in lines:
        bits = tuple(b.strip() for b in line.split(separator))
        if len(bits) != len(parts) or not all(bits):
            raise DomainError("web.bad_line", value=line[:40], form=separator.join(["…"] * len(parts)))
        out.append(bits)
    return tuple(out)


def _text(form: Form, name: str) -> str:
    value = form.get(name, "")
    return str(value).strip() if not isinstance(value, list) else ""


def _many(form: Form, name: str) -> tuple[str, ...]:
    value = form.get(name, ())
    return tuple(value) if isinstance(value, list) else ((str(value),) if value else ())


def _moment(form: Form, name: str) -> datetime:
    raw = _text(form, name)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise DomainError("web.bad_datetime", value=raw) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


UNREACHED = "unreached"
"""The 回访 queue's outcome for a call that did not reach the reporter (未联系上)."""

DERIVED: dict[str, Callable[[Form], dict[str, Any]]] = {
    # 回访 on the page: a rating other than 不满意 means solved; 未联系上 (the queue's option) is a
    # call that did not reach the reporter
    "follow-up": lambda form: {"contacted": _text(form, "rating") != UNREACHED,
                               "solved": _text(form, "rating") not in ("unsatisfied", UNREACHED),
                               "rating": _text(form, "rating").replace(UNREACHED, "none") or "none"},
}
"""Fields the page sets from others rather than asking for them."""


def _action(cls: type[c.CaseCommand]) -> Action:
    declared = d.declaration(cls)
    assert declared.action is not None and declared.who is not None
    return Action(declared.slug, CaseAction(declared.action), declared.name, cls, asked(cls), declared.who)


ACTIONS: tuple[Action, ...] = tuple(
    _action(cls) for cls in c.COMMANDS.values()
    if issubclass(cls, c.CaseCommand) and d.declaration(cls).who is not None)
"""What a case page may offer: every command that declares whose move it is there."""
BY_KEY = {a.key: a for a in ACTIONS}


def offered(user: Principal, r: CaseRecord, hierarchy: HierarchyIndex,
            governance: GovernanceElements | None = None) -> list[Action]:
    """The actions this user may take on this case now (with ``governance``: only those its
    department's level has the power for, ``domain.powers``)."""
    dept = user.department
    if dept is None or dept.rpartition("-")[0] not in hierarchy:
        return []
    allowed = TRANSITIONS[r.state]
    level = hierarchy.get(dept.rpartition("-")[0]).level
    out = []
    for action in ACTIONS:
        if action.engine not in allowed or not (user.roles & COMMAND_ROLES[action.key]):
            continue
        if governance is not None and not may(governance, level, dept, action.key, r.lead):
            continue
        if _actor_fits(action.who, dept, r, hierarchy):
            out.append(action)
    return out


def _actor_fits(who: str, dept: str, r: CaseRecord, hierarchy: HierarchyIndex) -> bool:
    unit = dept.rpartition("-")[0]
    if who == "lead":
        return dept == r.lead
    if who == "dispatcher":
        return dept == r.dispatcher or (not r.dispatcher and any(
            hierarchy.is_ancestor(unit, a) for a in r.affected) and dept.endswith("-gov"))
    if who == "assist":
        member = r.team.get(dept)
        return (member is not None and member.role is Role.ASSIST and member.active
                and member.reported_at is None)
    if who == "summoned":
        s = r.summons.get(dept)
        return s is not None and s.answered_at is None
    if who == "summoner":
        return (hierarchy.get(unit).level is Level.TOWNSHIP
                and (dept in r.team or any(hierarchy.is_ancestor(unit, a) for a in r.affected)))
    if who == "decider":
        return r.pending_return is not None and r.pending_return.decider == dept
    if who == "approver":
        return r.pending_extension is not None and r.pending_extension.approver == dept
    if who == "member":
        member = r.team.get(dept)
        return (member is not None and member.active) or dept == r.dispatcher or waits_on(dept, r)
    if who == "resource_approver":
        return r.pending_resource is not None and r.pending_resource.approver == dept
    if who == "appeal_decider":
        a = r.adjudication
        return a is not None and a.appeal_pending and a.decider == dept
    return True


PRIMARY: tuple[str, ...] = (
    "return-decision", "extension-decision", "resource-decision", "summons-answer", "assist-report",
    "dispatch", "acknowledge", "resolve", "follow-up", "close")
"""The step a state asks of whoever is on it, first to last: the one of these a user is offered
opens the page's actions; the rest are folded under 更多操作 (issue 23 point 8)."""


def arranged(actions: list[Action]) -> tuple[Action | None, list[Action]]:
    """The primary action of what is offered, and the rest to fold (in the order offered)."""
    rank = {key: n for n, key in enumerate(PRIMARY)}
    candidates = [a for a in actions if a.key in rank]
    primary = min(candidates, key=lambda a: rank[a.key]) if candidates else None
    return primary, [a for a in actions if a is not primary]


def summonable(dept: str, hierarchy: HierarchyIndex, departments: list[str]) -> list[str]:
    """The county departments a township office may summon (its own county's)."""
    county = hierarchy.parent(dept.rpartition("-")[0])
    return [d for d in departments if county is not None and d.rpartition("-")[0] == county.code]
