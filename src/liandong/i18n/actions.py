"""A case's actions in words (签收, 办结, 回访核实 …), for refusals that name what a state allows: a
person reads the names, never the engine's codes; the platform's own clock tick is not listed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from liandong.domain import declare as d
from liandong.domain.cases import commands as c
from liandong.domain.cases.states import CaseAction
from liandong.i18n import pick

_NOT_DECLARED: dict[CaseAction, tuple[str, str]] = {
    CaseAction.ABSORB: ("并入重复件", "Absorb a duplicate"), CaseAction.HEAT: ("热度变化", "Heat change"),
    CaseAction.MERGE: ("合并", "Merge"), CaseAction.PAUSE: ("暂停计时", "Pause the clock"),
    CaseAction.UNPAUSE: ("恢复计时", "Restart the clock"), CaseAction.RATE_SUMMONED: ("评价报到部门", "Rate the summoned"),
    CaseAction.REDISPATCH: ("改派", "Re-dispatch"), CaseAction.REOPEN: ("重办", "Reopen"),
    CaseAction.RESUME: ("恢复办理", "Resume"), CaseAction.SHELVE: ("挂账", "Shelve"),
    CaseAction.VERIFY_FOLLOW_UP: ("回访核实", "Verify the follow-up"), CaseAction.WIDEN: ("扩大范围", "Widen the scope"),
}
INTERNAL = frozenset({CaseAction.TICK})
"""Actions only the platform takes (its deadline check): never offered to a person in words."""

_VALUES = {a.value for a in CaseAction}
ACTION_NAMES: dict[CaseAction, tuple[str, str]] = {
    **_NOT_DECLARED,
    **{CaseAction(name): decl.name for decl in (d.declaration(k) for k in c.COMMANDS.values())
       for name in (decl.action, decl.behaviour, decl.slug) if name in _VALUES},
    **{CaseAction(decl.action): decl.name for decl in (d.declaration(k) for k in c.COMMANDS.values())
       if decl.action is not None},
}
"""Every action a person may be told of, named: by the command that declares it (its page action,
else its behaviour or slug), else here."""


def action_name(action: str, lang: str) -> str:
    try:
        found = ACTION_NAMES.get(CaseAction(action))
    except ValueError:
        found = None
    return pick(found, lang) if found is not None else action


def transition_words(params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """``case.illegal_transition``'s state, action and what is allowed now, in words."""
    from liandong.i18n.work_items import state_name

    allowed = [a.strip() for a in str(params.get("allowed", "")).split(",") if a.strip() not in ("", "—")]
    shown = [action_name(a, lang) for a in allowed if a not in {x.value for x in INTERNAL}]
    return {**params, "state": state_name(str(params.get("state", "")), lang),
            "action": action_name(str(params.get("action", "")), lang),
            "allowed": pick(("、", ", "), lang).join(shown) or "—"}
